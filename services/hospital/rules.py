"""The hospital's booking rules: when places open, how many a patient may hold, suspension after
missed visits, and until when an appointment can be cancelled.

Every rule comes from the hospital's fields (``booking_days_ahead``, ``release_hour``,
``max_per_day``, ``max_per_week_per_department``, ``no_show_limit``, ``no_show_window_days``,
``suspension_days``, ``cancel_deadline_hour``). The checks raise a refusal from
``services.hospital.refusals`` and write nothing; ``services.hospital.api`` calls them.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.hospital.models import COUNTED_STATUSES, LIVE_STATUSES, Appointment, Status
from services.hospital.refusals import (
    CancelRefused,
    NoIdentity,
    NotOpenYet,
    QuotaReached,
    SessionClosed,
    Suspended,
    WindowClosed,
    already_booked,
    hotline_number,
)
from services.hospital.words import day_words


def local_now(now=None):
    """``now`` (default: this moment) in local (Shanghai) time."""
    return timezone.localtime(now or timezone.now())


def last_released_day(hospital, now=None):
    """The last date whose places are already released at ``now`` (Shanghai time).

    A day opens at ``release_hour`` on the day ``booking_days_ahead`` days before it.
    """
    now = local_now(now)
    ahead = hospital.booking_days_ahead
    if now.hour < hospital.release_hour:
        ahead -= 1
    return now.date() + datetime.timedelta(days=ahead)


def opens_at(hospital, day):
    """When places for ``day`` are released, as an aware datetime (Shanghai time)."""
    release_day = day - datetime.timedelta(days=hospital.booking_days_ahead)
    return timezone.make_aware(
        datetime.datetime.combine(release_day, datetime.time(hospital.release_hour))
    )


def live_in_session(session, patient):
    """The live appointment ``patient`` already holds in ``session``, or None."""
    return Appointment.objects.filter(
        session=session, patient=patient, status__in=LIVE_STATUSES
    ).first()


def check_rules(session, patient, identity, now):
    """Raise the first rule ``patient`` booking ``session`` at ``now`` breaks.

    ``identity`` is the patient's ``PatientIdentity`` (None if not known yet).
    """
    if identity is None:
        raise NoIdentity(
            _("We need the patient's real name and ID number before booking."),
            code="no_identity",
        )
    hospital = session.department.hospital
    if not hospital.active or not session.open:
        raise SessionClosed(_("This time cannot be booked: it is closed."), code="session_closed")
    if session.starts() <= now:
        raise WindowClosed(
            _("This time has already started, so it can no longer be booked."),
            code="window_closed",
        )
    if session.date > last_released_day(hospital, now):
        opening = timezone.localtime(opens_at(hospital, session.date))
        raise NotOpenYet(
            _("Places for %(day)s open on %(opens_day)s at %(opens_time)s.")
            % {
                "day": day_words(session.date),
                "opens_day": day_words(opening.date()),
                "opens_time": opening.strftime("%H:%M"),
            },
            code="not_open_yet",
        )
    held = live_in_session(session, patient)
    if held is not None:
        raise already_booked(held)
    until = suspended_until(patient, hospital, now=now)
    if until is not None:
        raise Suspended(
            _(
                "Online booking at this hospital is paused until %(until)s, because "
                "%(limit)s appointments were missed."
            )
            % {"until": day_words(until), "limit": hospital.no_show_limit},
            code="suspended",
        )
    check_quotas(session, patient, hospital)


def _counted(patient, hospital):
    return Appointment.objects.filter(
        patient=patient,
        status__in=COUNTED_STATUSES,
        session__department__hospital=hospital,
    )


def check_quotas(session, patient, hospital):
    """Raise :class:`QuotaReached` if one more appointment in ``session`` is over a limit."""
    on_the_day = _counted(patient, hospital).filter(session__date=session.date).count()
    if on_the_day >= hospital.max_per_day:
        raise QuotaReached(
            _("You can have at most %(limit)s appointments a day at this hospital.")
            % {"limit": hospital.max_per_day},
            code="quota_day",
        )
    # At most max_per_week_per_department in any 7 days in a row: check every 7-day span
    # that would hold the new day.
    span = datetime.timedelta(days=6)
    days = list(
        _counted(patient, hospital)
        .filter(
            session__department=session.department,
            session__date__gte=session.date - span,
            session__date__lte=session.date + span,
        )
        .values_list("session__date", flat=True)
    )
    for offset in range(7):
        start = session.date - datetime.timedelta(days=offset)
        if sum(1 for day in days if start <= day <= start + span) >= (
            hospital.max_per_week_per_department
        ):
            raise QuotaReached(
                _("You can have at most %(limit)s appointments in 7 days in the same department.")
                % {"limit": hospital.max_per_week_per_department},
                code="quota_week",
                instead=_(
                    "Choose a day later on, cancel one you no longer need, or call %(hotline)s."
                ),
            )


def suspended_until(patient, hospital, *, now=None):
    """The date ``patient`` may book online at ``hospital`` again, or None if not suspended.

    ``no_show_limit`` missed visits within ``no_show_window_days`` suspend booking for
    ``suspension_days`` from the last of them. A missed visit counts against the patient
    whoever booked it.
    """
    today = local_now(now).date()
    if hospital.suspension_days == 0:
        return None
    lookback = datetime.timedelta(days=hospital.no_show_window_days + hospital.suspension_days)
    misses = sorted(
        Appointment.objects.filter(
            patient=patient,
            status=Status.MISSED,
            session__department__hospital=hospital,
            session__date__gte=today - lookback,
        ).values_list("session__date", flat=True)
    )
    limit, window = hospital.no_show_limit, datetime.timedelta(days=hospital.no_show_window_days)
    until = None
    for last in range(limit - 1, len(misses)):
        if misses[last] - misses[last - limit + 1] < window:
            end = misses[last] + datetime.timedelta(days=hospital.suspension_days)
            until = end if until is None else max(until, end)
    return until if until is not None and today < until else None


def cancel_deadline(appointment_or_session):
    """The moment cancelling closes: ``cancel_deadline_hour`` on the day before the visit."""
    session = getattr(appointment_or_session, "session", appointment_or_session)
    hospital = session.department.hospital
    day_before = session.date - datetime.timedelta(days=1)
    return timezone.make_aware(
        datetime.datetime.combine(day_before, datetime.time(hospital.cancel_deadline_hour))
    )


def can_cancel(appointment, *, now=None):
    """True if ``appointment`` is booked and its cancel deadline has not come yet."""
    return appointment.status == Status.BOOKED and local_now(now) < cancel_deadline(appointment)


def check_cancel(appointment, now):
    """Raise :class:`CancelRefused` if ``appointment`` cannot be cancelled at ``now``.

    Not when it is no longer live, nor after the deadline (:func:`cancel_deadline`). The
    refusal gives the hospital's phone number (or the hotline's) to call instead.
    """
    hospital = appointment.session.department.hospital
    phone = hospital.phone or hotline_number()
    if appointment.status != Status.BOOKED:
        raise CancelRefused(
            _("This appointment can no longer be cancelled: it is %(status)s.")
            % {"status": Status(appointment.status).label.lower()},
            code="not_live",
            appointment=appointment,
            phone=phone,
        )
    if now >= cancel_deadline(appointment):
        raise CancelRefused(
            _("Cancelling closed at %(time)s on %(day)s, the day before the visit.")
            % {
                "time": f"{hospital.cancel_deadline_hour:02d}:00",
                "day": day_words(appointment.session.date - datetime.timedelta(days=1)),
            },
            code="cancel_deadline",
            appointment=appointment,
            phone=phone,
        )
