"""What patients are told: the confirmation, the reminder the day before (once, in daytime),
and visits not attended marked missed."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from portal.acting import Acting
from portal.notifications.models import Message, Purpose
from services.hospital import api, tasks
from services.hospital.models import Appointment, Status
from tests.hospital.conftest import MONDAY, book

pytestmark = pytest.mark.django_db


def _messages(person, purpose):
    return list(Message.objects.filter(recipient=person.phone, purpose=purpose).order_by("id"))


def test_the_confirmation_says_code_place_time_address_and_what_to_bring(
    patient, make_session, doctor, clock, committed
):
    session = make_session(MONDAY, doctor=doctor)
    appointment = committed(book, session, patient)
    (message,) = _messages(patient, Purpose.HOSPITAL)
    for words in (
        appointment.code,
        "Ruijin Hospital",
        "Internal medicine",
        "November 23",
        "08:00-11:30",
        "197 Ruijin Road No. 2",
        "ID card, medical insurance card",
    ):
        assert words in message.body
    assert message.medium == "sms" and message.language == "en"


def test_the_chinese_confirmation_is_short(resident, monday, committed, chinese):
    chinese(
        "Booked. Code %(code)s. %(hospital)s %(department)s, %(day)s %(start)s-%(end)s. "
        "%(address)s.",
        "挂号成功，识别码%(code)s。%(hospital)s%(department)s，%(day)s %(start)s-%(end)s。"
        "%(address)s。",
    )
    chinese("Bring %(things)s.", "请带%(things)s。")
    api.save_identity(Acting.by_resident(resident), "王秀英", "11010519491231002X")
    appointment = committed(book, monday, resident)
    (message,) = _messages(resident, Purpose.HOSPITAL)
    assert f"识别码{appointment.code}" in message.body
    assert "瑞金医院内科" in message.body and "11月23日" in message.body
    assert "请带身份证、医保卡" in message.body
    assert len(message.body) <= 70 * 2  # at most two SMS segments


def test_a_resident_who_prefers_calls_gets_a_call(patient, monday, committed):
    patient.notify_by = "voice"
    patient.save(update_fields=["notify_by"])
    committed(book, monday, patient)
    (message,) = _messages(patient, Purpose.HOSPITAL)
    assert message.medium == "voice"


def test_nothing_is_sent_when_booking_is_refused(patient, make_session, clock, committed):
    session = make_session(MONDAY, capacity=0)
    with pytest.raises(api.SessionFull):
        committed(book, session, patient)
    assert not Message.objects.filter(purpose=Purpose.HOSPITAL).exists()


# --- reminders -------------------------------------------------------------------------------


@pytest.fixture
def no_phone(db):
    """Someone without a phone number on file (booked at a counter long ago)."""
    person = get_user_model().objects.create(username="no-phone-patient")
    api.save_identity(Acting.by_resident(person), "赵大明", "11010519491231002X")
    return person


def test_reminders_go_once_the_day_before_in_daytime(patient, monday, at):
    appointment = book(monday, patient)
    at(2026, 11, 22, 8, 59)  # Sunday, too early
    assert api.send_reminders() == 0
    at(2026, 11, 22, 20, 0)  # too late
    assert api.send_reminders() == 0
    assert _messages(patient, Purpose.REMINDER) == []

    at(2026, 11, 22, 9, 0)
    assert api.send_reminders() == 1
    assert api.send_reminders() == 0  # a second run sends nothing
    at(2026, 11, 22, 19, 45)
    assert api.send_reminders() == 0
    (reminder,) = _messages(patient, Purpose.REMINDER)
    assert "Tomorrow 08:00" in reminder.body and appointment.code in reminder.body
    assert "Ruijin Hospital" in reminder.body and "ID card" in reminder.body
    appointment.refresh_from_db()
    assert appointment.reminded_at is not None


def test_a_claimed_reminder_is_not_sent_again(patient, monday, at):
    appointment = book(monday, patient)
    at(2026, 11, 22, 10, 0)
    # Another run claimed it a moment ago.
    Appointment.objects.filter(pk=appointment.pk).update(
        reminded_at=datetime.datetime(2026, 11, 22, 1, 59, tzinfo=datetime.UTC)
    )
    assert api.send_reminders() == 0
    assert _messages(patient, Purpose.REMINDER) == []


def test_a_patient_without_a_phone_is_skipped_and_the_others_still_get_theirs(
    patient, other_patient, no_phone, make_session, at
):
    at(2026, 11, 20, 9, 0)
    session = make_session(MONDAY)
    first = book(session, patient)
    skipped = book(session, no_phone)
    last = book(session, other_patient)
    assert first.pk < skipped.pk < last.pk  # the one without a phone is in the middle
    at(2026, 11, 22, 9, 30)
    assert tasks.send_reminders.delay().get() == 2
    assert len(_messages(patient, Purpose.REMINDER)) == 1
    assert len(_messages(other_patient, Purpose.REMINDER)) == 1
    skipped.refresh_from_db()
    assert skipped.reminded_at is not None  # tried once, not every 15 minutes


def test_cancelled_visits_and_other_days_get_no_reminder(patient, make_session, at):
    at(2026, 11, 20, 9, 0)
    monday = book(make_session(MONDAY), patient)
    tuesday = book(make_session(datetime.date(2026, 11, 24)), patient)
    api.cancel(monday, acting=Acting.for_resident(monday.patient, patient, channel="web"))
    at(2026, 11, 22, 9, 0)
    assert api.send_reminders() == 0
    at(2026, 11, 23, 9, 0)
    assert api.send_reminders() == 1
    tuesday.refresh_from_db()
    assert tuesday.reminded_at is not None


# --- missed visits ---------------------------------------------------------------------------


def test_visits_still_booked_when_the_session_ends_are_marked_missed(
    patient, other_patient, monday, at
):
    missed = book(monday, patient)
    came = book(monday, other_patient)
    api.move(came, Status.CHECKED_IN)
    at(2026, 11, 23, 11, 29)
    assert api.mark_missed() == 0
    at(2026, 11, 23, 11, 30)
    assert tasks.mark_missed.delay().get() == 1
    missed.refresh_from_db()
    came.refresh_from_db()
    monday.refresh_from_db()
    assert missed.status == Status.MISSED and came.status == Status.CHECKED_IN
    assert monday.booked == 1  # only the live one
    assert api.mark_missed() == 0


def test_missed_visits_lead_to_a_suspension(patient, make_session, ruijin, at, english):
    ruijin.no_show_limit = 2
    ruijin.save()
    at(2026, 11, 20, 9, 0)
    book(make_session(MONDAY), patient)
    book(make_session(datetime.date(2026, 11, 24)), patient)
    at(2026, 11, 24, 12, 0)
    assert api.mark_missed() == 2
    with pytest.raises(api.Suspended):
        book(make_session(datetime.date(2026, 11, 26)), patient)
