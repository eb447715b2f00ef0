"""Hospital booking API: the one entry every channel (web, phone, volunteer, counter) uses.

- :func:`hospitals_for`, :func:`departments`, :func:`free_days`, :func:`free_sessions` find a
  place; :func:`identity_of` and :func:`save_identity` keep the patient's real name and ID
  number (masked);
- :func:`check_booking` says whether booking would work now; :func:`book` books,
  :func:`cancel` cancels; :func:`appointments_for` and :func:`slip` read them back;
- :func:`send_reminders` and :func:`mark_missed` run on a schedule (Celery beat).

Every rule comes from the hospital's fields (booking window, release hour, quotas, no-show
suspension, cancel deadline). A refusal is a :class:`BookingRefused`: ``str()`` says why in
plain words, ``what_instead`` says what to do instead (call the hotline, ask a volunteer, go to
the counter). Two people never get the same place: a session's count only goes up under a
conditional update (``booked < capacity``), inside the booking's transaction.
"""

import datetime
import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit import api as audit
from portal.audit.models import Channel
from portal.consent.api import (  # noqa: F401  (ConsentRequired is re-exported)
    ConsentRequired,
    require_consent,
    valid_consent,
)
from portal.consent.models import Scope
from portal.notifications import api as notify
from portal.notifications.models import Purpose
from services.hospital import identity as ids
from services.hospital.models import (
    COUNTED_STATUSES,
    LIVE_STATUSES,
    Appointment,
    Department,
    Hospital,
    PatientIdentity,
    Period,
    Session,
    Status,
    may_move,
)
from services.hospital.providers.base import ProviderError, ProviderFull, get_provider

logger = logging.getLogger(__name__)

# The one-key service line, when the content team has not entered a hotline yet.
FALLBACK_HOTLINE = "962200"
# Reminders go the day before, only between these hours (Shanghai time): never at night.
REMINDER_HOURS = (9, 20)
# Tries at a fresh random confirmation code before giving up (10^8 codes: one try is enough).
CODE_TRIES = 8


# ---------------------------------------------------------------------------------------------
# Refusals


def hotline_number(language=None):
    """The service line's number for ``language`` (default: the active one), to say or dial."""
    from content.models import Hotline

    language = language or translation.get_language() or "zh-hans"
    hotline = Hotline.objects.filter(locale__language_code=language).first()
    if hotline is None:
        hotline = Hotline.objects.first()
    return hotline.number if hotline and hotline.number else FALLBACK_HOTLINE


class BookingRefused(ValidationError):
    """Booking (or cancelling) was refused; nothing was written.

    ``str()`` is the reason in plain words; ``code`` names the case for views; ``what_instead``
    is one plain sentence saying what to do instead; ``appointment`` is the appointment
    concerned, if any (for :class:`AlreadyBooked`, the one already held).
    """

    instead = _("Call %(hotline)s and a person will help you, or ask a volunteer.")

    def __init__(self, message, code, *, instead=None, appointment=None, **values):
        super().__init__(message, code=code)
        self.appointment = appointment
        self._instead = instead if instead is not None else self.instead
        self._values = values

    def __str__(self):
        return str(self.message)

    @property
    def what_instead(self):
        """What to do instead, in the active language, with the hotline number filled in."""
        values = {"hotline": hotline_number(), **self._values}
        return str(self._instead) % values


class NoIdentity(BookingRefused):
    """The patient's real name and ID number are not known yet."""

    instead = _(
        "Add the patient's real name and ID number first, or go to a community centre counter "
        "and staff will help you."
    )


class SessionClosed(BookingRefused):
    """The hospital or this session is closed for booking."""

    instead = _("Choose another time, or call %(hotline)s and a person will help you.")


class NotOpenYet(BookingRefused):
    """That day's places are not released yet (release hour, booking window)."""

    instead = _("Come back then, or ask a volunteer or call %(hotline)s to book it for you.")


