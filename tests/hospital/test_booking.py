"""Booking: every rule at its edge (frozen time), idempotency, one place per patient and session."""

import datetime
from itertools import count

import pytest

from portal.acting import Acting
from portal.audit.models import AuditEntry
from services.hospital import api
from services.hospital.models import Appointment, Session, Status
from tests.hospital.conftest import MONDAY, TUESDAY, book

pytestmark = pytest.mark.django_db
_codes = count(90000000)


@pytest.fixture(autouse=True)
def _in_english(english):
    pass


FRIDAY_NEXT = datetime.date(2026, 11, 27)  # 7 days after Friday 20 November
SATURDAY_NEXT = datetime.date(2026, 11, 28)


def _nothing_written(patient, session):
    session.refresh_from_db()
    assert session.booked == 0
    assert not Appointment.objects.filter(patient=patient).exists()
    assert not AuditEntry.objects.filter(resident=patient, action="booked_appointment").exists()


def test_booking_takes_a_place_and_gives_an_8_digit_code(patient, monday):
    appointment = book(monday, patient)
    monday.refresh_from_db()
    assert monday.booked == 1
    assert monday.free_places == 4
    assert appointment.status == Status.BOOKED
    assert len(appointment.code) == 8 and appointment.code.isdigit()
    assert appointment.patient_name_masked == "王*华"
    assert appointment.patient_id_masked == "3101**********123" + appointment.patient_id_masked[-1]
    assert appointment.booked_by == patient and appointment.consent is None
    assert appointment.provider == "builtin" and appointment.provider_booking_id == ""
    entry = AuditEntry.objects.get(resident=patient, action="booked_appointment")
    assert entry.details["appointment"] == appointment.pk
    assert entry.actor == patient and entry.consent is None


def test_codes_are_unique(patient, other_patient, make_session, clock):
    codes = {
        book(make_session(MONDAY, "morning"), patient).code,
        book(make_session(MONDAY, "afternoon"), patient).code,
        book(make_session(TUESDAY, "morning"), other_patient).code,
    }
    assert len(codes) == 3


# --- release hour and booking window ---------------------------------------------------------


def test_a_new_day_opens_at_the_release_hour_not_a_minute_before(patient, make_session, at):
    at(2026, 11, 20, 7, 59)
    session = make_session(FRIDAY_NEXT)
    with pytest.raises(api.NotOpenYet) as refused:
        book(session, patient)
    assert refused.value.code == "not_open_yet"
    assert "08:00" in str(refused.value) and "November 20" in str(refused.value)
    assert "962 200" in refused.value.what_instead
    _nothing_written(patient, session)
    assert session not in api.free_sessions(session.department)

    at(2026, 11, 20, 8, 0)
    assert api.free_sessions(session.department) == [session]
    assert book(session, patient).status == Status.BOOKED


def test_the_booking_window_ends_booking_days_ahead(patient, make_session, clock):
    last = make_session(FRIDAY_NEXT)
    beyond = make_session(SATURDAY_NEXT)
    assert api.free_days(last.department) == [FRIDAY_NEXT]
    with pytest.raises(api.NotOpenYet):
        book(beyond, patient)
    _nothing_written(patient, beyond)
    assert book(last, patient).session == last


def test_the_window_follows_the_hospitals_own_rule(patient, make_session, clock, ruijin):
    ruijin.booking_days_ahead = 8
    ruijin.save()
    assert book(make_session(SATURDAY_NEXT), patient).status == Status.BOOKED


def test_a_session_that_has_started_cannot_be_booked(patient, make_session, at):
    at(2026, 11, 23, 7, 59)
    session = make_session(MONDAY)
    api.check_booking(session, Acting.for_resident(patient, patient, channel="web"))
    at(2026, 11, 23, 8, 0)
    with pytest.raises(api.WindowClosed) as refused:
        book(session, patient)
    assert "already started" in str(refused.value)
    assert session not in api.free_sessions(session.department)
    _nothing_written(patient, session)


