"""The taxi rides page for staff: live rides and filters, a ride's page, the operator's forms,
and who may see or change what."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from services.taxi import api
from services.taxi.models import Ride, RideEvent, Status
from tests.taxi.helpers import book, taxi_messages

pytestmark = pytest.mark.django_db

LIST = "/admin/taxi-rides/"
ADMIN = ["wagtailadmin.access_admin"]
VIEW = [*ADMIN, "taxi.view_ride"]
CHANGE = [*VIEW, "taxi.change_ride"]
GOOD_CAR = {
    "action": "car_found",
    "plate": "沪a 12345",
    "colour": "white",
    "driver_phone": "139 1234 5678",
    "minutes_away": "6",
}


def detail_url(ride):
    return reverse("taxi-rides:inspect", args=(ride.pk,))


@pytest.fixture
def signed_in(staff_with, staff_login):
    """A staff member with exactly ``permissions``, signed in with the authenticator, in English."""

    def sign_in(permissions):
        user = staff_with(*permissions)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
        return staff_login(user), user

    return sign_in


def _rows(response):
    """The ride ids on the list page, in the order shown."""
    return [int(pk) for pk in re.findall(r'href="/admin/taxi-rides/inspect/(\d+)/"', response.text)]


def _finished_ride(resident, status=Status.DONE, **fields):
    ride = book(resident, pickup_address="长宁区天山路1号")
    Ride.objects.filter(pk=ride.pk).update(status=status, **fields)
    return Ride.objects.get(pk=ride.pk)


def _fresh_id(response):
    return re.search(r'name="entry" value="([0-9a-f-]{36})"', response.text).group(1)


def _post(client, ride, data):
    page = client.get(detail_url(ride))
    return client.post(detail_url(ride), {"entry": _fresh_id(page), **data})


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_live_rides_first_newest_first(signed_in, at_home, neighbour, at):
    client, _ = signed_in(VIEW)
    at(2026, 11, 20, 8, 0)
    done = _finished_ride(at_home)
    at(2026, 11, 20, 9, 0)
    older_live = book(neighbour, pickup_address="长宁区")
    at(2026, 11, 20, 9, 30)
    later_done = _finished_ride(at_home, status=Status.NO_CAR)
    newer_live = book(at_home, pickup_at=timezone.now() + timedelta(hours=2))
    Ride.objects.filter(pk=newer_live.pk).update(
        status=Status.CAR_FOUND, car_plate="沪A·54321", car_colour="blue"
    )

    response = client.get(LIST)

    assert response.status_code == 200
    assert _rows(response) == [newer_live.pk, older_live.pk, later_done.pk, done.pk]
    page = response.text
    # A viewer who does not serve residents at a counter sees the number and address masked
    # (tests/portal/test_contact_masking.py: counter staff see them in full).
    assert "王阿姨" in page and "+86138****0001" in page and "+8613800000001" not in page
    assert "静安区愚…" in page and "静安区愚园路100弄5号" not in page
    assert "11:30" in page  # the booked pick-up time
    assert "now" in page  # a ride for now
    assert "Car found" in page and "沪A·54321" in page
    assert "No car found (needs a person)" in page
    assert 'href="/admin/taxi-rides/"' in page  # the plain refresh link


def test_the_filters_narrow_the_list(signed_in, at_home, neighbour, at, manual_dispatch):
    client, _ = signed_in(VIEW)
    at(2026, 11, 19, 10, 0)
    yesterday = _finished_ride(at_home)
    at(2026, 11, 20, 10, 0)
    manual = book(neighbour, pickup_address="长宁区")  # looking, phoned in by hand
    helpless = _finished_ride(at_home, status=Status.DRIVER_NO_SHOW)
    Ride.objects.filter(pk=helpless.pk).update(provider="quiet")

    assert _rows(client.get(LIST, {"status": "driver_no_show"})) == [helpless.pk]
    assert _rows(client.get(LIST, {"needs_help": "true"})) == [helpless.pk]
    assert _rows(client.get(LIST, {"provider": "quiet"})) == [helpless.pk]
    assert set(_rows(client.get(LIST, {"provider": "manual"}))) == {manual.pk, yesterday.pk}
    assert _rows(client.get(LIST, {"day": "2026-11-19"})) == [yesterday.pk]
    assert set(_rows(client.get(LIST, {"day": "2026-11-20"}))) == {manual.pk, helpless.pk}


def test_a_cancelled_phoned_in_ride_stays_with_the_live_ones_until_the_company_is_told(
    signed_in, phoned_in, at_home, neighbour, committed
):
    client, user = signed_in(CHANGE)
    later = _finished_ride(neighbour)
    committed(
        api.cancel_ride,
        phoned_in,
        acting=Acting.for_resident(phoned_in.resident, at_home, channel=Channel.WEB),
    )

    response = client.get(LIST)
    assert _rows(response) == [phoned_in.pk, later.pk]
    assert "phone the taxi company to call it off" in response.text

    told = _post(client, phoned_in, {"action": "company_told"})
    assert told.status_code == 302
    assert _rows(client.get(LIST)) == [later.pk, phoned_in.pk]
    # The call is written down: on the ride, and in the resident's audit log, by whom.
    event = RideEvent.objects.get(ride=phoned_in, kind="company_told")
    assert event.data["entered_by"] == user.pk
    entry = AuditEntry.objects.get(resident=phoned_in.resident, action="told_taxi_company")
    assert entry.actor == user and entry.channel == Channel.STAFF_TOOLS


# --- A ride's page ------------------------------------------------------------------------------


def test_opening_a_ride_is_written_in_the_residents_audit_log(signed_in, phoned_in):
    client, user = signed_in(VIEW)
    response = client.get(detail_url(phoned_in))
    assert response.status_code == 200
    assert phoned_in.pickup_address in response.text
    assert phoned_in.provider_order_id in response.text
    entry = AuditEntry.objects.get(resident=phoned_in.resident, action="viewed_rides")
    assert entry.actor == user


def test_the_car_form_moves_the_ride_to_car_found_and_the_resident_is_told(signed_in, phoned_in):
    client, user = signed_in(CHANGE)
    response = _post(client, phoned_in, GOOD_CAR)
    assert response.status_code == 302
    phoned_in.refresh_from_db()
    assert phoned_in.status == Status.CAR_FOUND
    assert (phoned_in.car_plate, phoned_in.car_colour) == ("沪A·12345", "white")
    assert (phoned_in.driver_phone, phoned_in.minutes_away) == ("+8613912345678", 6)
    [told] = taxi_messages(phoned_in.resident)
    assert "Car coming: 沪A·12345 white. Driver 13912345678, about 6 min." in told.body
    event = RideEvent.objects.get(ride=phoned_in, provider="manual")
    assert event.data["entered_by"] == user.pk
    assert AuditEntry.objects.get(action="entered_taxi_news").actor == user


def test_the_buttons_take_the_ride_to_its_end(signed_in, phoned_in):
    client, _ = signed_in(CHANGE)
    _post(client, phoned_in, GOOD_CAR)
    page = client.get(detail_url(phoned_in)).text
    assert 'value="arrived"' in page and 'value="passenger_no_show"' in page
    assert 'name="plate"' not in page  # the car is found already
    for kind in ("arrived", "done"):
        assert _post(client, phoned_in, {"action": "outcome", "kind": kind}).status_code == 302
        phoned_in.refresh_from_db()
        assert phoned_in.status == kind
    page = client.get(detail_url(phoned_in)).text
    assert 'name="kind"' not in page  # a finished ride has no buttons
    told = [message.body for message in taxi_messages(phoned_in.resident)]
    assert "Your taxi is here: 沪A·12345 white." in told[-2]
    assert "Your trip has ended. How was it?" in told[-1]  # the trip ended: 好差评


def test_sending_the_same_form_twice_applies_it_once(signed_in, phoned_in):
    client, _ = signed_in(CHANGE)
    form_id = _fresh_id(client.get(detail_url(phoned_in)))
    first = client.post(detail_url(phoned_in), {"entry": form_id, **GOOD_CAR})
    second = client.post(detail_url(phoned_in), {"entry": form_id, **GOOD_CAR})
    assert (first.status_code, second.status_code) == (302, 302)
    assert RideEvent.objects.filter(ride=phoned_in).count() == 1
    assert len(taxi_messages(phoned_in.resident)) == 1
    assert AuditEntry.objects.filter(action="entered_taxi_news").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("driver_phone", "12345", "This is not a phone number we can call. Check the digits."),
        ("plate", "ABC", "Type the plate as it is on the car, for example 沪A·12345."),
        ("minutes_away", "121", "Minutes away is a whole number from 0 to 120."),
        ("minutes_away", "-1", "Minutes away is a whole number from 0 to 120."),
        ("colour", "pink", "Choose one of the colours in the list."),
    ],
)
def test_bad_car_details_show_an_error_and_change_nothing(
    signed_in, phoned_in, field, value, error
):
    client, _ = signed_in(CHANGE)
    response = _post(client, phoned_in, {**GOOD_CAR, field: value})
    assert response.status_code == 200
    assert error in response.text
    phoned_in.refresh_from_db()
    assert (phoned_in.status, phoned_in.car_plate) == (Status.LOOKING, "")
    assert not RideEvent.objects.filter(ride=phoned_in).exists()
    assert taxi_messages(phoned_in.resident) == []


def test_a_cancelled_ride_refuses_the_car(signed_in, phoned_in, at_home):
    client, _ = signed_in(CHANGE)
    page = client.get(detail_url(phoned_in))
    api.cancel_ride(
        phoned_in, acting=Acting.for_resident(phoned_in.resident, at_home, channel=Channel.WEB)
    )
    response = client.post(detail_url(phoned_in), {"entry": _fresh_id(page), **GOOD_CAR})
    assert response.status_code == 200
    assert "This ride has ended. Nothing more can be entered." in response.text
    phoned_in.refresh_from_db()
    assert (phoned_in.status, phoned_in.car_plate) == (Status.CANCELLED, "")
    assert not RideEvent.objects.filter(ride=phoned_in).exists()
    assert 'name="plate"' not in client.get(detail_url(phoned_in)).text


# --- Who may ------------------------------------------------------------------------------------


def test_without_the_view_permission_there_is_no_list_and_no_ride(signed_in, phoned_in):
    client, _ = signed_in(ADMIN)
    assert client.get(LIST).status_code == 302  # Wagtail's refusal: back to the dashboard
    assert client.get(detail_url(phoned_in)).status_code == 302
    assert "Taxi rides" not in client.get("/admin/").text  # no menu item either
    assert not AuditEntry.objects.filter(action="viewed_rides").exists()


def test_without_any_permission_the_form_cannot_be_sent(signed_in, phoned_in):
    client, _ = signed_in(ADMIN)
    response = client.post(detail_url(phoned_in), {"entry": str(uuid.uuid4()), **GOOD_CAR})
    assert response.status_code == 302
    phoned_in.refresh_from_db()
    assert phoned_in.status == Status.LOOKING
    assert (phoned_in.car_plate, phoned_in.driver_phone) == ("", "")
    assert not RideEvent.objects.filter(ride=phoned_in).exists()
    assert taxi_messages(phoned_in.resident) == []
    assert not AuditEntry.objects.filter(action="entered_taxi_news").exists()


def test_view_without_change_shows_no_form_and_refuses_a_post(signed_in, phoned_in):
    client, _ = signed_in(VIEW)
    page = client.get(detail_url(phoned_in))
    assert page.status_code == 200
    assert 'name="plate"' not in page.text and 'name="kind"' not in page.text
    assert "Taxi rides" in client.get("/admin/").text
    response = client.post(detail_url(phoned_in), {"entry": str(uuid.uuid4()), **GOOD_CAR})
    assert response.status_code == 302
    phoned_in.refresh_from_db()
    assert (phoned_in.status, phoned_in.car_plate) == (Status.LOOKING, "")
    assert not RideEvent.objects.filter(ride=phoned_in).exists()


def test_nobody_edits_or_deletes_a_ride_through_the_generic_forms(signed_in, phoned_in):
    client, user = signed_in(CHANGE)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_ride", "delete_ride"]))
    rides = Ride.objects.count()
    for url in (
        reverse("taxi-rides:edit", args=(phoned_in.pk,)),
        reverse("taxi-rides:delete", args=(phoned_in.pk,)),
        reverse("taxi-rides:add"),
    ):
        assert client.get(url).status_code == 302, url
        assert client.post(url, {"status": Status.CANCELLED}).status_code == 302, url
    assert Ride.objects.filter(pk=phoned_in.pk).exists()
    assert Ride.objects.count() == rides
    phoned_in.refresh_from_db()
    assert phoned_in.status == Status.LOOKING
