"""Reminders the day before: once per booked place, in daytime only, from the beat task."""

import pytest
from django.conf import settings

from portal.notifications.models import Message, Purpose
from services.learning import api
from services.learning.tasks import send_reminders
from tests.learning.conftest import NOW, by, local, said, texts_to

pytestmark = pytest.mark.django_db


def _reminders_to(person):
    """The reminders written to ``person``, in their language ("Reminder:" / "提醒：")."""
    word = (
        said(
            person,
            "Reminder: tomorrow %(when)s, %(topic)s at %(where)s. If you cannot "
            "come, please cancel so someone waiting can go.",
        )
        .split(":")[0]
        .split("：")[0]
    )
    return Message.objects.filter(recipient=person.phone, purpose=Purpose.REMINDER).filter(
        body__contains=word
    )


def test_the_task_is_on_beat():
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "learning.send_reminders" in tasks


def test_a_booked_place_is_reminded_once_the_day_before_in_daytime(at, make_session, make_resident):
    at(*NOW)  # Friday
    monday = make_session(capacity=1, starts=local(2026, 11, 23, 14, 0))
    tuesday = make_session(capacity=1, starts=local(2026, 11, 24, 14, 0))
    booked, waiting = make_resident(), make_resident()
    api.sign_up(by(booked), monday)
    api.sign_up(by(waiting), monday)
    api.sign_up(by(booked), tuesday)

    at(2026, 11, 22, 8, 59)  # Sunday, before daytime
    assert send_reminders() == 0
    at(2026, 11, 22, 10, 0)
    assert send_reminders() == 1
    at(2026, 11, 22, 10, 15)
    assert send_reminders() == 0
    assert _reminders_to(booked).count() == 1
    assert "14:00" in texts_to(booked)[-1] and "11月23日" in texts_to(booked)[-1]
    assert _reminders_to(waiting).count() == 0


def test_no_reminder_at_night(at, make_session, make_resident):
    at(*NOW)
    session = make_session(starts=local(2026, 11, 23, 9, 0))
    person = make_resident()
    api.sign_up(by(person), session)
    for hour in (20, 23):
        at(2026, 11, 22, hour, 30)
        assert api.send_reminders() == 0
    at(2026, 11, 23, 6, 0)  # the day itself: too late for "the day before"
    assert api.send_reminders() == 0
    assert _reminders_to(person).count() == 0


def test_a_cancelled_place_is_not_reminded(at, make_session, make_resident):
    at(*NOW)
    session = make_session(starts=local(2026, 11, 21, 14, 0))
    person = make_resident()
    place = api.sign_up(by(person), session)
    api.cancel(by(person), place)
    assert api.send_reminders() == 0
