"""Ratings fixtures: the taxi's listening provider and the hospital's made-to-measure
hospitals (their own fixtures, reused), messages in memory."""

import pytest

from services.taxi.models import Ride, Status
from tests.hospital.conftest import (  # noqa: F401 - fixtures
    _without_demo_hospitals,
    book,
    clock,
    internal,
    make_session,
    monday,
    patient,
    ruijin,
)
from tests.taxi.conftest import HOME, taxi_settings  # noqa: F401 - fixtures
from tests.taxi.helpers import book as book_ride


@pytest.fixture
def at_home(resident):
    """王阿姨, with a home a taxi can come to, reading English (the tests read the words)."""
    resident.home_address = HOME
    resident.language = "en"
    resident.save(update_fields=["home_address", "language"])
    return resident


@pytest.fixture
def ride_in(at_home):
    """``ride_in(Status.ON_TRIP)``: 王阿姨's ride, moved straight to that status."""

    def make(status, resident=None):
        ride = book_ride(resident or at_home)
        Ride.objects.filter(pk=ride.pk).update(status=status, provider="quiet")
        ride.refresh_from_db()
        return ride

    return make


@pytest.fixture
def ended(ride_in):
    return ride_in(Status.DONE)
