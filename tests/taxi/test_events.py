"""What the provider reports: applied once, only forward, safe when late or out of order."""

import pytest

from services.taxi import api
from services.taxi.models import (
    ACTIVE_STATUSES,
    ALLOWED,
    FINAL_STATUSES,
    RANK,
    Ride,
    RideEvent,
    Status,
    may_move,
)
from tests.taxi.helpers import CAR, book, event

pytestmark = pytest.mark.django_db

ALLOWED_PAIRS = [(old, new) for old, targets in ALLOWED.items() for new in sorted(targets)]
REFUSED_PAIRS = [
    (old, new) for old in Status for new in Status if new not in ALLOWED[old] or old == new
]


def _ride_in(resident, status):
    ride = book(resident)
    Ride.objects.filter(pk=ride.pk).update(status=status, provider="quiet")
    ride.refresh_from_db()
    return ride


@pytest.mark.parametrize(("old", "new"), ALLOWED_PAIRS)
def test_every_allowed_transition_moves_the_ride_forward(at_home, old, new):
    assert RANK[new] > RANK[old]
    ride = _ride_in(at_home, old)
    assert event(ride, new, **CAR) is True
    ride.refresh_from_db()
    if new == Status.DRIVER_CANCELLED:  # the portal asks the provider again at once
        assert (ride.status, ride.redispatches) == (Status.LOOKING, 1)
    else:
        assert ride.status == new


@pytest.mark.parametrize(("old", "new"), REFUSED_PAIRS)
def test_no_other_transition_is_possible(at_home, old, new):
    assert not may_move(old, new)


@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_a_final_state_never_changes(at_home, final):
    ride = _ride_in(at_home, final)
    for kind in Status:
        assert event(ride, kind, **CAR) is False
    ride.refresh_from_db()
    assert ride.status == final
    assert ride.car_plate == ""


def test_the_lifecycle_of_a_ride_that_goes_well(at_home):
    ride = book(at_home)
    for kind in ["looking", "car_found", "arrived", "on_trip", "done"]:
        assert event(ride, kind, **(CAR if kind == "car_found" else {}))
        ride.refresh_from_db()
        assert ride.status == kind
        if kind == "car_found":
            assert (ride.car_plate, ride.car_colour, ride.driver_phone, ride.minutes_away) == (
                "沪A·12345",
                "white",
                "+8613912345678",
                6,
            )
    assert not ride.is_active


def test_the_first_car_found_is_kept_for_the_time_to_a_car(at_home, at):
    at(2026, 11, 20, 10, 0)
    ride = book(at_home)
    assert ride.car_found_at is None
    at(2026, 11, 20, 10, 4)
    event(ride, "car_found", **CAR)
    at(2026, 11, 20, 10, 6)
    event(ride, "driver_cancelled")
    at(2026, 11, 20, 10, 9)
    event(ride, "car_found", **CAR)
    ride.refresh_from_db()
    assert (ride.status, ride.redispatches) == (Status.CAR_FOUND, 1)
    assert ride.car_found_at.isoformat() == "2026-11-20T02:04:00+00:00"


def test_a_late_looking_after_car_found_changes_nothing(at_home):
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    assert event(ride, "looking") is False
    ride.refresh_from_db()
    assert ride.status == Status.CAR_FOUND
    assert ride.car_plate == "沪A·12345"


def test_events_out_of_order_end_in_the_furthest_state(at_home):
    ride = book(at_home)
    event(ride, "arrived")
    event(ride, "looking")
    event(ride, "car_found", **CAR)
    ride.refresh_from_db()
    assert ride.status == Status.ARRIVED
    # The late "car found" still tells us which car it is.
    assert ride.car_plate == "沪A·12345"
    assert ride.driver_phone == "+8613912345678"


def test_a_late_event_does_not_overwrite_what_we_know(at_home):
    ride = book(at_home)
    event(ride, "arrived", plate="沪B·99999")
    event(ride, "car_found", **CAR)
    ride.refresh_from_db()
    assert ride.car_plate == "沪B·99999"


def test_a_repeated_event_id_is_applied_once(at_home):
    ride = book(at_home)
    assert event(ride, "car_found", event_id="evt-1", **CAR) is True
    assert event(ride, "car_found", event_id="evt-1", **CAR) is False
    assert RideEvent.objects.filter(event_id="evt-1").count() == 1
    # and the resident is told once
    assert ride.resident.phone
    from tests.taxi.helpers import taxi_messages

    assert len(taxi_messages(at_home)) == 1


def test_the_same_event_id_from_another_provider_is_another_event(at_home):
    ride = book(at_home)
    event(ride, "looking", event_id="evt-1")
    api.apply_event("other", "evt-1", "car_found", {"reference": ride.dispatch_key})
    assert RideEvent.objects.filter(event_id="evt-1").count() == 2


def test_an_event_can_name_the_ride_by_the_providers_order_id(at_home, committed):
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert api.apply_event("quiet", "e1", "car_found", {"order_id": ride.provider_order_id, **CAR})
    ride.refresh_from_db()
    assert ride.status == Status.CAR_FOUND


def test_an_event_about_no_ride_we_know_is_kept_and_ignored(db):
    assert api.apply_event("quiet", "e1", "car_found", {"order_id": "nobody"}) is False
    kept = RideEvent.objects.get(event_id="e1")
    assert kept.ride is None
    assert not kept.applied


def test_an_unknown_kind_of_event_changes_nothing(at_home):
    ride = book(at_home)
    assert event(ride, "driver_sneezed") is False
    ride.refresh_from_db()
    assert ride.status == Status.REQUESTED


def test_events_about_an_earlier_attempt_are_ignored_after_asking_again(at_home):
    ride = book(at_home)
    old_reference = ride.dispatch_key
    event(ride, "car_found", **CAR)
    event(ride, "driver_cancelled")
    ride.refresh_from_db()
    assert ride.redispatches == 1
    assert event(ride, "arrived", reference=old_reference) is False
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING
    assert ride.car_plate == ""


def test_active_and_final_states_cover_every_state():
    assert set(Status) == ACTIVE_STATUSES | FINAL_STATUSES
    assert not ACTIVE_STATUSES & FINAL_STATUSES


def test_a_fresh_estimate_replaces_the_minutes_away_without_a_second_message(at_home):
    from portal.notifications.models import Message

    ride = book(at_home)
    event(ride, "car_found", **CAR)
    told = Message.objects.filter(recipient=at_home.phone).count()
    assert event(ride, "car_found", **{**CAR, "minutes_away": 2}) is True
    ride.refresh_from_db()
    assert (ride.status, ride.minutes_away) == (Status.CAR_FOUND, 2)
    assert "2" in api.ride_status(ride)["minutes_words"]
    assert Message.objects.filter(recipient=at_home.phone).count() == told
    # The same estimate again is no news.
    assert event(ride, "car_found", **{**CAR, "minutes_away": 2}) is False
