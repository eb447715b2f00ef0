"""Cancelling: until the deadline the day before, the place goes back, only live ones."""

import pytest

from portal.acting import Acting
from portal.audit.models import AuditEntry
from services.hospital import api
from services.hospital.models import Status
from tests.hospital.conftest import MONDAY, book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(english):
    pass


def test_cancel_until_1759_the_day_before(patient, monday, at):
    appointment = book(monday, patient)
    at(2026, 11, 22, 17, 59)  # Sunday, the day before Monday's visit
    assert api.can_cancel(appointment)
    cancelled = api.cancel(
        appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web")
    )
    assert cancelled.status == Status.CANCELLED and cancelled.cancelled_at is not None
    monday.refresh_from_db()
    assert monday.booked == 0
    entry = AuditEntry.objects.get(resident=patient, action="cancelled_appointment")
    assert entry.details["appointment"] == appointment.pk


def test_no_cancelling_from_1800_the_day_before(patient, monday, at):
    appointment = book(monday, patient)
    at(2026, 11, 22, 18, 0)
    assert not api.can_cancel(appointment)
    with pytest.raises(api.CancelRefused) as refused:
        api.cancel(
            appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web")
        )
    assert refused.value.code == "cancel_deadline"
    assert "18:00" in str(refused.value) and "November 22" in str(refused.value)
    assert "021-6437 0045" in refused.value.what_instead
    appointment.refresh_from_db()
    monday.refresh_from_db()
    assert appointment.status == Status.BOOKED and monday.booked == 1
    assert not AuditEntry.objects.filter(resident=patient, action="cancelled_appointment").exists()


def test_the_deadline_hour_is_the_hospitals_rule(patient, monday, ruijin, at):
    appointment = book(monday, patient)
    ruijin.cancel_deadline_hour = 12
    ruijin.save()
    at(2026, 11, 22, 12, 0)
    with pytest.raises(api.CancelRefused):
        api.cancel(
            appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web")
        )


def test_cancel_gives_the_place_back_to_someone_else(patient, other_patient, make_session, clock):
    session = make_session(MONDAY, capacity=1)
    mine = book(session, patient)
    with pytest.raises(api.SessionFull):
        book(session, other_patient)
    api.cancel(mine, acting=Acting.for_resident(mine.patient, patient, channel="web"))
    theirs = book(session, other_patient)
    session.refresh_from_db()
    assert theirs.status == Status.BOOKED and session.booked == 1


def test_cancelling_twice_changes_nothing_the_second_time(patient, monday):
    appointment = book(monday, patient)
    api.cancel(appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web"))
    again = api.cancel(
        appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web")
    )
    assert again.status == Status.CANCELLED
    monday.refresh_from_db()
    assert monday.booked == 0
    assert AuditEntry.objects.filter(resident=patient, action="cancelled_appointment").count() == 1


def test_a_visit_already_checked_in_cannot_be_cancelled(patient, monday):
    appointment = book(monday, patient)
    assert api.move(appointment, Status.CHECKED_IN)
    with pytest.raises(api.CancelRefused) as refused:
        api.cancel(
            appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web")
        )
    assert refused.value.code == "not_live"
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN


def test_the_patient_is_told_it_is_cancelled(patient, monday, committed):
    from portal.notifications.models import Message, Purpose

    appointment = book(monday, patient)
    committed(
        api.cancel,
        appointment,
        acting=Acting.for_resident(appointment.patient, patient, channel="web"),
    )
    message = Message.objects.filter(recipient=patient.phone, purpose=Purpose.HOSPITAL).last()
    assert "is cancelled" in message.body and appointment.code in message.body
