"""The dispatch seam: the simulated provider's scripts, asking again, and provider failures."""

import pytest

from services.taxi import api
from services.taxi.models import Ride, RideEvent, Status
from services.taxi.providers import get_provider
from services.taxi.providers.simulated import SimulatedProvider, made_up_car
from tests.taxi.helpers import CAR, book, event, taxi_messages

pytestmark = pytest.mark.django_db


def test_the_provider_is_chosen_by_setting(settings):
    settings.TAXI_PROVIDER = "services.taxi.providers.simulated.SimulatedProvider"
    assert isinstance(get_provider(), SimulatedProvider)
    del settings.TAXI_PROVIDER
    assert isinstance(get_provider(), SimulatedProvider)


def test_the_simulation_finds_a_car_that_arrives(at_home, simulation, committed):
    simulation("found")
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert ride.status == Status.ARRIVED
    assert ride.provider == "simulated"
    assert ride.provider_order_id == f"sim-ride-{ride.pk}-0"
    assert ride.car_plate.startswith("沪A·") and len(ride.car_plate) == 8
    assert ride.car_colour and ride.driver_phone.startswith("+86139")
    kinds = list(RideEvent.objects.filter(ride=ride).order_by("id").values_list("kind", flat=True))
    assert kinds == ["looking", "car_found", "arrived"]
    assert len(taxi_messages(at_home)) == 2  # car found, car arrived


@pytest.mark.parametrize(
    ("script", "ending"),
    [("none", Status.NO_CAR), ("no_show", Status.DRIVER_NO_SHOW)],
    ids=["no-car-found", "driver-never-comes"],
)
def test_the_simulation_can_end_without_a_car_and_asks_a_person_to_help(
    at_home, simulation, committed, script, ending
):
    simulation(script)
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert ride.status == ending
    assert ride.needs_a_person


def test_when_drivers_keep_cancelling_the_portal_asks_again_twice_then_offers_a_person(
    at_home, simulation, committed
):
    simulation("driver_cancels")
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert ride.redispatches == api.MAX_REDISPATCHES == 2
    assert ride.status == Status.NO_CAR
    assert ride.needs_a_person
    orders = set(RideEvent.objects.filter(ride=ride).values_list("data__order_id", flat=True))
    assert orders == {f"sim-ride-{ride.pk}-{n}" for n in range(3)}
    last = taxi_messages(at_home)[-1]
    assert "Call 962 200 and a person will help you." in last.body


def test_a_driver_cancelling_once_gets_another_car(at_home, quiet, committed):
    ride = committed(book, at_home)
    committed(event, ride, "car_found", **CAR)
    committed(event, ride, "driver_cancelled")
    ride.refresh_from_db()
    assert (ride.status, ride.redispatches, ride.car_plate) == (Status.LOOKING, 1, "")
    assert [key for _ride, key in quiet.created] == [f"ride-{ride.pk}-0", f"ride-{ride.pk}-1"]
    assert "looking for another car" in taxi_messages(at_home)[-1].body
    committed(event, ride, "car_found", plate="沪C·55555")
    ride.refresh_from_db()
    assert (ride.status, ride.car_plate, ride.needs_a_person) == (
        Status.CAR_FOUND,
        "沪C·55555",
        False,
    )


def test_the_same_order_gives_the_same_pretend_car():
    assert made_up_car("ride-1-0") == made_up_car("ride-1-0")
    assert made_up_car("ride-1-0") != made_up_car("ride-2-0")


def test_a_provider_failure_is_tried_again(at_home, quiet, provider_error, committed):
    quiet.failures.extend([provider_error("timeout"), provider_error("502")])
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING
    assert len(quiet.created) == 1


def test_a_provider_that_keeps_failing_means_no_car_and_a_person(
    at_home, quiet, provider_error, committed
):
    quiet.failures.extend([provider_error("timeout")] * 5)
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert (ride.status, ride.needs_a_person) == (Status.NO_CAR, True)
    assert quiet.created == []


def test_a_refused_order_is_not_tried_again(at_home, quiet, provider_error, committed):
    quiet.failures.extend([provider_error("bad address", permanent=True), provider_error("x")])
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert ride.status == Status.NO_CAR
    assert len(quiet.failures) == 1


def test_a_ride_no_longer_waiting_is_not_sent_again(at_home, quiet):
    from services.taxi.tasks import dispatch_ride

    ride = book(at_home)
    Ride.objects.filter(pk=ride.pk).update(status=Status.CANCELLED)
    dispatch_ride.delay(ride.pk)
    assert quiet.created == []