class WindowClosed(BookingRefused):
    """The session has started or is over."""

    instead = _("Choose another day, or call %(hotline)s and a person will help you.")


class SessionFull(BookingRefused):
    """No place is left in the session."""

    instead = _("Choose another time, or call %(hotline)s: we can look for a place with you.")


class AlreadyBooked(BookingRefused):
    """The patient already holds a place in this session (``.appointment``)."""

    instead = _("You can see it under My appointments. Nothing else is needed.")


class QuotaReached(BookingRefused):
    """The patient reached the hospital's limit for a day or for a week in a department."""

    instead = _("Choose another day, or cancel an appointment you no longer need.")


class Suspended(BookingRefused):
    """Booking is suspended after too many missed visits."""

    instead = _(
        "Until then, book at the hospital's registration counter, or call %(hotline)s for advice."
    )


class ProviderUnavailable(BookingRefused):
    """The hospital's own booking system could not be reached; nothing was booked."""

    instead = _("Try again in a few minutes, or call %(hotline)s and a person will help you.")


class CancelRefused(BookingRefused):
    """The appointment cannot be cancelled (after the deadline, or no longer live)."""

    instead = _("If you cannot go, call the hospital on %(phone)s, or call %(hotline)s.")


# ---------------------------------------------------------------------------------------------
# Finding a place


def _now(now):
    return timezone.localtime(now or timezone.now())


def hospitals_for(user):
    """Active hospitals for ``user`` to choose from, as a list.

    The one the user used last (as patient or as the one who booked) comes first, then the
    rest by district, then name.
    """
    hospitals = list(Hospital.objects.filter(active=True).order_by("district", "name", "pk"))
    last = last_used_hospital(user)
    return sorted(hospitals, key=lambda hospital: hospital != last)


def last_used_hospital(user):
    """The active hospital ``user`` booked at last (as patient or as the one who booked), or None.

    A hospital closed since does not count: the one used before it is "the last one" then.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    last = (
        Appointment.objects.filter(Q(patient=user) | Q(booked_by=user))
        .filter(session__department__hospital__active=True)
        .order_by("-created_at", "-pk")
        .values_list("session__department__hospital_id", flat=True)
        .first()
    )
    return Hospital.objects.filter(pk=last).first() if last is not None else None


def departments(hospital):
    """``hospital``'s departments, in the order the editors set."""
    return Department.objects.filter(hospital=hospital).order_by("sort_order", "name", "pk")


def last_released_day(hospital, now=None):
    """The last date whose places are already released at ``now`` (Shanghai time).

    A day opens at ``release_hour`` on the day ``booking_days_ahead`` days before it.
    """
    now = _now(now)
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


def _bookable(department, now):
    """Sessions of ``department`` open, released, not started yet and not full, at ``now``."""
    hospital = department.hospital
    today = now.date()
    if not hospital.active:
        return Session.objects.none()
    return (
        Session.objects.filter(
            department=department,
            open=True,
            date__gte=today,
            date__lte=last_released_day(hospital, now),
            booked__lt=F("capacity"),
        )
        .exclude(date=today, starts_at__lte=now.time())
        .select_related("department__hospital", "doctor")
        .order_by("date", "starts_at", "pk")
    )


def free_days(department, *, now=None):
    """The days (``datetime.date``, earliest first) with a place ``department`` can book now.

    Only days inside the booking window and already released by the release hour count.
    """
    days = _bookable(department, _now(now)).values_list("date", flat=True)
    return sorted(set(days))


def free_sessions(department, day=None, *, now=None):
    """``department``'s sessions with a free place that can be booked now, earliest first.

    With ``day``, only that day's.
    """
    sessions = _bookable(department, _now(now))
    if day is not None:
        sessions = sessions.filter(date=day)
    return list(sessions)


# ---------------------------------------------------------------------------------------------
# Identity


