"""The patient's real name and ID number: checked, kept masked, the full number never stored."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.acting import Acting
from services.hospital import api
from services.hospital.identity import mask_name
from services.hospital.models import PatientIdentity
from tests.hospital.conftest import id_number

pytestmark = pytest.mark.django_db


def test_a_valid_number_is_kept_only_masked_and_hashed(resident):
    number = id_number("31010519500101123")
    identity = api.save_identity(Acting.by_resident(resident), " 王小华 ", number.lower())
    assert identity.real_name_masked == "王*华"
    assert identity.id_number_masked == "3101**********" + number[-4:]
    assert len(identity.id_number_hash) == 64 and number not in identity.id_number_hash
    stored = PatientIdentity.objects.filter(user=resident).values().get()
    assert all(number not in str(value) for value in stored.values())
    assert api.identity_of(resident) == identity


def test_an_x_check_character_is_accepted():
    # 11010519491231002X is the standard's own example.
    assert api.ids.clean_id_number("11010519491231002x") == "11010519491231002X"


def test_saving_again_replaces_the_identity(resident):
    api.save_identity(Acting.by_resident(resident), "王小华", id_number("31010519500101123"))
    api.save_identity(Acting.by_resident(resident), "王华", id_number("31010519500101124"))
    identity = PatientIdentity.objects.get(user=resident)
    assert identity.real_name_masked == "王*"


@pytest.mark.parametrize(
    "number, words",
    [
        ("3101051950010112", "18 characters"),
        ("31010519500101123A", "18 characters"),
        ("", "18 characters"),
        ("310105195001011230", "not right"),  # wrong check digit
        ("310105195013011230", "not right"),  # month 13
    ],
)
def test_a_bad_number_is_refused_in_words_and_nothing_is_kept(resident, number, words):
    if words == "not right" and number.startswith("3101051950130"):
        number = id_number(number[:17])  # right check digit, impossible birth date
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            api.save_identity(Acting.by_resident(resident), "王小华", number)
        assert words in refused.value.messages[0]
    assert not PatientIdentity.objects.filter(user=resident).exists()


@pytest.mark.parametrize("name", ["", "王", "王123", "<script>"])
def test_a_name_that_cannot_be_on_a_card_is_refused(resident, name):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            api.save_identity(Acting.by_resident(resident), name, id_number("31010519500101123"))
        assert "as it is on the ID card" in refused.value.messages[0]
    assert not PatientIdentity.objects.filter(user=resident).exists()


def test_names_are_masked_in_the_middle():
    assert mask_name("王华") == "王*"
    assert mask_name("欧阳小华") == "欧**华"
    assert mask_name("Li Wei") == "L****i"


def test_saving_is_audited_and_for_someone_else_needs_their_permission(resident, neighbour):
    from portal.audit.models import AuditEntry
    from portal.consent import api as consent_api
    from portal.consent.models import GivenVia, Scope

    number = id_number("31010519500101123")
    with pytest.raises(api.ConsentRequired):
        api.save_identity(Acting.for_resident(resident, neighbour, channel="web"), "王小华", number)
    assert api.identity_of(resident) is None
    by_neighbour = AuditEntry.objects.filter(
        resident=resident, action="saved_identity", actor=neighbour
    )
    assert not by_neighbour.exists()

    consent = consent_api.grant(resident, Scope.HOSPITAL, grantee=neighbour, given_via=GivenVia.WEB)
    api.save_identity(Acting.for_resident(resident, neighbour, channel="web"), "王小华", number)
    entry = by_neighbour.get()
    assert (entry.consent, entry.channel) == (consent, "web")
    assert number not in str(entry.details) and "王小华" not in str(entry.details)
    with translation.override("en"):
        assert "saved your real name and ID number" in entry.sentence()
