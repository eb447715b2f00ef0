"""Telling people about their appointments: the texts, and sending them through the outbox.

The confirmation after booking, the notice after cancelling, and the reminder the day before
(:func:`send_reminders`, run on a schedule through ``services.hospital.api``). Each text is
made in its recipient's language and sent by their preferred medium.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from portal.accounts.roles import Role
from portal.notifications import api as notify
from portal.notifications.models import Purpose
from services.hospital.models import Appointment, Status

logger = logging.getLogger(__name__)

# Reminders go the day before, only between these hours (Shanghai time): never at night.
REMINDER_HOURS = (9, 20)


def day_words(day):
    """``day`` as messages say it, in the active language (month and day, no year)."""
    return date_format(day, "MONTH_DAY_FORMAT")


def tell(appointment, text, *, purpose, recipient=None, related=None):
    """Send ``text()`` (made in the recipient's language) by their preferred medium.

    The patient by default. Someone without a phone is skipped (returns None).
    """
    return notify.send_to_resident(
        recipient or appointment.patient, text, purpose=purpose, related=related or appointment
    )


def confirmation_text(appointment):
    """The confirmation, in the active language: code, where, when, what to bring. Short."""
    session = appointment.session
    hospital = session.department.hospital
    text = gettext(
        "Booked. Code %(code)s. %(hospital)s %(department)s, %(day)s %(start)s-%(end)s. "
        "%(address)s."
    ) % {
        "code": appointment.code,
        "hospital": hospital.display_name,
        "department": session.department.display_name,
        "day": day_words(session.date),
        "start": session.starts_at.strftime("%H:%M"),
        "end": session.ends_at.strftime("%H:%M"),
        "address": hospital.display_address,
    }
    if hospital.display_what_to_bring:
        text += " " + gettext("Bring %(things)s.") % {"things": hospital.display_what_to_bring}
    return text


def reminder_text(appointment):
    """The reminder the day before, in the active language. Short."""
    session = appointment.session
    hospital = session.department.hospital
    text = gettext(
        "Tomorrow %(start)s: %(hospital)s %(department)s. Code %(code)s. %(address)s."
    ) % {
        "code": appointment.code,
        "hospital": hospital.display_name,
        "department": session.department.display_name,
        "start": session.starts_at.strftime("%H:%M"),
        "address": hospital.display_address,
    }
    if hospital.display_what_to_bring:
        text += " " + gettext("Bring %(things)s.") % {"things": hospital.display_what_to_bring}
    return text


def cancelled_text(appointment):
    """The notice that ``appointment`` is cancelled, in the active language. Short."""
    return gettext("Your appointment %(code)s at %(hospital)s on %(day)s is cancelled.") % {
        "code": appointment.code,
        "hospital": appointment.session.department.hospital.display_name,
        "day": day_words(appointment.session.date),
    }


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
            lambda: confirmation_text(appointment),
            purpose=Purpose.HOSPITAL,
            recipient=booker,
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