def identity_of(user):
    """``user``'s :class:`~services.hospital.models.PatientIdentity`, or None."""
    if user is None or user.pk is None:
        return None
    return PatientIdentity.objects.filter(user=user).first()


def save_identity(user, real_name, id_number, *, acting_user=None, channel=Channel.WEB):
    """Check and keep ``user``'s real name and 18-character ID number; return the identity.

    Raises ``ValidationError`` (a translated message) for a name or number that cannot be
    right, changing nothing. Only the masked forms (``王*华``, ``3101**********1234``) and a
    keyed hash of the number are stored; the full number is never kept. ``acting_user``
    (default: ``user`` themselves) acting for someone else needs their hospital consent
    (raises ``ConsentRequired``, nothing written). Writes a ``saved_identity`` audit entry
    (without the name or number).
    """
    acting_user = acting_user or user
    consent = (
        require_consent(user, Scope.HOSPITAL, acting_user) if acting_user.pk != user.pk else None
    )
    fields = ids.stored_fields(real_name, id_number)
    with transaction.atomic():
        identity, _created = PatientIdentity.objects.update_or_create(user=user, defaults=fields)
        audit.record(
            user, "saved_identity", actor=acting_user, channel=Channel(channel), consent=consent
        )
    return identity


# ---------------------------------------------------------------------------------------------
# Booking


def check_booking(session, patient, *, acting_user, now=None):
    """Return None if ``acting_user`` could book ``session`` for ``patient`` now.

    Otherwise raise what :func:`book` would raise (``ConsentRequired`` or a
    :class:`BookingRefused`). Writes nothing: for the "check your answers" page.
    """
    if acting_user.pk != patient.pk:
        require_consent(patient, Scope.HOSPITAL, acting_user)
    session = Session.objects.select_related("department__hospital").get(pk=session.pk)
    _check_rules(session, patient, _now(now))
    if session.booked >= session.capacity:
        raise _full()


