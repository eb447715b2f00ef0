"""A family member with permission calls a taxi for the resident in one tap; without it,
nothing is offered and a forged tap is refused with nothing written."""

import re

import pytest
from django.contrib.auth import get_user_model

from portal.accounts import api as accounts
from portal.accounts.models import SavedPlace
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.consent import api as consent_api
from portal.consent.models import Scope
from portal.notifications.models import Message
from services.taxi.models import Ride, Status
from tests.taxi.conftest import HOME
from tests.taxi.helpers import taxi_messages

pytestmark = pytest.mark.django_db

EN = "/en/taxi/"


@pytest.fixture
def daughter(db):
    """王小红, 王阿姨's daughter: a resident with her own account and home elsewhere."""
    member = get_user_model().objects.create_resident("+8613800000009", preferred_name="王小红")
    member.home_address = "浦东新区世纪大道 1 号"
    member.language = "en"
    member.save(update_fields=["home_address", "language"])
    return member


@pytest.fixture
def clinic(at_home):
    return SavedPlace.objects.create(
        resident=at_home, label="Clinic", address="乌鲁木齐中路 12 号", landmark="北门"
    )


@pytest.fixture
def allowed(at_home, daughter):
    """王阿姨 added her daughter under Family and let her call taxis (and nothing else)."""
    (consent,) = accounts.add_family_member(Acting.by_resident(at_home), daughter, [Scope.TAXI])
    return consent


@pytest.fixture
def as_daughter(client, daughter):
    client.force_login(daughter)
    return client


def _key(html):
    return re.search(r'name="key" value="([^"]+)"', html).group(1)


def _page(client, resident):
    return client.get(f"{EN}family/{resident.pk}/").content.decode()


def _nothing_written_by(member):
    assert not Ride.objects.exists()
    assert not AuditEntry.objects.filter(actor=member).exists()
    assert not Message.objects.filter(body__contains="booked a taxi").exists()


def test_the_family_member_picks_whom_the_taxi_is_for(as_daughter, at_home, allowed):
    who = as_daughter.get(f"{EN}family/").content.decode()
    assert 'href="/en/taxi/"' in who and ">For me<" in who
    assert f'href="/en/taxi/family/{at_home.pk}/"' in who and f"For {at_home}" in who
    start = as_daughter.get(EN).content.decode()
    assert (
        f'href="/en/taxi/family/{at_home.pk}/"' in start and f"Call a taxi for {at_home}" in start
    )
    assert start.count('type="submit"') == 2  # still one tap for herself (and sign-out)


def test_one_tap_books_from_the_residents_home_to_her_saved_place(
    as_daughter, daughter, at_home, allowed, clinic, quiet, committed
):
    html = _page(as_daughter, at_home)
    assert HOME in html and f'value="place-{clinic.pk}"' in html and "To Clinic" in html
    response = committed(
        as_daughter.post,
        f"{EN}family/{at_home.pk}/",
        {"key": _key(html), "to": f"place-{clinic.pk}"},
    )
    ride = Ride.objects.get()
    assert response["Location"] == f"/en/taxi/rides/{ride.pk}/"
    assert (ride.resident, ride.requested_by, ride.acting_role) == (at_home, daughter, "family")
    assert (ride.channel, ride.consent) == ("web", allowed)
    assert (ride.pickup_address, ride.destination) == (HOME, clinic.address)
    assert quiet.created == [(ride.pk, f"ride-{ride.pk}-0")]  # sent to the dispatch company
    # In her log, and texted to her as the service texts anyone acting for her.
    entry = AuditEntry.objects.get(resident=at_home, action="booked_taxi")
    assert (entry.actor, entry.actor_role, entry.consent) == (daughter, "family", allowed)
    (told,) = taxi_messages(at_home)
    assert "王小红 booked a taxi for you." in told.body
    assert taxi_messages(daughter) == []


def test_the_ride_shows_on_her_rides_and_on_the_family_members_page(
    client, daughter, at_home, allowed, clinic, quiet, committed
):
    client.force_login(daughter)
    html = _page(client, at_home)
    client.post(f"{EN}family/{at_home.pk}/", {"key": _key(html), "to": "none"})
    ride = Ride.objects.get()
    assert ride.destination == ""
    ride_url = f"/en/taxi/rides/{ride.pk}/"
    page = client.get(ride_url).content.decode()
    assert f"<h1>{at_home}'s taxi</h1>" in page
    assert client.get(ride_url + "status.json").json()["ride"] == ride.pk
    assert f'href="{ride_url}"' in _page(client, at_home)  # the daughter's page for her mother
    assert AuditEntry.objects.filter(
        resident=at_home, action="viewed_rides", actor=daughter, consent=allowed
    ).exists()
    client.force_login(at_home)
    assert f'href="{ride_url}"' in client.get(f"{EN}rides/").content.decode()
    assert "<h1>Your taxi</h1>" in client.get(ride_url).content.decode()


