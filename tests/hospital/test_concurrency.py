"""Many people pressing at once: never more appointments than places, never past a quota.

Each attempt is a thread with its own database connection, in a transactional test, so the
transactions really overlap. The 200-attempt race runs on PostgreSQL (row locks, READ
COMMITTED); the SQLite variant runs the same code against SQLite's IMMEDIATE transactions.
"""

import datetime
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from portal.acting import Acting
from portal.privacy.models import ProcessingConsent, Purpose
from services.hospital import api
from services.hospital.models import (
    Appointment,
    Department,
    Hospital,
    PatientIdentity,
    Session,
    Status,
)
from tests.hospital.conftest import hospital_system

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
    # They agreed that the portal keeps their ID number and visits (bulk_create sends no
    # signal, so the tests' usual agreement is written here).
    ProcessingConsent.objects.bulk_create(
        [
            ProcessingConsent(
                resident=user, purpose=Purpose.HOSPITAL, version=1, agreed=True, channel="web"
            )
            for user in users
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
                        Acting.for_resident(patient, patient, channel="web"),
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


# -- a hospital with its own booking system, answering slowly --------------------------------

SLOW_ANSWER_S = 2.5


@pytest.fixture
def slow_hospital(settings):
    """A hospital's own system that answers the next booking after 2.5 s."""
    with hospital_system(settings, timeout=10) as fake:
        fake.hang_next(1, seconds=SLOW_ANSWER_S)
        yield fake


def _book_while_the_first_waits(capacity):
    """Patient one books (the hospital is slow to answer); half a second later patient two
    books the same session. Returns the outcomes, how long the second took, and whether the
    first was still waiting when the second had finished."""
    session = _session(capacity=capacity)
    Hospital.objects.filter(pk=session.department.hospital_id).update(provider="external")
    first, second = _patients(2)
    outcomes = {}

    def book_first():
        try:
            api.book(
                session,
                Acting.for_resident(first, first, channel="web"),
                idempotency_key="a",
                now=NOW,
            )
            outcomes["first"] = "booked"
        except api.BookingRefused as refused:
            outcomes["first"] = refused.code
        finally:
            connection.close()

    waiting = threading.Thread(target=book_first)
    waiting.start()
    time.sleep(0.5)  # the first booking is at the hospital by now, waiting for its answer
    started = time.monotonic()
    api.book(
        session, Acting.for_resident(second, second, channel="web"), idempotency_key="b", now=NOW
    )
    took = time.monotonic() - started
    first_still_waiting = waiting.is_alive()
    waiting.join(timeout=30)
    return session, outcomes.get("first"), took, first_still_waiting


@pytest.mark.django_db(transaction=True)
def test_a_slow_hospital_system_holds_up_no_other_booking_of_the_session(slow_hospital):
    session, first, took, first_still_waiting = _book_while_the_first_waits(capacity=5)
    assert first_still_waiting and took < 1.5
    assert first == "booked"
    session.refresh_from_db()
    assert session.booked == 2
    assert len(slow_hospital.live_bookings()) == 2


@pytest.mark.django_db(transaction=True)
def test_when_the_last_place_went_meanwhile_the_hospital_booking_is_cancelled_again(
    slow_hospital,
):
    session, first, _took, _waiting = _book_while_the_first_waits(capacity=1)
    assert first == "session_full"
    session.refresh_from_db()
    assert session.booked == 1
    (kept,) = Appointment.objects.filter(session=session)
    assert kept.patient.username == "race-patient-1"
    assert list(slow_hospital.live_bookings()) == [kept.provider_booking_id]
    assert [method for method, *_ in slow_hospital.requests] == ["POST", "POST", "DELETE"]


@pytest.mark.django_db(transaction=True)
def test_a_slow_hospital_system_holds_up_no_booking_while_a_cancel_waits_for_it(slow_hospital):
    """The hospital's system is asked to cancel outside any transaction, as for booking."""
    session = _session(capacity=5)
    Hospital.objects.filter(pk=session.department.hospital_id).update(provider="external")
    first, second = _patients(2)
    appointment = api.book(
        session, Acting.for_resident(first, first, channel="web"), idempotency_key="a", now=NOW
    )
    slow_hospital.hang_next(1, seconds=SLOW_ANSWER_S)
    outcome = {}

    def cancel_first():
        try:
            api.cancel(
                appointment,
                acting=Acting.for_resident(appointment.patient, first, channel="web"),
                now=NOW,
            )
            outcome["first"] = "cancelled"
        finally:
            connection.close()

    waiting = threading.Thread(target=cancel_first)
    waiting.start()
    time.sleep(0.5)  # the cancel is at the hospital by now, waiting for its answer
    started = time.monotonic()
    api.book(
        session, Acting.for_resident(second, second, channel="web"), idempotency_key="b", now=NOW
    )
    took = time.monotonic() - started
    first_still_waiting = waiting.is_alive()
    waiting.join(timeout=30)
    assert first_still_waiting and took < 1.5
    assert outcome == {"first": "cancelled"}
    session.refresh_from_db()
    assert session.booked == 1