def book(session, patient, *, acting_user, channel, idempotency_key, now=None):
    """Book a place in ``session`` for ``patient``; return the new (or same) Appointment.

    ``acting_user`` is who taps: the patient, a family member or a volunteer or counter staff
    member; acting for someone else needs their hospital consent (raises ``ConsentRequired``
    before anything is written), which is kept on the appointment and in the audit entry.
    ``channel`` is a ``portal.audit.models.Channel`` value. ``idempotency_key`` names this tap:
    the same key again returns the same appointment (a double tap books once).

    Refusals raise a :class:`BookingRefused` with nothing written: :class:`NoIdentity`,
    :class:`SessionClosed`, :class:`NotOpenYet`, :class:`WindowClosed`, :class:`AlreadyBooked`,
    :class:`Suspended`, :class:`QuotaReached`, :class:`SessionFull` or
    :class:`ProviderUnavailable`. On success writes a ``booked_appointment`` audit entry and,
    once committed, sends the confirmation (code, hospital, department, date, time, address,
    what to bring) by the patient's preferred channel.
    """
    channel = Channel(channel)
    idempotency_key = str(idempotency_key or "").strip()[:80]
    if not idempotency_key:
        raise ValueError("book needs an idempotency_key (one per tap)")
    now = _now(now)
    on_behalf = acting_user.pk != patient.pk
    consent = require_consent(patient, Scope.HOSPITAL, acting_user) if on_behalf else None

    with transaction.atomic():
        # Every booking for this patient waits here for the one before it, so quotas are
        # counted one at a time: PostgreSQL locks the row; SQLite (IMMEDIATE transactions)
        # has already locked the database.
        person = get_user_model().objects.select_for_update().get(pk=patient.pk)
        existing = Appointment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.patient_id != patient.pk:
                raise ValueError("This idempotency key was used for another patient.")
            return existing
        session = Session.objects.select_related("department__hospital", "doctor").get(
            pk=session.pk
        )
        identity = _check_rules(session, person, now)
        # The place itself: one conditional UPDATE, so the count never passes the capacity
        # however many book at once (the row lock makes the others re-read the count).
        taken = Session.objects.filter(pk=session.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise _full()
        appointment = _create(
            session,
            person,
            identity,
            acting_user=acting_user,
            channel=channel,
            consent=consent,
            idempotency_key=idempotency_key,
            now=now,
        )
        provider = get_provider(session.department.hospital)
        appointment.provider = provider.name
        try:
            appointment.provider_booking_id = str(provider.book(appointment) or "")[:80]
        except ProviderFull:
            raise _full() from None
        except ProviderError as error:
            logger.warning("hospital provider %s could not book: %s", provider.name, error)
            raise ProviderUnavailable(
                _("We could not reach the hospital's booking system, so nothing was booked."),
                code="provider_unavailable",
            ) from error
        appointment.save(update_fields=["provider", "provider_booking_id"])
        audit.record(
            person,
            "booked_appointment",
            actor=acting_user,
            channel=channel,
            consent=consent,
            appointment=appointment.pk,
            hospital=session.department.hospital.name,
            department=session.department.name,
            date=session.date.isoformat(),
        )
        transaction.on_commit(lambda: _send_confirmation(appointment.pk, acting_user.pk))
    return appointment


def _create(session, person, identity, *, acting_user, channel, consent, idempotency_key, now):
    """Insert the appointment with a fresh random 8-digit code (unique in the database)."""
    for _try in range(CODE_TRIES):
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    session=session,
                    patient=person,
                    patient_name_masked=identity.real_name_masked,
                    patient_id_masked=identity.id_number_masked,
                    booked_by=acting_user,
                    channel=channel,
                    consent=consent,
                    code=f"{secrets.randbelow(10**8):08d}",
                    idempotency_key=idempotency_key,
                    created_at=now,
                )
        except IntegrityError:
            held = _live_in_session(session, person)
            if held is not None:
                raise _already(held) from None
            if Appointment.objects.filter(idempotency_key=idempotency_key).exists():
                raise  # a caller bug: the key was checked under the lock
    raise RuntimeError("could not find a free confirmation code")


def _live_in_session(session, patient):
    return Appointment.objects.filter(
        session=session, patient=patient, status__in=LIVE_STATUSES
    ).first()


def _full():
    return SessionFull(_("Sorry, this time is fully booked."), code="session_full")


def _already(appointment):
    return AlreadyBooked(
        _("You already have a place at this time."), code="already_booked", appointment=appointment
    )


def _day_words(day):
    return date_format(day, "MONTH_DAY_FORMAT")


def _check_rules(session, patient, now):
    """Raise the first rule ``patient`` booking ``session`` at ``now`` breaks; else the identity."""
    identity = identity_of(patient)
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
                "day": _day_words(session.date),
                "opens_day": _day_words(opening.date()),
                "opens_time": opening.strftime("%H:%M"),
            },
            code="not_open_yet",
        )
    held = _live_in_session(session, patient)
    if held is not None:
        raise _already(held)
    until = suspended_until(patient, hospital, now=now)
    if until is not None:
        raise Suspended(
            _(
                "Online booking at this hospital is paused until %(until)s, because "
                "%(limit)s appointments were missed."
            )
            % {"until": _day_words(until), "limit": hospital.no_show_limit},
            code="suspended",
        )
    _check_quotas(session, patient, hospital)
    return identity


def _counted(patient, hospital):
    return Appointment.objects.filter(
        patient=patient,
        status__in=COUNTED_STATUSES,
        session__department__hospital=hospital,
    )


def _check_quotas(session, patient, hospital):
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
    today = _now(now).date()
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


# ---------------------------------------------------------------------------------------------
# Cancelling and moving on


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
    return appointment.status == Status.BOOKED and _now(now) < cancel_deadline(appointment)


