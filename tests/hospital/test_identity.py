"""The patient's real name and ID number: checked, kept masked, the full number never stored."""

import hashlib
import hmac
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.crypto import salted_hmac

from portal.acting import Acting
from services.hospital import api
from services.hospital.identity import hash_version, id_number_hashes, mask_name
from services.hospital.models import PatientIdentity
from tests.hospital.conftest import id_number

pytestmark = pytest.mark.django_db


def test_a_valid_number_is_kept_only_masked_and_hashed(resident):
    number = id_number("31010519500101123")
    identity = api.save_identity(Acting.by_resident(resident), " 王小华 ", number.lower())
    assert identity.real_name_masked == "王*华"
    assert identity.id_number_masked == "3101**********" + number[-4:]
    version, digest = identity.id_number_hash.split("$")
    assert version == "v1" and len(digest) == 64 and number not in digest
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


# -- The keyed hash: keys of its own, versions, rotation --------------------------------------

NUMBER = id_number("31010519500101123")
OLD_KEY = "old-identity-key-" + "k" * 20
NEW_KEY = "new-identity-key-" + "n" * 20
OTHER_NUMBER = id_number("31010419480202456")


def _hmac(key, number):
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()


def test_the_hash_is_hmac_sha256_with_the_newest_identity_key_not_the_secret_key(
    resident, settings
):
    settings.IDENTITY_HASH_KEYS = [(3, NEW_KEY), (1, OLD_KEY)]
    identity = api.save_identity(Acting.by_resident(resident), "王小华", NUMBER.lower())
    assert identity.id_number_hash == "v3$" + _hmac(NEW_KEY, NUMBER)
    assert hash_version(identity.id_number_hash) == 3
    settings.SECRET_KEY = "another-secret-key-" + "s" * 40
    assert PatientIdentity.with_id_number(NUMBER) == [identity]


def test_after_a_rotation_an_old_hash_still_matches_and_is_hashed_again_with_the_new_key(
    resident, neighbour, settings
):
    settings.IDENTITY_HASH_KEYS = [(1, OLD_KEY)]
    mine = api.save_identity(Acting.by_resident(resident), "王小华", NUMBER)
    theirs = api.save_identity(Acting.by_resident(neighbour), "李建国", OTHER_NUMBER)
    assert mine.id_number_hash == "v1$" + _hmac(OLD_KEY, NUMBER)
    changed_at = mine.updated_at

    settings.IDENTITY_HASH_KEYS = [(2, NEW_KEY), (1, OLD_KEY)]  # the rotation
    assert PatientIdentity.with_id_number(f" {NUMBER.lower()} ") == [mine]
    mine.refresh_from_db()
    assert mine.id_number_hash == "v2$" + _hmac(NEW_KEY, NUMBER)
    assert mine.updated_at == changed_at  # not a change the person made
    theirs.refresh_from_db()
    assert hash_version(theirs.id_number_hash) == 1  # not matched: left as it was

    settings.IDENTITY_HASH_KEYS = [(2, NEW_KEY)]  # the old key retired
    assert PatientIdentity.with_id_number(NUMBER) == [mine]
    assert PatientIdentity.with_id_number(id_number("31010519500101124")) == []


def test_a_hash_whose_key_is_no_longer_listed_does_not_match(resident, settings):
    settings.IDENTITY_HASH_KEYS = [(1, OLD_KEY)]
    mine = api.save_identity(Acting.by_resident(resident), "王小华", NUMBER)
    settings.IDENTITY_HASH_KEYS = [(2, NEW_KEY)]
    assert PatientIdentity.with_id_number(NUMBER) == []
    assert not mine.matches_id_number(NUMBER)
    mine.refresh_from_db()
    assert hash_version(mine.id_number_hash) == 1


def test_a_hash_made_before_identity_keys_still_matches_and_is_hashed_again(resident, settings):
    """Rows saved before IDENTITY_HASH_KEYS hold salted_hmac with SECRET_KEY, no prefix."""
    legacy = salted_hmac("services.hospital.id_number", NUMBER, algorithm="sha256").hexdigest()
    api.save_identity(Acting.by_resident(resident), "王小华", NUMBER)
    PatientIdentity.objects.filter(user=resident).update(id_number_hash=legacy)
    identity = PatientIdentity.objects.get(user=resident)
    assert hash_version(identity.id_number_hash) == 0

    settings.IDENTITY_HASH_KEYS = [(2, NEW_KEY), (1, OLD_KEY)]
    assert identity.matches_id_number(NUMBER)
    identity.refresh_from_db()
    assert identity.id_number_hash == "v2$" + _hmac(NEW_KEY, NUMBER)


def test_a_legacy_hash_still_matches_after_the_secret_key_moved_to_the_fallbacks(
    resident, settings
):
    legacy = salted_hmac("services.hospital.id_number", NUMBER, algorithm="sha256").hexdigest()
    api.save_identity(Acting.by_resident(resident), "王小华", NUMBER)
    PatientIdentity.objects.filter(user=resident).update(id_number_hash=legacy)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "s" * 40
    (found,) = PatientIdentity.with_id_number(NUMBER)
    assert found.user == resident and hash_version(found.id_number_hash) == 1


def test_matching_needs_the_right_number(resident):
    identity = api.save_identity(Acting.by_resident(resident), "王小华", NUMBER)
    assert identity.matches_id_number(NUMBER.lower())
    assert not identity.matches_id_number(id_number("31010519500101124"))
    assert not identity.matches_id_number("not a number")
    with pytest.raises(ValidationError):
        PatientIdentity.with_id_number("not a number")


def test_every_form_of_a_number_tried_is_listed_newest_first(settings):
    settings.IDENTITY_HASH_KEYS = [(2, NEW_KEY), (1, OLD_KEY)]
    hashes = id_number_hashes(NUMBER)
    assert [hash_version(value) for value in hashes] == [2, 1, 0]
    assert all(NUMBER not in value for value in hashes)


# -- The random id hospitals' systems know the patient by --------------------------------------


def test_each_patient_has_a_random_id_made_once_and_kept(resident, neighbour):
    mine = api.save_identity(Acting.by_resident(resident), "王小华", NUMBER)
    assert isinstance(mine.external_id, uuid.UUID) and mine.external_id.version == 4
    again = api.save_identity(Acting.by_resident(resident), "王华", id_number("31010519500101124"))
    assert again.external_id == mine.external_id
    # Not derived from the number: the same number for someone else has another id.
    theirs = api.save_identity(Acting.by_resident(neighbour), "王小华", NUMBER)
    assert theirs.external_id != mine.external_id
    assert mine.external_id.hex not in mine.id_number_hash
