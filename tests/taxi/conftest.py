"""Taxi fixtures: a resident with a home, a provider that only listens, and a quick simulation."""

import threading

import pytest

from portal.notifications.backends import backend_for, memory
from services.taxi.providers.base import DispatchProvider, ProviderError

HOME = "静安区愚园路100弄5号"


class QuietProvider(DispatchProvider):
    """Takes orders and says nothing: tests play the provider's events themselves."""

    name = "quiet"
    created = []
    cancelled = []
    failures = []  # ProviderErrors the next create calls raise, in order
    _lock = threading.Lock()

    @classmethod
    def reset(cls):
        with cls._lock:
            cls.created.clear()
            cls.cancelled.clear()
            cls.failures.clear()

    def create(self, ride, idempotency_key):
        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            self.created.append((ride.pk, idempotency_key))
        return f"quiet-{idempotency_key}"

    def cancel(self, ride, reason):
        with self._lock:
            self.cancelled.append((ride.pk, ride.provider_order_id, reason))

    def status(self, ride):
        return None


@pytest.fixture(autouse=True)
def taxi_settings(settings):
    """Messages go to memory; the simulation answers at once; tests choose the provider."""
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    settings.TAXI_PROVIDER = "tests.taxi.conftest.QuietProvider"
    settings.TAXI_SIMULATION = "found"
    settings.TAXI_SIMULATION_DELAY_SECONDS = 0
    backend_for.cache_clear()
    memory.reset()
    QuietProvider.reset()
    yield settings
    memory.reset()
    QuietProvider.reset()
    backend_for.cache_clear()


@pytest.fixture
def quiet():
    """The listening provider: ``quiet.created``, ``quiet.cancelled``, ``quiet.failures``."""
    return QuietProvider


@pytest.fixture
def simulation(settings):
    """Use the simulated provider, playing the script named: ``simulation("none")``."""

    def use(script="found"):
        settings.TAXI_PROVIDER = "services.taxi.providers.simulated.SimulatedProvider"
        settings.TAXI_SIMULATION = script

    return use


@pytest.fixture
def at_home(resident):
    """王阿姨, with a home address a taxi can come to, reading English (tests read the words)."""
    resident.home_address = HOME
    resident.language = "en"
    resident.save(update_fields=["home_address", "language"])
    return resident


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (dispatch, messages) as if the request had ended."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def provider_error():
    return ProviderError
