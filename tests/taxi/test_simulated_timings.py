"""The simulated company keeps a real city's time: a car in tens of seconds, at the door in the
minutes it announced; in-process (no worker) the due events are played when the ride is read."""

import json
from datetime import timedelta

import pytest

from services.taxi import api
from services.taxi.models import RideEvent, Status
from services.taxi.providers import simulated
from tests.taxi.helpers import book, taxi_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_time(settings, simulation, at):
    """The simulation with its own default timings, and a stopped clock to move by hand."""
    simulation("found")
    del settings.TAXI_SIMULATION_DELAY_SECONDS
    del settings.TAXI_SIMULATION_MINUTE_SECONDS
    start = at(2026, 11, 20, 9, 0)

    def later(seconds):
        return at(*(start + timedelta(seconds=seconds)).timetuple()[:6])

    return later


def _read(ride):
    """What the resident's status page reads (and, in-process, what moves the ride on)."""
    status = api.ride_status(ride)
    return status["status"]


def test_the_default_timings_look_like_a_city():
    assert 20 <= simulated.FIND_SECONDS <= 40
    assert simulated.MINUTE_SECONDS == 60


def test_arrival_comes_in_the_minutes_the_car_found_announced(settings):
    settings.TAXI_SIMULATION_DELAY_SECONDS = 30
    settings.TAXI_SIMULATION_MINUTE_SECONDS = 60
    minutes = simulated.made_up_car("ride-7-0")["minutes_away"]
    assert simulated.timeline("ride-7-0", "found") == [0, 30, 30 + minutes * 60]
    assert [simulated.wait_before("ride-7-0", "found", step) for step in range(3)] == [
        0,
        30,
        minutes * 60,
    ]


def test_in_process_a_car_is_found_after_tens_of_seconds_and_arrives_minutes_later(
    at_home, committed, city_time
):
    ride = committed(book, at_home)
    ride.refresh_from_db()
    assert _read(ride) == Status.LOOKING  # the tap: looking, no car yet
    assert taxi_messages(at_home) == []

    city_time(simulated.FIND_SECONDS - 1)
    assert _read(ride) == Status.LOOKING
    city_time(simulated.FIND_SECONDS)
    assert _read(ride) == Status.CAR_FOUND
    minutes = ride.minutes_away
    assert minutes >= 3
    assert len(taxi_messages(at_home)) == 1  # car found, told once

    city_time(simulated.FIND_SECONDS + minutes * 60 - 1)
    assert _read(ride) == Status.CAR_FOUND  # not at the door before its time
    city_time(simulated.FIND_SECONDS + minutes * 60)
    assert _read(ride) == Status.ARRIVED
    found, arrived = taxi_messages(at_home)
    assert arrived.created_at - found.created_at == timedelta(minutes=minutes)
    assert f"about {minutes} min" in found.body


def test_reading_again_applies_each_event_once(at_home, committed, city_time):
    ride = committed(book, at_home)
    ride.refresh_from_db()
    city_time(3600)
    for _ in range(3):
        assert _read(ride) == Status.ARRIVED
    kinds = list(RideEvent.objects.filter(ride=ride).order_by("id").values_list("kind", flat=True))
    assert kinds == ["looking", "car_found", "arrived"]
    assert len(taxi_messages(at_home)) == 2


def test_the_live_status_json_moves_the_ride_on(client, at_home, committed, city_time):
    ride = committed(book, at_home)
    client.force_login(at_home)
    url = f"/taxi/rides/{ride.pk}/status.json"
    assert json.loads(client.get(url).content)["status"] == "looking"
    city_time(simulated.FIND_SECONDS)
    status = json.loads(client.get(url).content)
    assert status["status"] == "car_found" and status["car_plate"].startswith("沪A·")
    assert status["minutes_away"] == simulated.made_up_car(ride.dispatch_key)["minutes_away"]


def test_a_cancelled_ride_plays_no_more(at_home, committed, city_time):
    from tests.taxi.helpers import cancel

    ride = committed(book, at_home)
    ride.refresh_from_db()
    committed(cancel, ride)
    city_time(3600)
    assert _read(ride) == Status.CANCELLED
    assert not RideEvent.objects.filter(ride=ride, kind="car_found").exists()


def test_a_driver_who_cancels_starts_a_new_order_with_its_own_clock(
    at_home, committed, city_time, settings
):
    settings.TAXI_SIMULATION = "driver_cancels"
    ride = committed(book, at_home)
    ride.refresh_from_db()
    cancels_at = simulated.FIND_SECONDS + simulated.DRIVER_CANCELS_AFTER_MINUTES * 60
    city_time(cancels_at)
    committed(_read, ride)  # the cancel asks the company again once committed
    ride.refresh_from_db()
    assert (ride.status, ride.redispatches) == (Status.LOOKING, 1)
    city_time(cancels_at + simulated.FIND_SECONDS)
    assert _read(ride) == Status.CAR_FOUND
    assert ride.provider_order_id == f"sim-ride-{ride.pk}-1"


def test_with_a_worker_each_event_is_a_task_with_its_countdown(
    at_home, settings, simulation, monkeypatch, django_capture_on_commit_callbacks
):
    """Countdowns are honoured by a worker: the first event at once, then as the timeline says."""
    from portal.celery import app
    from services.taxi.tasks import simulate_step

    simulation("found")
    settings.TAXI_SIMULATION_DELAY_SECONDS = 30
    settings.TAXI_SIMULATION_MINUTE_SECONDS = 60
    queued = []
    monkeypatch.setattr(
        simulate_step, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    ride = book(at_home)
    reference = ride.dispatch_key
    app.conf.task_always_eager = False  # a worker; tests/conftest.py puts it back
    with django_capture_on_commit_callbacks(execute=True):
        order_id = simulated.SimulatedProvider().create(ride, reference)
    assert queued == [([order_id, reference, "found", 0], 0)]
    simulate_step.run(order_id, reference, "found", 0)  # the worker runs step 0
    simulate_step.run(order_id, reference, "found", 1)  # ... and step 1
    minutes = simulated.made_up_car(reference)["minutes_away"]
    assert [countdown for _args, countdown in queued] == [0, 30, minutes * 60]
    ride.refresh_from_db()
    assert _read(ride) == Status.CAR_FOUND  # reading plays nothing: the worker does
