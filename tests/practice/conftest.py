"""Practice fixtures: a taxi company and a hospital system that would notice any order, a
hospital with places next week, and a way to count every row of every table."""

import datetime

import pytest
from django.db import connection

from portal.notifications.backends import backend_for, memory
from services.hospital.models import Department, Hospital, Session
from tests.hospital.conftest import hospital_system
from tests.support.fake_dispatch import FakeDispatch

# Friday 20 November 2026, 09:00 in Shanghai; Monday's places are open to book.
NOW = (2026, 11, 20, 9, 0)
MONDAY = datetime.date(2026, 11, 23)
DISPATCH_KEY = "practice-dispatch-key"
DISPATCH_SECRET = "practice-dispatch-secret"


@pytest.fixture(autouse=True)
def phones_in_memory(settings):
    """Messages go to memory, where a test sees any that went."""
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    backend_for.cache_clear()
    memory.reset()
    yield
    memory.reset()
    backend_for.cache_clear()


@pytest.fixture(autouse=True)
def desk_open_round_the_clock(settings):
    settings.ASSIST_HOURS_WORKDAY = settings.ASSIST_HOURS_DAY_OFF = (0, 24)


@pytest.fixture
def clock(at):
    return at(*NOW)


@pytest.fixture
def dispatch(settings):
    """A fake taxi company on 127.0.0.1: the HTTP provider orders every real ride from it."""
    settings.TAXI_PROVIDER = "services.taxi.providers.http.HttpDispatchProvider"
    settings.TAXI_HTTP_API_KEY = DISPATCH_KEY
    settings.TAXI_HTTP_WEBHOOK_SECRET = DISPATCH_SECRET
    settings.TAXI_HTTP_TIMEOUT_SECONDS = 2
    with FakeDispatch(
        api_key=DISPATCH_KEY,
        secret=DISPATCH_SECRET,
        webhook_url="/taxi/events/http/",
        transport=lambda url, body, headers: 200,  # no webhooks in these tests
    ) as fake:
        settings.TAXI_HTTP_BASE_URL = fake.base_url
        yield fake
        assert fake.errors == []


@pytest.fixture
def hospital_server(settings):
    """A hospital's own booking system (a fake on 127.0.0.1), asked for every real booking."""
    with hospital_system(settings, timeout=2) as fake:
        yield fake


@pytest.fixture
def clinic(db, clock, hospital_server):
    """瑞金医院, on its own booking system, with internal medicine on Monday morning (3 places)."""
    hospital = Hospital.objects.create(
        name="瑞金医院",
        name_en="Ruijin Hospital",
        district="黄浦区",
        address="瑞金二路197号",
        address_en="197 Ruijin Road No. 2",
        provider="external",
        external_code="RJ",
    )
    medicine = Department.objects.create(
        hospital=hospital, name="内科", name_en="Internal medicine", external_code="NK"
    )
    session = Session.objects.create(
        department=medicine,
        date=MONDAY,
        period="morning",
        starts_at=datetime.time(8, 0),
        ends_at=datetime.time(11, 30),
        capacity=3,
    )
    return session


def table_rows():
    """Every table's row count (models, their many-to-many tables, anything else there)."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)  # a name the database gave, quoted
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def rows():
    """``rows()`` counts every table; ``rows.changed(before)`` names those that differ."""

    class Rows:
        def __call__(self):
            return table_rows()

        @staticmethod
        def changed(before):
            after = table_rows()
            return {
                table: (before.get(table), after.get(table))
                for table in set(before) | set(after)
                if before.get(table) != after.get(table)
            }

    return Rows()