def test_a_closed_session_or_hospital_is_refused(patient, monday, ruijin):
    monday.open = False
    monday.save()
    with pytest.raises(api.SessionClosed):
        book(monday, patient)
    monday.open = True
    monday.save()
    ruijin.active = False
    ruijin.save()
    with pytest.raises(api.SessionClosed):
        book(monday, patient)
    assert api.free_days(monday.department) == []
    _nothing_written(patient, monday)


def test_a_full_session_is_refused_and_not_offered(patient, other_patient, make_session, clock):
    session = make_session(MONDAY, capacity=1)
    book(session, other_patient)
    assert api.free_sessions(session.department) == []
    with pytest.raises(api.SessionFull) as refused:
        api.check_booking(session, Acting.for_resident(patient, patient, channel="web"))
    with pytest.raises(api.SessionFull):
        book(session, patient)
    assert "fully booked" in str(refused.value)
    assert "962 200" in refused.value.what_instead
    session.refresh_from_db()
    assert session.booked == 1
    assert not Appointment.objects.filter(patient=patient).exists()


# --- quotas ----------------------------------------------------------------------------------


def test_at_most_two_a_day_at_the_hospital(patient, make_session, eyes, clock):
    book(make_session(MONDAY, "morning"), patient)
    second = book(make_session(MONDAY, "afternoon"), patient)
    third = make_session(MONDAY, "morning", department=eyes)
    with pytest.raises(api.QuotaReached) as refused:
        book(third, patient)
    assert refused.value.code == "quota_day"
    assert "at most 2 appointments a day" in str(refused.value)
    assert refused.value.what_instead
    third.refresh_from_db()
    assert third.booked == 0
    # A cancelled one gives its turn back.
    api.cancel(second, acting=Acting.for_resident(second.patient, patient, channel="web"))
    assert book(third, patient).status == Status.BOOKED


def test_another_day_is_a_new_count(patient, make_session, clock):
    book(make_session(MONDAY, "morning"), patient)
    book(make_session(MONDAY, "afternoon"), patient)
    assert book(make_session(TUESDAY), patient).status == Status.BOOKED


def test_at_most_three_in_any_seven_days_in_one_department(patient, make_session, eyes, at, clock):
    days = [datetime.date(2026, 11, d) for d in (23, 24, 25)]
    for day in days:
        book(make_session(day), patient)
    thursday = make_session(datetime.date(2026, 11, 26))
    with pytest.raises(api.QuotaReached) as refused:
        book(thursday, patient)
    assert refused.value.code == "quota_week"
    assert "at most 3 appointments in 7 days" in str(refused.value)
    # Another department is another count.
    assert book(make_session(datetime.date(2026, 11, 26), department=eyes), patient)

    at(2026, 11, 23, 12, 0)  # Sunday 29 is the 7th day from Monday 23; Monday 30 the 8th
    sunday = make_session(datetime.date(2026, 11, 29))
    with pytest.raises(api.QuotaReached):
        book(sunday, patient)
    monday_after = make_session(datetime.date(2026, 11, 30))
    assert book(monday_after, patient).status == Status.BOOKED


# --- suspension after missed visits ----------------------------------------------------------


def _missed(patient, make_session, day, *, booked_by=None):
    session = make_session(day, capacity=5)
    return Appointment.objects.create(
        session=session,
        patient=patient,
        patient_name_masked="王*华",
        patient_id_masked="3101**********1234",
        booked_by=booked_by or patient,
        channel="volunteer" if booked_by else "web",
        status=Status.MISSED,
        code=str(next(_codes)),
        idempotency_key=f"missed-{session.pk}",
    )


