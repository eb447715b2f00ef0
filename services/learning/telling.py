"""Telling residents about their places: the words of :mod:`services.learning.words` sent
through the outbox, in the resident's language, by their preferred medium.

Each text is written in the same transaction as what it tells (signing up, moving up,
cancelling), so it exists exactly when that happened. The reminders the day before run on a
schedule (:func:`send_reminders`).
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from portal.notifications import api as notify
from portal.notifications.models import Purpose
from services.learning import words
from services.learning.models import Place, State

logger = logging.getLogger(__name__)

# Reminders go the day before, only between these hours (Shanghai time): never at night.
REMINDER_HOURS = (9, 20)
# The outbox has no purpose of its own for learning yet: these are reminders and notices
# about a booked activity, quiet hours apply, none is urgent.
PURPOSE = Purpose.REMINDER


def tell(place, text):
    """Send ``text()`` to the place's resident; None when they have no phone."""
    return notify.send_to_resident(place.resident, text, purpose=PURPOSE, related=place)


def tell_signed_up(place, number_in_line):
    if place.state == State.BOOKED:
        return tell(place, lambda: words.booked_text(place))
    return tell(place, lambda: words.waiting_text(place, number_in_line))


def tell_moved_up(place):
    return tell(place, lambda: words.moved_up_text(place))


def tell_cancelled(place):
    return tell(place, lambda: words.cancelled_text(place))


def send_reminders(now=None):
    """Remind residents with a booked place of tomorrow's sessions, once each; return how many.

    Daytime only (:data:`REMINDER_HOURS`); each place is claimed with a conditional update on
    ``reminded_at`` first, so two runs at once send one reminder; a failure skips only that
    resident.
    """
    now = timezone.localtime(now or timezone.now())
    start, end = REMINDER_HOURS
    if not start <= now.hour < end:
        return 0
    tomorrow = now.date() + datetime.timedelta(days=1)
    day_starts = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
    day_ends = day_starts + datetime.timedelta(days=1)
    due = list(
        Place.objects.filter(
            state=State.BOOKED,
            reminded_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__starts_at__gte=day_starts,
            session__starts_at__lt=day_ends,
        )
        .select_related("session__centre", "resident")
        .order_by("pk")
    )
    sent = 0
    for place in due:
        claimed = Place.objects.filter(
            pk=place.pk, reminded_at__isnull=True, state=State.BOOKED
        ).update(reminded_at=now)
        if not claimed:
            continue  # another run has it, or it was cancelled meanwhile
        try:
            with transaction.atomic():
                message = tell(place, lambda p=place: words.reminder_text(p))
        except Exception:  # one bad row must not stop everybody else's reminder
            logger.exception("learning reminder for place %s failed", place.pk)
            continue
        if message is not None:
            sent += 1
    return sent
