"""Many people pressing at once: never more appointments than places, never past a quota.

Each attempt is a thread with its own database connection, in a transactional test, so the
transactions really overlap. The 200-attempt race runs on PostgreSQL (row locks, READ
COMMITTED); the SQLite variant runs the same code against SQLite's IMMEDIATE transactions.
"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from services.hospital import api
from services.hospital.models import (
    Appointment,
    Department,
    Hospital,
    PatientIdentity,
    Session,
    Status,
)

NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MONDAY = datetime.date(2026, 11, 23)
ENGINE = settings.DATABASES["default"]["ENGINE"]
ON_POSTGRESQL = "postgresql" in ENGINE
# PostgreSQL allows 100 connections on this machine, shared: at most this many at once.
AT_ONCE = 40

postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="row locks under real concurrency need PostgreSQL: set DATABASE_URL=postgres://...",
)
sqlite_only = pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite variant of the race")


def _patients(count):
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"race-patient-{n}", preferred_name=f"病人{n}") for n in range(count)]
    )
    PatientIdentity.objects.bulk_create(
        [
            PatientIdentity(
                user=user,
                real_name_masked="张*明",
                id_number_masked="3101**********1234",
                id_number_hash=f"{n:064d}",
            )
            for n, user in enumerate(users)
        ]
    )
    return users


def _session(capacity, *, period="morning", department=None):
    if department is None:
        hospital = Hospital.objects.create(
            name="瑞金医院", district="黄浦区", address="瑞金二路197号"
        )
        department = Department.objects.create(hospital=hospital, name="内科")
    return Session.objects.create(
        department=department,
        date=MONDAY,
        period=period,
        starts_at=datetime.time(8) if period == "morning" else datetime.time(13, 30),
        ends_at=datetime.time(11, 30) if period == "morning" else datetime.time(16, 30),
        capacity=capacity,
    )


def _all_at_once(attempts):
    """Run each ``(session, patient, key)`` in its own thread, released together."""
    start = threading.Barrier(len(attempts))
    gate = threading.BoundedSemaphore(AT_ONCE)
    outcomes = []
    lock = threading.Lock()

    def attempt(session, patient, key):
        try:
            start.wait()
            with gate:
                try:
                    api.book(
                        session,
                        patient,
                        acting_user=patient,
                        channel="web",
                        idempotency_key=key,
                        now=NOW,
                    )
                    outcome = "booked"
                except api.BookingRefused as refused:
                    outcome = refused.code
                except Exception as error:
                    outcome = f"error: {error!r}"
                finally:
                    connection.close()
            with lock:
                outcomes.append(outcome)
        except threading.BrokenBarrierError:
            with lock:
                outcomes.append("barrier broken")

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _race_for_five_places(count):
    session = _session(capacity=5)
    patients = _patients(count)
    outcomes = _all_at_once([(session, p, f"race-{p.pk}") for p in patients])
    assert len(outcomes) == count
    assert [o for o in outcomes if o not in ("booked", "session_full")] == []
    assert outcomes.count("booked") == 5
    session.refresh_from_db()
    assert session.booked == 5
    assert Appointment.objects.filter(session=session, status=Status.BOOKED).count() == 5


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_200_people_at_once_get_exactly_the_5_places_on_postgresql():
    _race_for_five_places(200)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_many_people_at_once_get_exactly_the_5_places_on_sqlite():
    _race_for_five_places(60)


@pytest.mark.django_db(transaction=True)
def test_one_patient_pressing_many_times_gets_one_place_and_the_day_quota_holds():
    """The patient row lock: 8 taps on one session, and 8 on different sessions of one day."""
    (patient,) = _patients(1)
    big = _session(capacity=50)
    outcomes = _all_at_once([(big, patient, f"tap-{n}") for n in range(8)])
    assert outcomes.count("booked") == 1
    assert set(outcomes) <= {"booked", "already_booked"}
    big.refresh_from_db()
    assert big.booked == 1

    others = [_session(capacity=50, period="afternoon", department=big.department)]
    eyes = Department.objects.create(hospital=big.department.hospital, name="眼科")
    others += [_session(capacity=50, department=eyes)]
    outcomes = _all_at_once([(others[n % 2], patient, f"day-{n}") for n in range(8)])
    # One place was held already; the quota of 2 a day allows one more, whichever comes first.
    assert outcomes.count("booked") == 1
    assert set(outcomes) <= {"booked", "quota_day", "already_booked"}
    assert Appointment.objects.filter(patient=patient, status=Status.BOOKED).count() == 2