def cancel(appointment, *, acting_user, channel, now=None):
    """Cancel ``appointment`` as asked by ``acting_user``; return it, now cancelled.

    Acting for someone else needs the patient's hospital consent (``ConsentRequired``).
    An appointment already cancelled is returned as it is (a double tap). After the deadline
    (``cancel_deadline_hour`` the day before), or when it is no longer live, raises
    :class:`CancelRefused`; if the hospital's own system cannot be reached, raises
    :class:`ProviderUnavailable`; nothing is written then. The place goes back to the
    session. Writes a ``cancelled_appointment`` audit entry and tells the patient.
    """
    channel = Channel(channel)
    now = _now(now)
    on_behalf = acting_user.pk != appointment.patient_id
    consent = (
        require_consent(appointment.patient, Scope.HOSPITAL, acting_user) if on_behalf else None
    )
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update()
            .select_related("session__department__hospital", "patient")
            .get(pk=appointment.pk)
        )
        if locked.status == Status.CANCELLED:
            _copy(locked, appointment)
            return appointment
        hospital = locked.session.department.hospital
        phone = hospital.phone or hotline_number()
        if locked.status != Status.BOOKED:
            raise CancelRefused(
                _("This appointment can no longer be cancelled: it is %(status)s.")
                % {"status": Status(locked.status).label.lower()},
                code="not_live",
                appointment=locked,
                phone=phone,
            )
        if now >= cancel_deadline(locked):
            raise CancelRefused(
                _("Cancelling closed at %(time)s on %(day)s, the day before the visit.")
                % {
                    "time": f"{hospital.cancel_deadline_hour:02d}:00",
                    "day": _day_words(locked.session.date - datetime.timedelta(days=1)),
                },
                code="cancel_deadline",
                appointment=locked,
                phone=phone,
            )
        provider = get_provider(hospital)
        try:
            provider.cancel(locked)
        except ProviderError as error:
            logger.warning("hospital provider %s could not cancel: %s", provider.name, error)
            raise ProviderUnavailable(
                _("We could not reach the hospital's booking system, so nothing was cancelled."),
                code="provider_unavailable",
                appointment=locked,
            ) from error
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        # The place goes back; never below zero.
        Session.objects.filter(pk=locked.session_id, booked__gt=0).update(booked=F("booked") - 1)
        audit.record(
            locked.patient,
            "cancelled_appointment",
            actor=acting_user,
            channel=channel,
            consent=consent,
            appointment=locked.pk,
        )
        _tell(
            locked,
            lambda: (
                gettext("Your appointment %(code)s at %(hospital)s on %(day)s is cancelled.")
                % {
                    "code": locked.code,
                    "hospital": hospital.display_name,
                    "day": _day_words(locked.session.date),
                }
            ),
            purpose=Purpose.HOSPITAL,
        )
    _copy(locked, appointment)
    return appointment


def move(appointment, new_status, *, now=None):
    """Move ``appointment`` forward to ``new_status`` (checked in, seen, missed); True if moved.

    Statuses only go forward (``services.hospital.models.may_move``); a move that is not
    allowed changes nothing and returns False. Use :func:`cancel` to cancel (it gives the
    place back and checks the deadline).
    """
    new_status = Status(new_status)
    if new_status == Status.CANCELLED:
        raise ValueError("use cancel() to cancel an appointment")
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().filter(pk=appointment.pk).first()
        if locked is None or not may_move(locked.status, new_status):
            return False
        left_live = locked.status in LIVE_STATUSES and new_status not in LIVE_STATUSES
        locked.status = new_status
        locked.updated_at = _now(now)
        Appointment.objects.filter(pk=locked.pk).update(
            status=new_status, updated_at=locked.updated_at
        )
        if left_live:
            # ``booked`` counts live appointments (the session has ended by then anyway).
            Session.objects.filter(pk=locked.session_id, booked__gt=0).update(
                booked=F("booked") - 1
            )
    appointment.status = new_status
    return True


