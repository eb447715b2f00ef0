"""Hospital booking API: the one entry every channel (web, phone, volunteer, counter) uses.

- :func:`hospitals_for`, :func:`departments`, :func:`free_days`, :func:`free_sessions` find a
  place; :func:`identity_of` and :func:`save_identity` keep the patient's real name and ID
  number (masked);
- :func:`check_booking` says whether booking would work now; :func:`book` books,
  :func:`cancel` cancels, :func:`move` moves an appointment on (checked in, seen, missed);
  :func:`may_see`, :func:`appointments_for`, :func:`next_visit_words` and :func:`slip` read
  them back;
- :func:`send_reminders` and :func:`mark_missed` run on a schedule (Celery beat);
  :func:`generate_sessions` makes sessions from the weekly timetable.

Channels import from here only. The insides live in small modules:

- ``services.hospital.refusals``: :class:`BookingRefused` and its subclasses (re-exported
  here), with the hotline number their "what to do instead" sentence gives;
- ``services.hospital.rules``: the hospital's rules (booking window, release hour, quotas,
  no-show suspension, cancel deadline), checked before anything is written;
- ``services.hospital.telling``: the confirmation, cancellation and reminder texts, sent
  through the outbox (``portal.notifications``);
- ``services.hospital.timetable``: sessions made from the weekly timetable.

Every rule comes from the hospital's fields. A refusal is a :class:`BookingRefused`: ``str()``
says why in plain words, ``what_instead`` says what to do instead (call the hotline, ask a
volunteer, go to the counter). Two people never get the same place: a session's count only
goes up under a conditional update (``booked < capacity``), inside the booking's transaction.
A hospital's own booking system is asked before that transaction, never inside it.
"""

