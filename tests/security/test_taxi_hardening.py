"""A tap key that is another resident's is refused in plain words, never a server error nor a
look at their ride (the taxi, and the same for hospital bookings); a dispatch company's
webhook with an absurd "minutes away" is refused whole, the same on SQLite and PostgreSQL."""

# The taxi and hospital fixtures live in those folders' conftest files: they are imported by
# name so pytest finds them here, and each test's arguments then "redefine" them.
# ruff: noqa: F811

import time

import pytest

from portal.audit.models import AuditEntry
from services.hospital import api as hospital
from services.taxi import api
from services.taxi.models import Ride, RideEvent, Status
from services.taxi.tasks import poll_quiet_rides
from tests.hospital.conftest import (  # noqa: F401
    MONDAY,
    _without_demo_hospitals,
    clock,
    english,
    hospital_settings,
    internal,
    make_session,
    other_patient,
    patient,
    ruijin,
)
from tests.hospital.conftest import book as book_appointment
from tests.taxi.conftest import (  # noqa: F401
    HOME,
    at_home,
    dispatch,
    quiet,
    ride,
    taxi_settings,
)
from tests.taxi.helpers import CAR, book, taxi_messages

pytestmark = pytest.mark.django_db

LEFT_OPEN = "This page was left open from an earlier visit, so nothing was booked."


# ---------------------------------------------------------------------------------------------
# Taxi: another resident's tap key


@pytest.fixture
def neighbour_at_home(neighbour):
    neighbour.home_address = "徐汇区漕溪北路88号"
    neighbour.save(update_fields=["home_address"])
    return neighbour


def _as_it_was(ride):
    return Ride.objects.filter(pk=ride.pk).values().get()


def test_another_residents_tap_key_is_refused_in_plain_words_and_their_ride_is_untouched(
    client, at_home, neighbour_at_home, quiet, committed
):
    theirs = committed(book, at_home, key="0123456789abcdef0123456789abcdef")
    before = _as_it_was(theirs)
    entries = AuditEntry.objects.count()
    client.force_login(neighbour_at_home)
    response = client.post("/en/taxi/", {"key": theirs.idempotency_key})
    assert response.status_code == 200
    page = response.content.decode()
    assert LEFT_OPEN in page
    assert HOME not in page and f"/rides/{theirs.pk}/" not in page
    # A fresh key on the page: the next tap books the neighbour's own taxi.
    assert theirs.idempotency_key not in page
    assert not Ride.objects.filter(resident=neighbour_at_home).exists()
    assert _as_it_was(theirs) == before
    assert AuditEntry.objects.count() == entries
    assert len(quiet.created) == 1


def test_the_refusal_is_in_chinese_on_the_chinese_page(
    client, at_home, neighbour_at_home, quiet, chinese
):
    chinese(LEFT_OPEN + " Tap the button again to call a taxi.", "中文")
    theirs = book(at_home)
    client.force_login(neighbour_at_home)
    response = client.post("/taxi/", {"key": theirs.idempotency_key})
    assert response.status_code == 200
    assert "中文" in response.content.decode()


def test_a_key_another_resident_takes_at_the_same_moment_is_refused_too(
    at_home, neighbour_at_home, quiet, monkeypatch
):
    """The key was free when looked up, then another resident's booking committed it."""
    from django.db import transaction

    real = api._check_pickup_time

    def meanwhile(pickup_at):
        with transaction.atomic():
            Ride.objects.create(
                resident=at_home,
                requested_by=at_home,
                channel="web",
                pickup_address=HOME,
                provider="quiet",
                idempotency_key="shared",
            )
        return real(pickup_at)

    monkeypatch.setattr(api, "_check_pickup_time", meanwhile)
    with pytest.raises(api.TapKeyTaken):
        book(neighbour_at_home, key="shared")
    assert not Ride.objects.filter(resident=neighbour_at_home).exists()


