"""An appointment's status only moves forward."""

import pytest

from portal.acting import Acting
from services.hospital import api
from services.hospital.models import Status, may_move
from tests.hospital.conftest import book

pytestmark = pytest.mark.django_db


def test_the_allowed_moves_are_forward_only():
    assert may_move(Status.BOOKED, Status.CHECKED_IN)
    assert may_move(Status.BOOKED, Status.CANCELLED)
    assert may_move(Status.BOOKED, Status.MISSED)
    assert may_move(Status.CHECKED_IN, Status.COMPLETED)
    for final in (Status.COMPLETED, Status.CANCELLED, Status.MISSED):
        assert not any(may_move(final, other) for other in Status)
    assert not may_move(Status.CHECKED_IN, Status.BOOKED)
    assert not may_move(Status.CHECKED_IN, Status.CANCELLED)
    assert not may_move(Status.BOOKED, Status.BOOKED)


def test_check_in_then_seen_and_never_back(patient, monday):
    appointment = book(monday, patient)
    assert api.move(appointment, Status.CHECKED_IN)
    monday.refresh_from_db()
    assert monday.booked == 1  # still a live appointment
    assert api.move(appointment, Status.COMPLETED)
    monday.refresh_from_db()
    assert monday.booked == 0  # no longer live
    assert not api.move(appointment, Status.CHECKED_IN)
    assert not api.move(appointment, Status.MISSED)
    appointment.refresh_from_db()
    assert appointment.status == Status.COMPLETED


def test_a_cancelled_one_stays_cancelled(patient, monday):
    appointment = book(monday, patient)
    api.cancel(appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web"))
    assert not api.move(appointment, Status.CHECKED_IN)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    with pytest.raises(ValueError):
        api.move(appointment, Status.CANCELLED)


def test_a_stale_copy_cannot_move_it_back(patient, monday):
    appointment = book(monday, patient)
    stale = type(appointment).objects.get(pk=appointment.pk)
    assert api.move(appointment, Status.MISSED)
    assert not api.move(stale, Status.CHECKED_IN)
    stale.refresh_from_db()
    assert stale.status == Status.MISSED