import logging
import secrets
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.consent.api import (
    ConsentRequired,
    ids_of_residents_who_allow,
    valid_consent,
)
from portal.consent.models import Scope
from portal.journeys import api as journeys
from services.hospital import identity as ids
from services.hospital import telling, timetable
from services.hospital.assisted import announce_booking_refused
from services.hospital.models import (
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
from services.hospital.refusals import (
    FALLBACK_HOTLINE,
    AlreadyBooked,
    BookingRefused,
    CancelRefused,
    DataNotAgreed,
    NoIdentity,
    NotOpenYet,
    ProviderUnavailable,
    QuotaReached,
    SessionClosed,
    SessionFull,
    Suspended,
    TapKeyTaken,
    WindowClosed,
    already_booked,
    hotline_number,
    require_agreement,
    session_full,
    tap_key_taken,
)
from services.hospital.rules import (
    can_cancel,
    cancel_deadline,
    check_cancel,
    check_rules,
    last_released_day,
    live_in_session,
    opens_at,
    suspended_until,
)
from services.hospital.rules import local_now as _now
from services.hospital.telling import REMINDER_HOURS
from services.hospital.words import confirmation_text, next_visit_text, reminder_text

__all__ = [
    "CODE_TRIES",
    "FALLBACK_HOTLINE",
    "REMINDER_HOURS",
    "SEEING_SCOPES",
    "AlreadyBooked",
    "BookingRefused",
    "CancelRefused",
    "ConsentRequired",
    "DataNotAgreed",
    "NoIdentity",
    "NotOpenYet",
    "ProviderUnavailable",
    "QuotaReached",
    "SessionClosed",
    "SessionFull",
    "Suspended",
    "TapKeyTaken",
    "WindowClosed",
    "appointment_counts",
    "appointments_by_channel",
    "appointments_for",
    "book",
    "can_cancel",
    "cancel",
    "cancel_deadline",
    "check_booking",
    "code_groups",
    "confirmation_text",
    "departments",
    "free_days",
    "free_sessions",
    "generate_sessions",
    "hospitals_for",
    "hotline_number",
    "identity_of",
    "last_released_day",
    "last_used_hospital",
    "mark_missed",
    "may_see",
    "move",
    "opens_at",
    "reminder_text",
    "save_identity",
    "send_reminders",
    "slip",
    "suspended_until",
]

logger = logging.getLogger(__name__)

# Tries at a fresh random confirmation code before giving up (10^8 codes: one try is enough).
CODE_TRIES = 8


# ---------------------------------------------------------------------------------------------
# Finding a place


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


def save_identity(acting, real_name, id_number):
    """Check and keep ``acting.resident``'s real name and 18-character ID number; return it.

    Raises ``ValidationError`` (a translated message) for a name or number that cannot be
    right, changing nothing. Only the masked forms (``王*华``, ``3101**********1234``) and a
    keyed hash of the number are stored; the full number is never kept. ``acting``
    (``portal.acting.Acting``) acting for someone else needs their hospital consent (raises
    ``ConsentRequired``, nothing written). Writes a ``saved_identity`` audit entry (without
    the name or number).
    """
    acting = acting.with_consent(Scope.HOSPITAL)
    require_agreement(acting.resident)
    fields = ids.stored_fields(real_name, id_number)
    with transaction.atomic():
        identity, _created = PatientIdentity.objects.update_or_create(
            user=acting.resident, defaults=fields
        )
        acting.record("saved_identity")
    return identity


# ---------------------------------------------------------------------------------------------
# Booking


def check_booking(session, acting, *, now=None):
    """Return None if ``acting`` could book ``session`` for ``acting.resident`` now.

    Otherwise raise what :func:`book` would raise (``ConsentRequired`` or a
    :class:`BookingRefused`). Writes nothing: for the "check your answers" page.
    """
    acting.with_consent(Scope.HOSPITAL)
    require_agreement(acting.resident)
    _passes_the_rules(session, acting.resident, _now(now))


def _passes_the_rules(session, patient, now):
    """Check every rule and the free count, without locks; return the session and identity."""
    session = Session.objects.select_related("department__hospital", "doctor").get(pk=session.pk)
    identity = identity_of(patient)
    check_rules(session, patient, identity, now)
    if session.booked >= session.capacity:
        raise session_full()
    return session, identity


# Refusals that turn nobody away (booked already; a stale tap): not counted as such.
NOT_TURNED_AWAY = frozenset({"already_booked", "tap_key_taken"})


def book(session, acting, *, idempotency_key, now=None):
    """Book a place in ``session`` for ``acting.resident``; return the new (or same) Appointment.

    ``acting`` (``portal.acting.Acting``) says who taps: the patient, a family member or a
    volunteer or counter staff member, and how; acting for someone else needs their hospital
    consent (raises ``ConsentRequired`` before anything is written). The context is kept on the
    appointment and in the audit entry. ``idempotency_key`` names this tap: the same key again
    returns the same appointment (a double tap books once).

    Refusals raise a :class:`BookingRefused` with nothing written: :class:`NoIdentity`,
    :class:`SessionClosed`, :class:`NotOpenYet`, :class:`WindowClosed`, :class:`AlreadyBooked`,
    :class:`Suspended`, :class:`QuotaReached`, :class:`SessionFull`,
    :class:`ProviderUnavailable` or :class:`TapKeyTaken` (the key is another patient's). On
    success writes a ``booked_appointment`` audit entry and, once committed, sends the
    confirmation (code, hospital, department, date, time, address, what to bring) by the
    patient's preferred medium. A refusal of a booking made under a request for help
    (``acting.reference``) is announced on ``portal.signals.needs_a_person``, so the person
    helping hears of it even when they are no longer looking at the page.

    A hospital with its own booking system is asked before the portal takes the place, outside
    any transaction, so a slow answer holds up no one else's booking; if the portal then
    refuses (the last place went meanwhile), that booking is cancelled there again.
    """
    idempotency_key = str(idempotency_key or "").strip()[:80]
    if not idempotency_key:
        raise ValueError("book needs an idempotency_key (one per tap)")
    now = _now(now)
    acting = acting.with_consent(Scope.HOSPITAL)
    try:
        require_agreement(acting.resident)
        return _book(session, acting, idempotency_key, now)
    except BookingRefused as refusal:
        if refusal.code not in NOT_TURNED_AWAY:
            journeys.refused(acting.resident, "hospital", refusal.code, acting.channel)
        if acting.reference:
            announce_booking_refused(acting, refusal)
        raise


def _book(session, acting, idempotency_key, now):
    patient = acting.resident
    existing = _booked_with(idempotency_key, patient)
    if existing is not None:
        return existing

    # Every rule first, so a booking the portal would refuse is never put to the hospital.
    session, identity = _passes_the_rules(session, patient, now)
    provider = get_provider(session.department.hospital)
    proposed = Appointment(
        session=session,
        patient=patient,
        patient_name_masked=identity.real_name_masked,
        patient_id_masked=identity.id_number_masked,
        idempotency_key=idempotency_key,
        provider=provider.name,
    )
    proposed.provider_booking_id = _confirm_with(provider, proposed)
    try:
        return _take_the_place(proposed, acting=acting, now=now)
    except TapKeyTaken:
        # The hospital knows bookings by this key: what it answered may be the other
        # patient's booking, so it is not cancelled there. Staff check it by hand.
        if proposed.provider_booking_id:
            logger.error(
                "hospital provider %s: booking %s was made with a key another patient's "
                "appointment took meanwhile; check it by hand",
                provider.name,
                proposed.provider_booking_id,
            )
        raise
    except BookingRefused:
        _withdraw(provider, proposed)
        raise


def _booked_with(idempotency_key, patient):
    """The appointment an earlier tap with this key made, if any.

    Raises :class:`TapKeyTaken` when the key is another patient's, so that appointment is
    never returned (shown) to someone else.
    """
    existing = Appointment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.patient_id != patient.pk:
        raise tap_key_taken()
    return existing


def _confirm_with(provider, proposed):
    """Ask the hospital's own system to book; return its booking id (builtin: none)."""
    try:
        return str(provider.book(proposed) or "")[:80]
    except ProviderFull:
        raise session_full() from None
    except ProviderError as error:
        logger.warning("hospital provider %s could not book: %s", provider.name, error)
        raise ProviderUnavailable(
            _("We could not reach the hospital's booking system, so nothing was booked."),
            code="provider_unavailable",
        ) from error


def _withdraw(provider, proposed):
    """The hospital booked what the portal then refused: cancel it there (best effort)."""
    if not proposed.provider_booking_id:
        return
    try:
        provider.cancel(proposed)
    except ProviderError as error:
        # Staff must cancel it by hand, or the hospital keeps a place nobody will use.
        logger.error(
            "hospital provider %s still holds booking %s that the portal refused: %s",
            provider.name,
            proposed.provider_booking_id,
            error,
        )


def _take_the_place(proposed, *, acting, now):
    """In one transaction: check every rule again, take the place, write the appointment."""
    with transaction.atomic():
        # Every booking for this patient waits here for the one before it, so quotas are
        # counted one at a time: PostgreSQL locks the row; SQLite (IMMEDIATE transactions)
        # has already locked the database.
        person = get_user_model().objects.select_for_update().get(pk=proposed.patient_id)
        existing = _booked_with(proposed.idempotency_key, person)
        if existing is not None:
            return existing  # the same tap, twice at once: the hospital has it once too
        session = Session.objects.select_related("department__hospital", "doctor").get(
            pk=proposed.session_id
        )
        identity = identity_of(person)
        check_rules(session, person, identity, now)
        # The place itself: one conditional UPDATE, so the count never passes the capacity
        # however many book at once (the row lock makes the others re-read the count).
        taken = Session.objects.filter(pk=session.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise session_full()
        appointment = _create(proposed, person, identity, acting=acting, now=now)
        acting.record(
            "booked_appointment",
            appointment=appointment.pk,
            hospital=session.department.hospital.name,
            department=session.department.name,
            date=session.date.isoformat(),
        )
        transaction.on_commit(lambda: telling.send_confirmation(appointment.pk))
    return appointment


def _create(proposed, person, identity, *, acting, now):
    """Insert the appointment with a fresh random 8-digit code (unique in the database)."""
    for _try in range(CODE_TRIES):
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    session=proposed.session,
                    patient=person,
                    patient_name_masked=identity.real_name_masked,
                    patient_id_masked=identity.id_number_masked,
                    booked_by=acting.user,
                    **acting.stamp(),
                    code=f"{secrets.randbelow(10**8):08d}",
                    idempotency_key=proposed.idempotency_key,
                    provider=proposed.provider,
                    provider_booking_id=proposed.provider_booking_id,
                    created_at=now,
                )
        except IntegrityError:
            held = live_in_session(proposed.session, person)
            if held is not None:
                raise already_booked(held) from None
            if Appointment.objects.filter(idempotency_key=proposed.idempotency_key).exists():
                # This patient's taps wait for each other on the lock, so another patient's
                # booking took the key just now.
                raise tap_key_taken() from None
    raise RuntimeError("could not find a free confirmation code")


# ---------------------------------------------------------------------------------------------
# Cancelling and moving on


def cancel(appointment, *, acting, now=None):
    """Cancel ``appointment`` as asked in the acting context ``acting``; return it, cancelled.

    ``acting`` must be about the patient; acting for someone else needs the patient's hospital
    consent (``ConsentRequired``).
    An appointment already cancelled is returned as it is (a double tap). After the deadline
    (``cancel_deadline_hour`` the day before), or when it is no longer live, raises
    :class:`CancelRefused`; if the hospital's own system cannot be reached, raises
    :class:`ProviderUnavailable`; nothing is written then. The place goes back to the
    session. Writes a ``cancelled_appointment`` audit entry and tells the patient.
    """
    now = _now(now)
    acting = acting.about(appointment.patient).with_consent(Scope.HOSPITAL)
    current = _with_hospital(Appointment.objects).get(pk=appointment.pk)
    if current.status == Status.CANCELLED:
        _copy(current, appointment)
        return appointment
    check_cancel(current, now)
    # The hospital's own system is asked first, outside any transaction (as book does): a slow
    # answer must not hold the appointment's row lock, or SQLite's whole database. Cancelling
    # there is idempotent, so a cancel racing this one does no harm.
    provider = get_provider(current.session.department.hospital)
    try:
        provider.cancel(current)
    except ProviderError as error:
        logger.warning("hospital provider %s could not cancel: %s", provider.name, error)
        raise ProviderUnavailable(
            _("We could not reach the hospital's booking system, so nothing was cancelled."),
            code="provider_unavailable",
            appointment=current,
        ) from error
    with transaction.atomic():
        locked = _with_hospital(Appointment.objects.select_for_update()).get(pk=appointment.pk)
        if locked.status == Status.CANCELLED:  # another cancel finished meanwhile
            _copy(locked, appointment)
            return appointment
        if locked.status != Status.BOOKED:  # checked in meanwhile: staff must sort it out
            logger.error(
                "appointment %s cancelled at the hospital but now %s", locked.pk, locked.status
            )
            check_cancel(locked, now)
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        # The place goes back; never below zero.
        Session.objects.filter(pk=locked.session_id, booked__gt=0).update(booked=F("booked") - 1)
        acting.record("cancelled_appointment", appointment=locked.pk)
        telling.tell_cancelled(locked)
    _copy(locked, appointment)
    return appointment


def _with_hospital(appointments):
    return appointments.select_related("session__department__hospital", "patient")


def move(appointment, new_status, *, now=None):
    """Move ``appointment`` forward to ``new_status`` (checked in, seen, missed); True if moved.

    Statuses only go forward (``services.hospital.models.may_move``); a move that is not
    allowed changes nothing and returns False. Use :func:`cancel` to cancel (it gives the
    place back and checks the deadline). Once the patient was seen, they are asked how it
    went (好差评) by text or call, as they prefer.
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
        if new_status == Status.COMPLETED:
            transaction.on_commit(lambda: telling.ask_how_it_went(locked))
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
    """True if ``user`` may see ``appointment``: its patient always; anyone else (a family
    member, whoever booked it) only while the patient's permission naming them, to book or to
    see appointments, is in force."""
    if user.pk == appointment.patient_id:
        return True
    return any(valid_consent(appointment.patient, scope, user) for scope in SEEING_SCOPES)


def appointments_for(user):
    """``user``'s appointments, as patient and those they booked for others, as a list.

    Someone else's (booked by ``user``, or of a resident whose permission to see their
    appointments names ``user``) is listed only while :func:`may_see` allows it. Upcoming
    live ones come first (soonest first), then the rest (newest visit first).
    """
    today = _now(None).date()
    allowed = {}  # patient id -> may see (asked once per patient)
    appointments = []
    allowing = ids_of_residents_who_allow(user, *SEEING_SCOPES)
    for appointment in (
        # Every join is to one row (no duplicates to remove): no DISTINCT.
        Appointment.objects.filter(
            Q(patient=user) | Q(booked_by=user) | Q(patient_id__in=allowing)
        ).select_related("session__department__hospital", "session__doctor", "patient")
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


def next_visit_words(user):
    """A sentence (active language) for ``user``'s next visit as patient, to read out on the
    phone: where, when and the code; None when nothing is booked."""
    today = _now(None).date()
    upcoming = [
        appointment
        for appointment in appointments_for(user)
        if appointment.patient_id == user.pk
        and appointment.is_live
        and appointment.session.date >= today
    ]
    return next_visit_text(upcoming[0]) if upcoming else None


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
        "qr_svg": _qr_svg(appointment.code),
    }


@lru_cache(maxsize=4096)
def _qr_svg(code):
    """The code as an inline QR SVG, drawn once per process: a slip is looked at again and
    again (at home, on the way, at the hospital's window)."""
    import segno

    # segno writes the SVG itself from digits only: nothing from a user goes in unescaped.
    return mark_safe(  # noqa: S308
        segno.make(code, micro=False).svg_inline(
            scale=5, dark="#000", light="#fff", title=code_groups(code)
        )
    )


# ---------------------------------------------------------------------------------------------
# On a schedule


def send_reminders(now=None):
    """Remind patients of tomorrow's appointments, once each; return how many were sent.

    Runs only in daytime hours (:data:`REMINDER_HOURS`, Shanghai time): at night it does
    nothing and the next run after 9:00 sends them. Each appointment is claimed with a
    conditional update on ``reminded_at`` first, so two runs at once send one reminder. A
    patient without a phone (or whose message fails) is skipped; the batch goes on.
    """
    return telling.send_reminders(now)


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
    return timetable.generate_sessions(weeks, today=today, departments=departments, days=days)


# --- Read-only counts for the supervisors' figures ----------------------------------------------


def _booked_between(start, end, streets):
    appointments = Appointment.objects.filter(created_at__gte=start, created_at__lt=end)
    if streets is not None:
        appointments = appointments.filter(patient__street_id__in=list(streets))
    return appointments


def appointments_by_channel(start, end, streets=None):
    """How many appointments were booked from ``start`` (included) to ``end`` (not), per
    channel. ``streets``: street ids whose residents count (None: the whole city). Returns
    ``{channel code: count}`` for the channels that had any; one grouped query."""
    from django.db.models import Count

    rows = (
        _booked_between(start, end, streets)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    return dict(rows)


def booked(patient, start, end):
    """For the supervisor's figures: an ``Exists`` true when ``patient`` (an expression such
    as ``OuterRef("resident")``) had an appointment booked from ``start`` to ``end``
    (expressions), whatever became of it."""
    from django.db.models import Exists

    return Exists(
        Appointment.objects.filter(patient=patient, created_at__gte=start, created_at__lt=end)
    )


def appointment_counts(start, end, streets=None):
    """Bookings, cancellations and missed visits from ``start`` (included) to ``end`` (not).

    ``streets``: street ids whose residents count (None: the whole city). Returns a dict:
    ``booked`` (appointments made in the period), ``cancelled`` (cancelled in the period,
    whenever booked) and ``missed`` (marked missed, for a session on a day in the period, in
    Shanghai time). Three counting queries, no rows read.
    """
    from datetime import timedelta

    base = Appointment.objects.all()
    if streets is not None:
        base = base.filter(patient__street_id__in=list(streets))
    first_day = timezone.localtime(start).date()
    last_day = timezone.localtime(end - timedelta(microseconds=1)).date()
    return {
        "booked": _booked_between(start, end, streets).count(),
        "cancelled": base.filter(cancelled_at__gte=start, cancelled_at__lt=end).count(),
        "missed": base.filter(
            status=Status.MISSED, session__date__gte=first_day, session__date__lte=last_day
        ).count(),
    }
