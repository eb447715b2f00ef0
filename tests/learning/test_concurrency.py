"""Many residents signing up for the last places at once: never more booked than places.

Each sign-up is a thread with its own database connection, in a transactional test, so the
transactions really overlap. The big race runs on PostgreSQL (the session's row lock); the
SQLite variant runs the same code against SQLite's IMMEDIATE transactions.
"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from wagtail.models import Locale

from content.models import CommunityCentre
from portal.acting import Acting
from services.learning import api
from services.learning.models import Place, Session, State

NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
# PostgreSQL allows 100 connections on this machine, shared: at most this many at once.
AT_ONCE = 40

postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="row locks under real concurrency need PostgreSQL: set DATABASE_URL=postgres://...",
)
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite variant of the race")


def _session(capacity):
    locale, _created = Locale.objects.get_or_create(language_code="zh-hans")
    centre = CommunityCentre.objects.create(
        locale=locale,
        name="竞赛街道社区服务中心",
        district="静安区",
        address="常德路 1 号",
        hours="周一至周五 9:00 至 17:00",
        phone="021-00000000",
        dial="02100000000",
    )
    starts = NOW + datetime.timedelta(days=3)
    return Session.objects.create(
        centre=centre,
        topic="portal",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        capacity=capacity,
    )


def _residents(count):
    User = get_user_model()
    return User.objects.bulk_create(
        [User(username=f"race-learner-{n}", preferred_name=f"学员{n}") for n in range(count)]
    )


def _all_at_once(session, people):
    """Each person signs up in their own thread, all released together; return the states."""
    start = threading.Barrier(len(people))
    gate = threading.BoundedSemaphore(AT_ONCE)
    outcomes = []
    lock = threading.Lock()

    def attempt(person):
        try:
            start.wait()
            with gate:
                try:
                    outcome = api.sign_up(Acting.by_resident(person), session, now=NOW).state
                except Exception as error:
                    outcome = f"error: {error!r}"
                finally:
                    connection.close()
            with lock:
                outcomes.append(outcome)
        except threading.BrokenBarrierError:
            with lock:
                outcomes.append("barrier broken")

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _race_for_five_places(count):
    session = _session(capacity=5)
    outcomes = _all_at_once(session, _residents(count))
    assert sorted(set(outcomes)) == ["booked", "waiting"], outcomes
    assert outcomes.count("booked") == 5
    assert Place.objects.filter(session=session, state=State.BOOKED).count() == 5
    # The waiting list is one line: numbers 1 to count - 5, each once.
    waiting = Place.objects.filter(session=session, state=State.WAITING)
    assert sorted(api.number_in_line(place) for place in waiting) == list(range(1, count - 4))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_200_people_at_once_get_exactly_the_5_places_on_postgresql():
    _race_for_five_places(200)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_many_people_at_once_get_exactly_the_5_places_on_sqlite():
    _race_for_five_places(40)


@pytest.mark.django_db(transaction=True)
def test_one_person_pressing_many_times_gets_one_place():
    session = _session(capacity=5)
    (person,) = _residents(1)
    outcomes = _all_at_once(session, [person] * 8)
    assert outcomes == ["booked"] * 8
    assert Place.objects.filter(session=session, resident=person).count() == 1
