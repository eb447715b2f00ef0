"""The resident API: the web pages and the desk change a resident's details the same way,
with consent when someone else does it, and an audit entry the resident reads."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from portal.accounts import api
from portal.accounts.models import SavedPlace
from portal.acting import Acting
from portal.areas.models import Street
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.api import ConsentRequired, grant
from portal.consent.models import GivenVia, Scope

pytestmark = pytest.mark.django_db

REQUEST = "request:5"


def _entries(resident, action):
    return list(AuditEntry.objects.filter(resident=resident, action=action))


def test_a_resident_changes_their_details_and_reads_it_in_their_log(resident):
    street = Street.objects.get(name="南京西路街道")
    api.change_details(
        Acting.by_resident(resident), home_address="南京西路 1 号", street=street, language="en"
    )
    resident.refresh_from_db()
    assert (resident.home_address, resident.street, resident.language) == (
        "南京西路 1 号",
        street,
        "en",
    )
    [entry] = _entries(resident, "changed_details")
    assert entry.details == {"fields": ["home_address", "language", "street"]}
    assert "南京西路" not in str(entry.details)  # which fields, never their values
    with translation.override("en"):
        assert entry.sentence() == "You changed your details on the website."


def test_changing_nothing_writes_nothing(resident):
    api.change_details(Acting.by_resident(resident), preferred_name=resident.preferred_name)
    assert _entries(resident, "changed_details") == []


def test_bad_input_changes_nothing_and_says_why(resident):
    with pytest.raises(ValidationError):
        api.change_details(Acting.by_resident(resident), emergency_phone="123")
    with pytest.raises(ValidationError):
        api.change_details(Acting.by_resident(resident), language="fr", preferred_name="X")
    resident.refresh_from_db()
    assert (resident.language, resident.preferred_name) == ("zh-hans", "王阿姨")
    assert _entries(resident, "changed_details") == []
    with pytest.raises(ValueError):  # the phone number changes only with a code
        api.change_details(Acting.by_resident(resident), phone="+8613900000000")


def test_a_volunteer_needs_the_residents_consent_and_is_named_in_the_log(
    resident, volunteer, counter_staff
):
    helped = Acting.for_resident(resident, volunteer, channel=Channel.PHONE, reference=REQUEST)
    with pytest.raises(ConsentRequired):
        api.change_details(helped, home_address="别处")
    resident.refresh_from_db()
    assert resident.home_address == ""
    consent = grant(
        resident,
        Scope.DETAILS,
        reference=REQUEST,
        given_via=GivenVia.PHONE_SPOKEN,
        recorded_by=volunteer,
    )
    api.change_details(helped, home_address="愚园路 8 号")
    resident.refresh_from_db()
    assert resident.home_address == "愚园路 8 号"
    [entry] = _entries(resident, "changed_details")
    assert (entry.actor, entry.actor_role, entry.channel, entry.consent, entry.reference) == (
        volunteer,
        "volunteer",
        "phone",
        consent,
        REQUEST,
    )
    with translation.override("en"):
        assert entry.sentence() == "Volunteer 志愿者小张 changed your details by phone."


def test_saved_places_are_added_and_removed_through_the_api(resident, neighbour):
    own = Acting.by_resident(resident)
    place = api.add_saved_place(own, label="女儿家", address="长乐路 3 号")
    assert list(resident.saved_places.all()) == [place]
    with pytest.raises(ValidationError):
        api.add_saved_place(own, label="", address="")
    with pytest.raises(PermissionDenied):  # his own context cannot remove her place
        api.remove_saved_place(Acting.by_resident(neighbour), place)
    api.remove_saved_place(own, place)
    assert not SavedPlace.objects.exists()
    assert [len(_entries(resident, a)) for a in ("saved_place", "removed_place")] == [1, 1]


def test_only_the_resident_chooses_their_family_members(resident, neighbour, volunteer):
    grant(resident, Scope.DETAILS, grantee=volunteer, given_via=GivenVia.WEB)
    helped = Acting.for_resident(resident, volunteer, channel=Channel.COUNTER)
    with pytest.raises(PermissionDenied):
        api.add_family_member(helped, neighbour, [Scope.TAXI])
    [consent] = api.add_family_member(Acting.by_resident(resident), neighbour, [Scope.TAXI])
    assert consent.grantee == neighbour
    assert (consent.expires_at - consent.created_at).days == 365
    assert api.remove_family_member(Acting.by_resident(resident), neighbour) == 1


def test_the_profile_offers_streets_grouped_by_district_and_keeps_the_choice(client, resident):
    client.force_login(resident)
    html = client.get("/profile/home/").content.decode()
    assert '<optgroup label="静安区">' in html and "南京西路街道" in html
    street = Street.objects.get(name="南京西路街道")
    response = client.post("/profile/home/", {"home_address": "南京西路 1 号", "street": street.pk})
    assert response["Location"] == "/profile/"
    resident.refresh_from_db()
    assert resident.street == street
    assert "静安区 南京西路街道" in client.get("/profile/").content.decode()
    assert _entries(resident, "changed_details")[0].actor == resident
