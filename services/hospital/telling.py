"""Telling people about their appointments: sending the words of :mod:`services.hospital.words`
through the outbox.

The confirmation after booking, the notice after cancelling, the reminder the day before
(:func:`send_reminders`, run on a schedule through ``services.hospital.api``), and the question
how it went after the visit. Each text is
made in its recipient's language and sent by their preferred medium.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from portal.accounts.roles import Role
from portal.notifications import api as notify
from portal.notifications.models import Purpose
from portal.ratings import api as ratings
from services.hospital.models import Appointment, Status
from services.hospital.words import (
    cancelled_text,
    confirmation_text,
    family_copy_text,
    rating_text,
    reminder_text,
)

logger = logging.getLogger(__name__)

# Reminders go the day before, only between these hours (Shanghai time): never at night.
REMINDER_HOURS = (9, 20)


def tell(appointment, text, *, purpose, recipient=None, related=None):
    """Send ``text()`` (made in the recipient's language) by their preferred medium.

    The patient by default. Someone without a phone is skipped (returns None).
    """
    return notify.send_to_resident(
        recipient or appointment.patient, text, purpose=purpose, related=related or appointment
    )


def tell_cancelled(appointment):
    """Tell the patient ``appointment`` is cancelled."""
    return tell(appointment, lambda: cancelled_text(appointment), purpose=Purpose.HOSPITAL)


def send_confirmation(appointment_id):
    """After commit: the confirmation to the patient, and a copy to a family member who booked."""
    appointment = (
        Appointment.objects.select_related("session__department__hospital", "patient", "booked_by")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return
    tell(appointment, lambda: confirmation_text(appointment), purpose=Purpose.HOSPITAL)
    booker = appointment.booked_by
    if appointment.acting_role == Role.FAMILY:
        tell(
            appointment,
            lambda: family_copy_text(appointment),
            purpose=Purpose.HOSPITAL,
            recipient=booker,
        )


def ask_how_it_went(appointment):
    """The patient was seen by the doctor: ask how booking and the visit went, by a text
    (reply 5 to 1, or the link) or by a call answered by key, as they prefer. Nothing for a
    patient without a phone or who rated it already on the slip."""
    from services.hospital.rating import rating_url

    if not appointment.patient.phone:
        return None
    return ratings.ask(
        appointment.patient,
        f"appointment:{appointment.pk}",
        lambda: rating_text(appointment, rating_url(appointment)),
        purpose=Purpose.HOSPITAL,
        related=appointment,
    )


def send_reminders(now=None):
    """Remind patients of tomorrow's appointments, once each; return how many were sent.

    See ``services.hospital.api.send_reminders``: daytime only, each appointment claimed with
    a conditional update on ``reminded_at`` first, a failure skips only that patient.
    """
    now = timezone.localtime(now or timezone.now())
    start, end = REMINDER_HOURS
    if not start <= now.hour < end:
        return 0
    tomorrow = now.date() + datetime.timedelta(days=1)
    due = list(
        Appointment.objects.filter(
            status=Status.BOOKED, reminded_at__isnull=True, session__date=tomorrow
        )
        .select_related("session__department__hospital", "patient")
        .order_by("pk")
    )
    sent = 0
    for appointment in due:
        claimed = Appointment.objects.filter(
            pk=appointment.pk, reminded_at__isnull=True, status=Status.BOOKED
        ).update(reminded_at=now)
        if not claimed:
            continue  # another run has it
        if not appointment.patient.phone:
            logger.info("hospital reminder skipped: appointment %s has no phone", appointment.pk)
            continue
        try:
            with transaction.atomic():
                message = tell(
                    appointment, lambda a=appointment: reminder_text(a), purpose=Purpose.REMINDER
                )
        except Exception:  # one bad row must not stop everybody else's reminder
            logger.exception("hospital reminder for appointment %s failed", appointment.pk)
            continue
        if message is not None:
            sent += 1
    return sent