def _copy(source, target):
    if source is not target:
        for field in Appointment._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


# ---------------------------------------------------------------------------------------------
# Reading


# The permissions that let whoever booked for someone keep seeing that appointment.
SEEING_SCOPES = (Scope.HOSPITAL, Scope.SEE_APPOINTMENTS)


def may_see(user, appointment):
    """True if ``user`` may see ``appointment``: its patient always; whoever booked it for
    them only while the patient's permission (to book or to see appointments) is in force."""
    if user.pk == appointment.patient_id:
        return True
    return user.pk == appointment.booked_by_id and any(
        valid_consent(appointment.patient, scope, user) for scope in SEEING_SCOPES
    )


def appointments_for(user):
    """``user``'s appointments, as patient and those they booked for others, as a list.

    One booked for someone else is listed only while :func:`may_see` allows it. Upcoming
    live ones come first (soonest first), then the rest (newest visit first).
    """
    today = _now(None).date()
    allowed = {}  # patient id -> may see (asked once per patient)
    appointments = []
    for appointment in (
        Appointment.objects.filter(Q(patient=user) | Q(booked_by=user))
        .select_related("session__department__hospital", "session__doctor", "patient")
        .distinct()
    ):
        if appointment.patient_id not in allowed:
            allowed[appointment.patient_id] = may_see(user, appointment)
        if allowed[appointment.patient_id]:
            appointments.append(appointment)
    upcoming = [a for a in appointments if a.is_live and a.session.date >= today]
    rest = [a for a in appointments if a not in upcoming]
    upcoming.sort(key=lambda a: (a.session.date, a.session.starts_at, a.pk))
    rest.sort(key=lambda a: (a.session.date, a.session.starts_at, a.pk), reverse=True)
    return upcoming + rest


def code_groups(code):
    """``12345678`` -> ``1234 5678``: easier to read out and to copy."""
    return f"{code[:4]} {code[4:]}"


def slip(appointment, *, now=None):
    """What the printable slip shows, as a dict in the active language.

    Keys: ``code``, ``code_groups``, ``patient_name_masked``, ``hospital``, ``department``,
    ``doctor`` (or ""), ``date`` (``datetime.date``), ``period`` (label), ``starts_at``,
    ``ends_at`` (``datetime.time``), ``address``, ``what_to_bring``, ``phone`` (the hospital's),
    ``status``, ``status_label``, ``can_cancel``, ``cancel_deadline`` (aware datetime) and
    ``qr_svg`` (an inline SVG of the code, safe to put in a page).
    """
    session = appointment.session
    department = session.department
    hospital = department.hospital
    import segno

    return {
        "code": appointment.code,
        "code_groups": code_groups(appointment.code),
        "patient_name_masked": appointment.patient_name_masked,
        "hospital": hospital.display_name,
        "department": department.display_name,
        "doctor": str(session.doctor) if session.doctor else "",
        "date": session.date,
        "period": str(Period(session.period).label),
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "address": hospital.display_address,
        "what_to_bring": hospital.display_what_to_bring,
        "phone": hospital.phone,
        "status": appointment.status,
        "status_label": str(Status(appointment.status).label),
        "can_cancel": can_cancel(appointment, now=now),
        "cancel_deadline": timezone.localtime(cancel_deadline(appointment)),
        # segno writes the SVG itself from digits only: nothing from a user goes in unescaped.
        "qr_svg": mark_safe(  # noqa: S308
            segno.make(appointment.code, micro=False).svg_inline(
                scale=5, dark="#000", light="#fff", title=code_groups(appointment.code)
            )
        ),
    }


# ---------------------------------------------------------------------------------------------
# Telling people


