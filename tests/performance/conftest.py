"""Fixtures for the cost of pages: the taxi's and the hospital's own (reused)."""

from tests.hospital.conftest import (  # noqa: F401 - fixtures
    _without_demo_hospitals,
    clock,
    internal,
    make_session,
    monday,
    patient,
    ruijin,
)
from tests.ratings.conftest import at_home, ride_in  # noqa: F401 - fixtures
from tests.taxi.conftest import taxi_settings  # noqa: F401 - fixtures
