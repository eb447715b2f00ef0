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
    settings.TAXI_SIMULATION_MINUTE_SECONDS = 0
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
def phoned_in(at_home, manual_dispatch, committed):
    """王阿姨's ride dispatched by hand: booked, handed to the manual provider, waiting for the
    operator to phone the company (looking for a car)."""
    from tests.taxi.helpers import book

    ride = committed(book, at_home)
    ride.refresh_from_db()
    return ride


@pytest.fixture
def provider_error():
    return ProviderError


@pytest.fixture
def manual_dispatch(settings):
    """Rides go to an operator who phones the taxi company (the manual provider)."""
    settings.TAXI_PROVIDER = "services.taxi.providers.manual.ManualProvider"


@pytest.fixture
def staff_with(django_user_model):
    """A staff member holding exactly the permissions named, with a confirmed authenticator:
    ``staff_with("wagtailadmin.access_admin", "taxi.view_ride")``."""
    from django.contrib.auth.models import Permission
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(*permissions, username="operator"):
        user = django_user_model.objects.create_user(username=username, is_staff=True)
        for name in permissions:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        return user

    return make


# --- The HTTP provider against a fake dispatch company (fixtures added for the HTTP provider) ---

DISPATCH_API_KEY = "test-dispatch-api-key"
DISPATCH_SECRET = "test-dispatch-webhook-secret"
DISPATCH_WEBHOOK_PATH = "/taxi/events/http/"


@pytest.fixture
def dispatch(settings):
    """A fake dispatch company on 127.0.0.1 that the HTTP provider is pointed at.

    Its webhooks go to ``/taxi/events/http/`` through Django's test client with CSRF checks
    on (the portal's data stays in the test's transaction), as the company would post them.
    """
    from django.test import Client

    from tests.support.fake_dispatch import FakeDispatch

    portal = Client(enforce_csrf_checks=True)

    def through_the_portal(url, body, headers):
        extra = {name: value for name, value in headers.items() if name != "Content-Type"}
        response = portal.post(url, data=body, content_type=headers["Content-Type"], headers=extra)
        return response.status_code

    settings.TAXI_PROVIDER = "services.taxi.providers.http.HttpDispatchProvider"
    settings.TAXI_HTTP_API_KEY = DISPATCH_API_KEY
    settings.TAXI_HTTP_WEBHOOK_SECRET = DISPATCH_SECRET
    settings.TAXI_HTTP_TIMEOUT_SECONDS = 1
    settings.TAXI_POLL_AFTER_SECONDS = 120
    with FakeDispatch(
        api_key=DISPATCH_API_KEY,
        secret=DISPATCH_SECRET,
        webhook_url=DISPATCH_WEBHOOK_PATH,
        transport=through_the_portal,
    ) as fake:
        settings.TAXI_HTTP_BASE_URL = fake.base_url
        yield fake
        assert fake.errors == []


@pytest.fixture
def ride(at_home, dispatch, committed):
    """王阿姨's ride, ordered from the fake company and waiting for a car."""
    from services.taxi.models import Status
    from tests.taxi.helpers import book

    booked = committed(book, at_home)
    booked.refresh_from_db()
    assert booked.status == Status.LOOKING
    return booked


@pytest.fixture(autouse=True)
def desk_open_round_the_clock(settings):
    """Messages that offer a person say whether one answers now (content.hotline.call_a_person):
    here the help desk is open at any hour the tests run; tests of a closed desk set hours."""
    settings.ASSIST_HOURS_WORKDAY = settings.ASSIST_HOURS_DAY_OFF = (0, 24)