@pytest.mark.parametrize("key", ["\x00", "a\x00b", " ", "k" * 81, "<script>"])
def test_a_garbled_tap_key_is_a_plain_tap_not_a_server_error(client, at_home, quiet, key):
    """PostgreSQL refuses NUL even in a lookup: such a key is no key, and the tap books."""
    client.force_login(at_home)
    response = client.post("/taxi/", {"key": key})
    ride = Ride.objects.get(resident=at_home)
    assert response["Location"] == f"/taxi/rides/{ride.pk}/"
    assert len(ride.idempotency_key) == 32


def test_a_garbled_key_on_the_check_page_books_nothing_and_is_no_error(client, at_home, quiet):
    client.force_login(at_home)
    client.get("/taxi/choose/")
    response = client.post("/taxi/choose/check/", {"key": "\x00"})
    assert response.status_code in (200, 302)
    assert not Ride.objects.exists()


# ---------------------------------------------------------------------------------------------
# Hospital: the same for another patient's booking key


@pytest.fixture
def monday(make_session, clock):
    return make_session(MONDAY)


def test_another_patients_booking_key_is_refused_and_their_appointment_untouched(
    patient, other_patient, monday, english
):
    theirs = book_appointment(monday, patient, key="shared")
    with pytest.raises(hospital.TapKeyTaken) as refusal:
        book_appointment(monday, other_patient, key="shared")
    assert str(refusal.value) == LEFT_OPEN
    assert "Start again from the hospital booking page" in refusal.value.what_instead
    assert refusal.value.appointment is None
    assert list(hospital.appointments_for(other_patient)) == []
    monday.refresh_from_db()
    assert monday.booked == 1
    theirs_now = hospital.appointments_for(patient)[0]
    assert (theirs_now.pk, theirs_now.status) == (theirs.pk, theirs.status)


def test_a_booking_key_another_patient_takes_at_the_same_moment_is_refused_too(
    patient, other_patient, monday, monkeypatch
):
    """The key was free when looked up, then the other patient's booking took it."""
    real = hospital.check_rules
    other_checks = []

    def meanwhile(session, person, identity, now):
        if person.pk == other_patient.pk:
            other_checks.append(now)
            if len(other_checks) == 2:  # under the lock, just before the place is taken
                book_appointment(monday, patient, key="shared")
        return real(session, person, identity, now)

    monkeypatch.setattr(hospital, "check_rules", meanwhile)
    with pytest.raises(hospital.TapKeyTaken):
        book_appointment(monday, other_patient, key="shared")
    assert list(hospital.appointments_for(other_patient)) == []


# ---------------------------------------------------------------------------------------------
# Taxi: the dispatch company's "minutes away"


def _nothing_changed(ride, at_home):
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING
    assert (ride.car_plate, ride.minutes_away) == ("", None)
    assert RideEvent.objects.count() == 0
    assert taxi_messages(at_home) == []


ABSURD = [
    float("nan"),
    float("inf"),
    float("-inf"),
    -1,
    24 * 60 + 1,
    10**6,
    1e300,
    True,
    False,
    "5",
    "soon",
    [5],
    {"minutes": 5},
]


@pytest.mark.parametrize("minutes", ABSURD, ids=repr)
def test_an_absurd_minutes_away_is_refused_and_changes_nothing(ride, dispatch, at_home, minutes):
    car = {**CAR, "minutes_away": minutes}
    assert dispatch.send_event(ride.provider_order_id, "car_found", car=car) == 400
    _nothing_changed(ride, at_home)


def test_one_bad_event_refuses_the_whole_webhook(ride, dispatch, at_home):
    order = ride.provider_order_id
    payload = {
        "events": [
            dispatch.event_payload(order, "car_found", car=CAR, event_id="evt_good"),
            dispatch.event_payload(
                order, "arrived", car={**CAR, "minutes_away": float("nan")}, event_id="evt_bad"
            ),
        ]
    }
    assert dispatch.post_webhook(payload) == 400
    _nothing_changed(ride, at_home)


@pytest.mark.parametrize(
    "car",
    [
        {**CAR, "plate": "沪B·1\x002345"},
        {**CAR, "colour": float("nan")},
        {**CAR, "driver_phone": float("inf")},
    ],
    ids=["nul-in-plate", "nan-colour", "infinite-phone"],
)
def test_what_postgresql_cannot_store_is_refused_on_every_database(ride, dispatch, at_home, car):
    assert dispatch.send_event(ride.provider_order_id, "car_found", car=car) == 400
    _nothing_changed(ride, at_home)