def _tell(appointment, text, *, purpose, recipient=None, related=None):
    """Send ``text()`` (made in the recipient's language) by their preferred channel.

    The patient by default. Someone without a phone is skipped (returns None).
    """
    person = recipient or appointment.patient
    if not person.phone:
        return None
    with translation.override(person.language):
        body = text()
    return notify.send(
        person.phone,
        "notice",
        {"text": body},
        purpose=purpose,
        channel=person.notify_by or "sms",
        language=person.language,
        related=related or appointment,
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
        "day": _day_words(session.date),
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


def _send_confirmation(appointment_id, acting_user_id):
    """After commit: the confirmation to the patient, and a copy to a family member who booked."""
    appointment = (
        Appointment.objects.select_related("session__department__hospital", "patient", "booked_by")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return
    _tell(appointment, lambda: confirmation_text(appointment), purpose=Purpose.HOSPITAL)
    booker = appointment.booked_by
    if booker.pk != appointment.patient_id and not booker.is_staff:
        _tell(
            appointment,
            lambda: confirmation_text(appointment),
            purpose=Purpose.HOSPITAL,
            recipient=booker,
        )


def send_reminders(now=None):
    """Remind patients of tomorrow's appointments, once each; return how many were sent.

    Runs only in daytime hours (:data:`REMINDER_HOURS`, Shanghai time): at night it does
    nothing and the next run after 9:00 sends them. Each appointment is claimed with a
    conditional update on ``reminded_at`` first, so two runs at once send one reminder. A
    patient without a phone (or whose message fails) is skipped; the batch goes on.
    """
    now = _now(now)
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
                message = _tell(
                    appointment, lambda a=appointment: reminder_text(a), purpose=Purpose.REMINDER
                )
        except Exception:  # one bad row must not stop everybody else's reminder
            logger.exception("hospital reminder for appointment %s failed", appointment.pk)
            continue
        if message is not None:
            sent += 1
    return sent


def mark_missed(now=None):
    """Mark appointments still "booked" after their session ended as missed; return how many.

    Missed visits count towards the no-show suspension (:func:`suspended_until`).
    """
    now = _now(now)
    ended = Q(session__date__lt=now.date()) | Q(
        session__date=now.date(), session__ends_at__lte=now.time()
    )
    candidates = list(Appointment.objects.filter(ended, status=Status.BOOKED).order_by("pk"))
    return sum(1 for appointment in candidates if move(appointment, Status.MISSED, now=now))


# ---------------------------------------------------------------------------------------------
# The timetable


def generate_sessions(weeks, *, today=None, departments=None, days=None):
    """Make sessions from the weekly timetable for ``weeks`` weeks from ``today``; return how many.

    Idempotent: a session that already exists for the same department, doctor, day and period
    (made before, or by hand) is left as it is, so running it twice makes each session once.
    ``departments`` limits it to those departments; ``days`` (fewer than ``weeks * 7``)
    stops earlier, for example the next 8 days for the demo.
    """
    from services.hospital.models import WeeklySchedule

    weeks = int(weeks)
    if not 1 <= weeks <= 12:
        raise ValueError("weeks must be between 1 and 12")
    today = today or _now(None).date()
    lines = WeeklySchedule.objects.filter(active=True)
    if departments is not None:
        lines = lines.filter(department__in=departments)
    lines = list(lines)
    made = 0
    for offset in range(min(weeks * 7, days or weeks * 7)):
        day = today + datetime.timedelta(days=offset)
        for line in (line for line in lines if line.weekday == day.weekday()):
            same = Session.objects.filter(
                department_id=line.department_id,
                doctor_id=line.doctor_id,
                date=day,
                period=line.period,
            )
            if same.exists():
                continue
            try:
                with transaction.atomic():
                    Session.objects.create(
                        department_id=line.department_id,
                        doctor_id=line.doctor_id,
                        date=day,
                        period=line.period,
                        starts_at=line.starts_at,
                        ends_at=line.ends_at,
                        capacity=line.capacity,
                    )
                made += 1
            except IntegrityError:
                pass  # made by another run at the same moment
    return made