def test_three_missed_visits_suspend_booking_for_90_days_from_the_last(
    patient, make_session, volunteer, at
):
    # Missed visits count against the patient even when a volunteer booked them.
    for day in (datetime.date(2026, 10, 1), datetime.date(2026, 10, 15)):
        _missed(patient, make_session, day, booked_by=volunteer)
    last = datetime.date(2026, 11, 2)
    _missed(patient, make_session, last)

    at(2027, 1, 30, 23, 59)  # 2 November + 90 days = 31 January
    session = make_session(datetime.date(2027, 2, 1))
    with pytest.raises(api.Suspended) as refused:
        book(session, patient)
    assert refused.value.code == "suspended"
    assert "January 31" in str(refused.value) and "3 appointments were missed" in str(refused.value)
    assert "registration counter" in refused.value.what_instead
    assert api.suspended_until(patient, session.department.hospital) == datetime.date(2027, 1, 31)
    session.refresh_from_db()
    assert session.booked == 0

    at(2027, 1, 31, 0, 0)
    assert api.suspended_until(patient, session.department.hospital) is None
    assert book(session, patient).status == Status.BOOKED


def test_two_missed_visits_or_misses_far_apart_do_not_suspend(patient, make_session, at):
    for day in (datetime.date(2026, 1, 5), datetime.date(2026, 5, 4), datetime.date(2026, 11, 2)):
        _missed(patient, make_session, day)
    at(2026, 11, 20, 9, 0)
    assert book(make_session(MONDAY), patient).status == Status.BOOKED


def test_the_third_miss_must_fall_inside_the_window(patient, make_session, at):
    # 1 August to 30 October is 90 days: outside a 90-day window by one day.
    for day in (datetime.date(2026, 8, 1), datetime.date(2026, 9, 1), datetime.date(2026, 10, 30)):
        _missed(patient, make_session, day)
    at(2026, 11, 20, 9, 0)
    assert api.suspended_until(patient, make_session(MONDAY).department.hospital) is None
    _missed(patient, make_session, datetime.date(2026, 10, 29))
    assert api.suspended_until(
        patient, Session.objects.first().department.hospital
    ) == datetime.date(2027, 1, 28)


# --- the patient's identity, idempotency, one place per session -----------------------------


def test_no_identity_is_refused_with_what_to_do(neighbour, monday):
    with pytest.raises(api.NoIdentity) as refused:
        book(monday, neighbour)
    assert "real name and ID number" in str(refused.value)
    assert "counter" in refused.value.what_instead
    _nothing_written(neighbour, monday)


def test_a_double_tap_books_once(patient, monday):
    first = book(monday, patient, key="same-tap")
    again = book(monday, patient, key="same-tap")
    assert again.pk == first.pk
    monday.refresh_from_db()
    assert monday.booked == 1
    assert Appointment.objects.filter(patient=patient).count() == 1
    assert AuditEntry.objects.filter(resident=patient, action="booked_appointment").count() == 1


def test_a_tap_key_used_for_someone_else_is_refused(patient, other_patient, monday):
    book(monday, patient, key="shared")
    with pytest.raises(api.TapKeyTaken):
        book(monday, other_patient, key="shared")


def test_one_patient_holds_one_place_in_a_session(patient, monday):
    first = book(monday, patient)
    with pytest.raises(api.AlreadyBooked) as refused:
        book(monday, patient)
    assert refused.value.appointment == first
    assert "My appointments" in refused.value.what_instead
    monday.refresh_from_db()
    assert monday.booked == 1
    # After cancelling, the same session can be booked again.
    api.cancel(first, acting=Acting.for_resident(first.patient, patient, channel="web"))
    assert book(monday, patient).pk != first.pk


def test_the_database_refuses_a_second_live_place_too(patient, monday):
    from django.db import IntegrityError, transaction

    first = book(monday, patient)
    duplicate = Appointment(
        session=monday,
        patient=patient,
        booked_by=patient,
        channel="web",
        code="00000001",
        idempotency_key="direct",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Appointment.objects.filter(session=monday, patient=patient).get() == first


def test_the_database_refuses_more_places_than_capacity(monday):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=monday.pk).update(booked=6)


def test_an_edit_saved_from_an_older_copy_keeps_the_places_taken(patient, monday):
    opened_by_editor = Session.objects.get(pk=monday.pk)  # the form, before anyone booked
    book(monday, patient)
    opened_by_editor.capacity = 8
    opened_by_editor.save()
    monday.refresh_from_db()
    assert (monday.capacity, monday.booked) == (8, 1)