def test_a_double_tap_books_one_taxi(as_daughter, at_home, allowed, quiet):
    key = _key(_page(as_daughter, at_home))
    first = as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": key, "to": "none"})
    second = as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": key, "to": "none"})
    assert first["Location"] == second["Location"]
    assert Ride.objects.count() == 1


def test_the_family_member_can_cancel_and_the_resident_is_told(
    as_daughter, daughter, at_home, allowed, quiet
):
    html = _page(as_daughter, at_home)
    location = as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": _key(html), "to": "none"})
    as_daughter.post(location["Location"] + "cancel/", {"answer": "yes"})
    ride = Ride.objects.get()
    assert ride.status == Status.CANCELLED
    entry = AuditEntry.objects.get(resident=at_home, action="cancelled_taxi")
    assert entry.actor == daughter
    assert "王小红 cancelled your taxi." in taxi_messages(at_home)[-1].body


def test_without_permission_nothing_is_offered_and_a_forged_tap_writes_nothing(
    client, daughter, at_home, clinic, quiet
):
    client.force_login(daughter)
    assert client.get(f"{EN}family/")["Location"] == EN
    start = client.get(EN).content.decode()
    assert "/taxi/family/" not in start
    assert "/taxi/family/" not in client.get("/en/my/").content.decode()
    page = client.get(f"{EN}family/{at_home.pk}/")
    assert page.status_code == 403 and str(at_home) not in page.content.decode()
    forged = client.post(f"{EN}family/{at_home.pk}/", {"key": "forged", "to": "none"})
    assert forged.status_code == 403
    assert "You cannot call a taxi for this person" in forged.content.decode()
    _nothing_written_by(daughter)


def test_a_permission_for_something_else_is_not_enough(client, daughter, at_home, quiet):
    accounts.add_family_member(Acting.by_resident(at_home), daughter, [Scope.HOSPITAL])
    client.force_login(daughter)
    assert client.post(f"{EN}family/{at_home.pk}/", {"to": "none"}).status_code == 403
    _nothing_written_by(daughter)


def test_a_withdrawn_permission_refuses_the_tap_and_hides_her_rides(
    as_daughter, daughter, at_home, allowed, quiet
):
    html = _page(as_daughter, at_home)
    as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": _key(html), "to": "none"})
    ride = Ride.objects.get()
    consent_api.revoke(allowed, by=at_home, channel="web")  # she changes her mind
    Ride.objects.filter(pk=ride.pk).update(status=Status.DONE)
    refused = as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": "again", "to": "none"})
    assert refused.status_code == 403 and Ride.objects.count() == 1
    assert as_daughter.get(f"/en/taxi/rides/{ride.pk}/").status_code == 404
    assert as_daughter.get(f"/en/taxi/rides/{ride.pk}/status.json").status_code == 404


def test_an_unknown_person_gets_the_same_refusal(as_daughter, daughter, allowed):
    assert as_daughter.get(f"{EN}family/987654/").status_code == 403
    assert as_daughter.post(f"{EN}family/987654/", {"to": "none"}).status_code == 403


def test_a_place_that_is_not_hers_is_refused(as_daughter, daughter, at_home, allowed, neighbour):
    elsewhere = SavedPlace.objects.create(resident=neighbour, label="His", address="别人家")
    response = as_daughter.post(
        f"{EN}family/{at_home.pk}/", {"key": "k", "to": f"place-{elsewhere.pk}"}
    )
    assert response.status_code == 200
    assert "That place is no longer saved" in response.content.decode()
    assert not Ride.objects.exists()


def test_no_home_address_means_no_button_and_no_ride(as_daughter, daughter, at_home, allowed):
    at_home.home_address = ""
    at_home.save(update_fields=["home_address"])
    html = _page(as_daughter, at_home)
    assert "has no home address saved" in html and 'name="to"' not in html
    response = as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": "k", "to": "none"})
    assert "has no home address saved" in response.content.decode()
    assert not Ride.objects.exists()


def test_a_family_member_with_no_home_of_her_own_is_asked_whom_it_is_for(
    as_daughter, daughter, at_home, allowed
):
    daughter.home_address = ""
    daughter.save(update_fields=["home_address"])
    assert as_daughter.get(EN)["Location"] == f"{EN}family/"
    assert 'href="/en/taxi/home/"' in as_daughter.get(f"{EN}family/").content.decode()


def test_mine_links_to_the_taxi_page_of_each_resident_who_allows_it(as_daughter, at_home, allowed):
    mine = as_daughter.get("/en/my/").content.decode()
    link = f'<a class="button button-action" href="/en/taxi/family/{at_home.pk}/">'
    assert f"{link}A taxi for {at_home}</a>" in mine
    assert f"<h1>A taxi for {at_home}</h1>" in _page(as_daughter, at_home)


def test_an_active_ride_is_shown_instead_of_the_buttons(as_daughter, at_home, allowed, quiet):
    html = _page(as_daughter, at_home)
    as_daughter.post(f"{EN}family/{at_home.pk}/", {"key": _key(html), "to": "none"})
    again = _page(as_daughter, at_home)
    assert "already has a taxi on its way" in again and 'name="to"' not in again