@pytest.mark.parametrize(("sent", "kept"), [(0, 0), (24 * 60, 24 * 60), (7.0, 7), (6.6, 7)])
def test_a_sane_minutes_away_is_kept(ride, dispatch, sent, kept):
    car = {**CAR, "minutes_away": sent}
    assert dispatch.send_event(ride.provider_order_id, "car_found", car=car) == 200
    ride.refresh_from_db()
    assert (ride.status, ride.minutes_away) == (Status.CAR_FOUND, kept)


def test_a_polled_order_with_an_absurd_minutes_away_changes_nothing(ride, dispatch, at_home):
    from datetime import timedelta

    from django.utils import timezone

    car = {**CAR, "minutes_away": float("nan")}
    dispatch.set_state(ride.provider_order_id, "car_found", car=car)
    Ride.objects.filter(pk=ride.pk).update(updated_at=timezone.now() - timedelta(seconds=121))
    assert poll_quiet_rides()["failed"] == 1
    _nothing_changed(ride, at_home)


@pytest.mark.parametrize("minutes", [float("inf"), float("nan"), -5, True, "7"], ids=repr)
def test_any_provider_event_with_an_absurd_minutes_away_is_refused_before_it_is_kept(
    at_home, quiet, minutes
):
    ride = book(at_home)
    data = {"reference": ride.dispatch_key, **CAR, "minutes_away": minutes}
    with pytest.raises(ValueError, match="minutes_away"):
        api.apply_event("quiet", "evt-1", "car_found", data)
    assert RideEvent.objects.count() == 0
    ride.refresh_from_db()
    assert ride.status == Status.REQUESTED


# ---------------------------------------------------------------------------------------------
# Hospital: numbers from a hospital's own booking system


class _Answer:
    def __init__(self, body, status_code=200):
        self.body, self.status_code = body, status_code

    def json(self):
        return self.body


def _hospital_answers(monkeypatch, body, status_code=200):
    from services.hospital.providers.external import ExternalProvider

    def answer(self, method, path, **kwargs):
        return _Answer(body, status_code)

    monkeypatch.setattr(ExternalProvider, "_request", answer)
    return ExternalProvider(base_url="https://booking.example-hospital.cn/api")


@pytest.mark.parametrize(
    "places",
    [float("nan"), float("inf"), -1, 10**6, True, "12", 12.5, None],
    ids=repr,
)
def test_a_synced_session_with_absurd_places_is_skipped_and_the_rest_kept(
    monkeypatch, internal, places
):
    import datetime

    from services.hospital.models import Session

    good = {"date": "2026-11-23", "period": "morning", "starts_at": "08:00", "ends_at": "11:30"}
    bad = {**good, "date": "2026-11-24"}
    body = {"sessions": [{**bad, "capacity": places}, {**good, "capacity": 12}]}
    provider = _hospital_answers(monkeypatch, body)
    day = datetime.date(2026, 11, 20)
    assert provider.sync(internal, day, day + datetime.timedelta(days=7)) == 1
    assert list(Session.objects.filter(department=internal).values_list("date", "capacity")) == [
        (datetime.date(2026, 11, 23), 12)
    ]


@pytest.mark.parametrize("body", [[], 5, "full", None], ids=repr)
def test_a_hospital_answer_that_is_not_an_object_is_the_hospital_failing(
    monkeypatch, internal, body
):
    import datetime

    from services.hospital.providers.base import ProviderError

    provider = _hospital_answers(monkeypatch, body)
    day = datetime.date(2026, 11, 20)
    with pytest.raises(ProviderError):
        provider.sync(internal, day, day)


def test_a_signature_with_non_ascii_characters_is_refused_not_a_server_error(
    ride, dispatch, at_home
):
    signature = f"t={int(time.time())},v1=é{'0' * 63}"
    assert dispatch.send_event(ride.provider_order_id, "car_found", signature=signature) == 403
    _nothing_changed(ride, at_home)
