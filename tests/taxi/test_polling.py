"""When the dispatch company goes quiet: the portal asks it (beat's taxi.poll_quiet_rides), and
sends again rides that never reached a company."""

from datetime import timedelta

import pytest
from django.utils import timezone

from services.taxi.models import Ride, RideEvent, Status
from services.taxi.tasks import poll_quiet_rides
from tests.taxi.helpers import book, taxi_messages

pytestmark = pytest.mark.django_db

CAR = {"plate": "沪B·86420", "colour": "green", "driver_phone": "+8613733334444", "minutes_away": 7}


def _quiet(ride, seconds=121):
    """No event for ``ride`` in ``seconds`` (the poll interval in tests is 120 s)."""
    Ride.objects.filter(pk=ride.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def _looking(resident, committed):
    ride = committed(book, resident)
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING and ride.provider_order_id
    return ride


def _gets(dispatch):
    return [call for call in dispatch.calls("GET") if call[1].startswith("/v1/orders/")]


def test_a_car_found_without_a_webhook_is_picked_up_by_polling(at_home, dispatch, committed):
    ride = _looking(at_home, committed)
    dispatch.set_state(ride.provider_order_id, "car_found", car=CAR)  # the webhook was lost
    _quiet(ride)
    assert poll_quiet_rides.delay().get() == {
        "polled": 1,
        "changed": 1,
        "redispatched": 0,
        "failed": 0,
    }
    ride.refresh_from_db()
    assert (ride.status, ride.car_plate, ride.minutes_away) == (Status.CAR_FOUND, "沪B·86420", 7)
    assert "Car coming: 沪B·86420" in taxi_messages(at_home)[-1].body
    assert RideEvent.objects.get(ride=ride).event_id == f"poll:{ride.provider_order_id}:car_found"
    # The webhook turning up late afterwards tells the resident nothing twice.
    assert dispatch.send_event(ride.provider_order_id, "car_found", car=CAR) == 200
    assert len(taxi_messages(at_home)) == 1


def test_a_ride_that_changed_recently_is_not_polled(at_home, dispatch, committed):
    ride = _looking(at_home, committed)
    dispatch.set_state(ride.provider_order_id, "car_found", car=CAR)
    _quiet(ride, seconds=100)
    assert poll_quiet_rides()["polled"] == 0
    assert _gets(dispatch) == []
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING


def test_a_ride_is_polled_once_per_interval_and_the_same_news_is_kept_once(
    at_home, dispatch, committed, time_machine
):
    ride = _looking(at_home, committed)
    _quiet(ride)
    assert poll_quiet_rides()["polled"] == 1
    assert poll_quiet_rides()["polled"] == 0  # next minute's run: asked too recently
    time_machine.move_to(timezone.now() + timedelta(seconds=125))
    assert poll_quiet_rides() == {"polled": 1, "changed": 0, "redispatched": 0, "failed": 0}
    assert len(_gets(dispatch)) == 2
    # "still looking", twice: one event kept, which changed nothing
    kept = RideEvent.objects.get(ride=ride)
    assert (kept.event_id, kept.applied) == (f"poll:{ride.provider_order_id}:looking", False)


def test_one_ride_failing_does_not_stop_the_others(at_home, neighbour, dispatch, committed):
    neighbour.home_address = "长宁区延安西路200号"
    neighbour.save(update_fields=["home_address"])
    first = _looking(at_home, committed)
    second = _looking(neighbour, committed)
    _quiet(first, seconds=300)  # the oldest: asked first
    _quiet(second)
    dispatch.set_state(first.provider_order_id, "car_found", car=CAR)
    dispatch.set_state(second.provider_order_id, "arrived", car=CAR)
    dispatch.fail_next(1, status=503, on="get")
    assert poll_quiet_rides() == {"polled": 1, "changed": 1, "redispatched": 0, "failed": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.LOOKING, Status.ARRIVED)


def test_a_provider_that_hangs_on_one_ride_does_not_stop_the_others(
    at_home, neighbour, dispatch, committed
):
    neighbour.home_address = "长宁区延安西路200号"
    neighbour.save(update_fields=["home_address"])
    first = _looking(at_home, committed)
    second = _looking(neighbour, committed)
    _quiet(first, seconds=300)
    _quiet(second)
    dispatch.set_state(second.provider_order_id, "no_car")
    dispatch.hang_next(1, seconds=2, on="get")  # longer than the 1 s timeout
    assert poll_quiet_rides()["failed"] == 1
    second.refresh_from_db()
    assert (second.status, second.needs_a_person) == (Status.NO_CAR, True)


def test_finished_rides_and_other_providers_rides_are_not_polled(at_home, dispatch, committed):
    ride = _looking(at_home, committed)
    Ride.objects.filter(pk=ride.pk).update(status=Status.DONE)
    _quiet(ride)
    other = book(at_home)
    Ride.objects.filter(pk=other.pk).update(
        status=Status.LOOKING, provider="simulated", provider_order_id="sim-x"
    )
    _quiet(other)
    assert poll_quiet_rides()["polled"] == 0
    assert _gets(dispatch) == []


def test_a_ride_that_never_reached_the_company_is_sent_again(at_home, dispatch):
    ride = book(at_home)  # not committed: its dispatch was never queued (the broker was down)
    assert dispatch.creates == 0
    _quiet(ride)
    assert poll_quiet_rides()["redispatched"] == 1
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING
    assert ride.provider_order_id == dispatch.order_for(f"ride-{ride.pk}-0").id
    assert dispatch.creates == 1


def test_a_new_request_is_left_to_its_own_dispatch(at_home, dispatch):
    ride = book(at_home)
    _quiet(ride, seconds=30)
    assert poll_quiet_rides()["redispatched"] == 0
    assert dispatch.creates == 0


def test_asking_again_after_a_driver_cancelled_is_sent_again_when_lost(
    at_home, dispatch, committed
):
    ride = _looking(at_home, committed)
    dispatch.send_event(ride.provider_order_id, "car_found", car=CAR)
    dispatch.send_event(ride.provider_order_id, "driver_cancelled")  # its new dispatch is lost
    ride.refresh_from_db()
    assert (ride.status, ride.redispatches, ride.provider_order_id) == (Status.LOOKING, 1, "")
    _quiet(ride)
    assert poll_quiet_rides()["redispatched"] == 1
    ride.refresh_from_db()
    assert ride.provider_order_id == dispatch.order_for(f"ride-{ride.pk}-1").id
    assert dispatch.creates == 2


def test_a_cancelled_ride_is_not_sent_again(at_home, dispatch):
    ride = book(at_home)
    Ride.objects.filter(pk=ride.pk).update(status=Status.CANCELLED)
    _quiet(ride)
    assert poll_quiet_rides()["redispatched"] == 0
    assert dispatch.creates == 0
