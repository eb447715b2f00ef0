"""Many taps at once, from one resident, give one active ride (on PostgreSQL and SQLite)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from services.taxi import api
from services.taxi.models import Ride
from tests.taxi.conftest import HOME
from tests.taxi.helpers import book

TAPS = 8


def _tap_at_once(resident, keys):
    start = threading.Barrier(len(keys))
    outcomes = []
    lock = threading.Lock()

    def tap(key):
        try:
            start.wait()
            try:
                ride = book(resident, key=key)
                outcome = ("booked", ride.pk)
            except api.RideAlreadyActive as refused:
                outcome = ("refused", refused.ride.pk)
            except Exception as error:
                outcome = ("error", repr(error))
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def home_resident(demo_site):
    resident = get_user_model().objects.get(phone="+8613800000001")
    resident.home_address = HOME
    resident.save(update_fields=["home_address"])
    return resident


@pytest.mark.django_db(transaction=True)
def test_taps_with_different_keys_at_once_give_exactly_one_active_ride(home_resident):
    outcomes = _tap_at_once(home_resident, [f"tap-{n}" for n in range(TAPS)])
    assert [o for o in outcomes if o[0] == "error"] == []
    booked = {pk for kind, pk in outcomes if kind == "booked"}
    assert len(booked) == 1
    assert {pk for kind, pk in outcomes if kind == "refused"} <= booked
    assert Ride.objects.filter(resident=home_resident).count() == 1


@pytest.mark.django_db(transaction=True)
def test_taps_with_the_same_key_at_once_give_one_ride(home_resident):
    outcomes = _tap_at_once(home_resident, ["the-same-tap"] * TAPS)
    assert [o for o in outcomes if o[0] != "booked"] == []
    assert len({pk for _kind, pk in outcomes}) == 1
    assert Ride.objects.filter(resident=home_resident).count() == 1
