"""Digital-skills sessions at centres and what a resident has learned: every channel calls here.

- :func:`upcoming` lists the sessions still to come, each with ``places_left`` and
  ``waiting``; :func:`sign_up` takes a place (or one on the waiting list), :func:`cancel`
  gives it back (the first waiting moves up), :func:`places_of` reads them back;
- :func:`record_attendance` and :func:`record_teaching` are for the centre after a session;
  :func:`hours_by_volunteer` adds up who taught how long;
- :func:`remember_practice` and :func:`learned` keep and read what a resident learned;
- :func:`send_reminders` runs on a schedule (Celery beat, ``learning.send_reminders``).

Two sign-ups never take the same last place: both lock the session's row
(``select_for_update``; on SQLite the write transaction itself is the lock) before counting,
in the same transaction as the place, its audit entry and its text message. Refusals raise a
:class:`SignUpRefused` (``str()`` why, ``what_instead`` what to do), with nothing written.
"""

import dataclasses
import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.acting import Acting
from portal.channels import Channel
from portal.consent.api import ConsentRequired
from portal.consent.models import Scope
from services.learning import telling
from services.learning.models import (
    ACTIVE_STATES,
    How,
    Learned,
    Place,
    Session,
    State,
    Teaching,
    Topic,
)
from services.learning.refusals import (
    AttendanceRefused,
    SessionCancelled,
    SessionStarted,
    SignUpRefused,
    not_started_yet,
    session_cancelled,
    session_started,
    too_late_to_cancel,
)

__all__ = [
    "SCOPE",
    "AttendanceRefused",
    "ConsentRequired",
    "SessionCancelled",
    "SessionStarted",
    "SignUpRefused",
    "State",
    "Topic",
    "cancel",
    "hours_by_volunteer",
    "learned",
    "number_in_line",
    "places_of",
    "record_attendance",
    "record_teaching",
    "remember_practice",
    "send_reminders",
    "sign_up",
    "upcoming",
]

# The permission someone else needs to sign a resident up or cancel for them. There is no
# scope of its own for learning yet; a session is something a person helping arranges
# under a request for help.
SCOPE = Scope.ASSISTED_REQUEST

# Hours one volunteer may record for one session.
MOST_HOURS = Decimal("12")

TAKING_A_PLACE = (State.BOOKED, State.ATTENDED)


def _now(now):
    return now or timezone.now()


# ---------------------------------------------------------------------------------------------
# Finding a session


def upcoming(*, centre=None, language=None, now=None):
    """Sessions not started yet and not cancelled, soonest first, as a queryset.

    ``centre`` (a ``content.CommunityCentre``) and ``language`` (``"zh-hans"``, ``"en"``)
    narrow it. Each session carries ``places_left`` (never below 0) and ``waiting`` (how many
    are on its waiting list), counted in the same query.
    """
    sessions = (
        Session.objects.filter(starts_at__gt=_now(now), cancelled_at__isnull=True)
        .select_related("centre")
        .annotate(
            taken=Count("places", filter=Q(places__state__in=TAKING_A_PLACE)),
            waiting=Count("places", filter=Q(places__state=State.WAITING)),
        )
        .annotate(places_left=Greatest(F("capacity") - F("taken"), Value(0)))
        .order_by("starts_at", "pk")
    )
    if centre is not None:
        sessions = sessions.filter(centre=centre)
    if language:
        sessions = sessions.filter(language=language)
    return sessions


# ---------------------------------------------------------------------------------------------
# Signing up and cancelling


def number_in_line(place):
    """1 for the first on ``place``'s waiting list, and so on; None unless it is waiting."""
    if place.state != State.WAITING:
        return None
    ahead = (
        Place.objects.filter(session_id=place.session_id, state=State.WAITING)
        .filter(
            Q(created_at__lt=place.created_at) | Q(created_at=place.created_at, pk__lt=place.pk)
        )
        .count()
    )
    return ahead + 1


def _locked(session_id):
    """The session, its row locked until the transaction ends (not its centre's row)."""
    return (
        Session.objects.select_for_update(of=("self",)).select_related("centre").get(pk=session_id)
    )


def _active_place(session, resident):
    return (
        Place.objects.filter(session=session, resident=resident, state__in=ACTIVE_STATES)
        .select_related("session__centre", "resident")
        .first()
    )


def sign_up(acting, session, *, now=None):
    """Take a place in ``session`` for ``acting.resident``; return the Place.

    The place is *booked* while the session has a free place, else *waiting* (the resident
    joins the end of the waiting list). The session's row is locked first, so however many
    sign up at once it never holds more booked places than ``capacity``. Someone already
    holding a place (booked, waiting or attended) gets that same place back, and nothing is
    written or sent again.

    ``acting`` (``portal.acting.Acting``) says who signs up and how; acting for someone else
    needs the resident's consent in :data:`SCOPE` (raises ``ConsentRequired`` before anything
    is written). The context is kept on the place and in a ``signed_up_for_learning`` audit
    entry. The resident is texted, in their language, what is true now: their place, or their
    number on the waiting list (unless they signed up by text: the reply to it says so).

    Raises :class:`SessionStarted` (it has started or is over) or :class:`SessionCancelled`,
    with nothing written.
    """
    now = _now(now)
    acting = acting.with_consent(SCOPE)
    with transaction.atomic():
        locked = _locked(session.pk)
        existing = _active_place(locked, acting.resident)
        if existing is not None:
            existing.number_in_line = number_in_line(existing)
            return existing
        if locked.cancelled_at is not None:
            raise session_cancelled()
        if locked.starts_at <= now:
            raise session_started()
        # A free place goes to those waiting first (there are some only if the centre added
        # places since), then to the newcomer.
        _fill_free_places(locked)
        waiting = Place.objects.filter(session=locked, state=State.WAITING).count()
        free = places_taken(locked) < locked.capacity
        place = Place.objects.create(
            session=locked,
            resident=acting.resident,
            signed_up_by=acting.user,
            state=State.BOOKED if free else State.WAITING,
            created_at=now,
            **acting.stamp(),
        )
        place.number_in_line = None if free else waiting + 1
        acting.record(
            "signed_up_for_learning" if free else "waiting_for_learning",
            place=place.pk,
            topic=locked.topic,
        )
        if not _answered_by_text(acting):
            telling.tell_signed_up(place, place.number_in_line)
    return place


def cancel(acting, place, *, now=None):
    """Give up ``place``; return it, cancelled.

    A booked place goes back, and in the same transaction the first on the session's waiting
    list (if any) is booked in it and texted that it is theirs. A place already cancelled is
    returned as it is (a double tap). Acting for someone else needs their consent in
    :data:`SCOPE` (``ConsentRequired``). Writes a ``cancelled_learning_place`` audit entry
    and texts the resident. Once the session has started (or the place was attended),
    raises :class:`SessionStarted` with nothing written.
    """
    now = _now(now)
    acting = acting.about(place.resident).with_consent(SCOPE)
    with transaction.atomic():
        session = _locked(place.session_id)
        current = Place.objects.select_related("resident").get(pk=place.pk)
        current.session = session
        if current.state != State.CANCELLED:
            if current.state == State.ATTENDED or session.starts_at <= now:
                raise too_late_to_cancel()
            was_booked = current.state == State.BOOKED
            current.state = State.CANCELLED
            current.cancelled_at = now
            current.save(update_fields=["state", "cancelled_at", "updated_at"])
            acting.record("cancelled_learning_place", place=current.pk, topic=session.topic)
            if not _answered_by_text(acting):
                telling.tell_cancelled(current)
            if was_booked and session.cancelled_at is None:
                _fill_free_places(session)
    _copy(current, place)
    return place


def session_saved(session):
    """After staff changed ``session`` (more places, say): book the free places for those
    waiting, in order, and text each; return those moved up."""
    with transaction.atomic():
        return _fill_free_places(_locked(session.pk))


def places_taken(session):
    """How many places of ``session`` are booked (or were attended)."""
    return Place.objects.filter(session=session, state__in=TAKING_A_PLACE).count()


def _answered_by_text(acting):
    # A resident who texted for themselves reads the answer in the reply to their text: a
    # second text saying the same would be one too many.
    return acting.channel == Channel.SMS and acting.user == acting.resident


def _fill_free_places(session):
    """Book the free places of ``session`` (its row locked) for the first on its waiting
    list, in order, and tell each; return those moved up."""
    free = session.capacity - places_taken(session)
    if free <= 0:
        return []
    moved = list(
        Place.objects.filter(session=session, state=State.WAITING)
        .select_related("resident")
        .order_by("created_at", "pk")[:free]
    )
    for place in moved:
        place.state = State.BOOKED
        place.session = session
        place.save(update_fields=["state", "updated_at"])
        Acting.by_portal(place.resident).record(
            "moved_up_for_learning", place=place.pk, topic=session.topic
        )
        telling.tell_moved_up(place)
    return moved


def _copy(source, target):
    if source is not target:
        for field in Place._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


def places_of(resident):
    """``resident``'s places that are not cancelled, soonest session first, as a list.

    Each has ``number_in_line`` (1 for the first waiting; None when not waiting).
    """
    places = list(
        Place.objects.filter(resident=resident, state__in=ACTIVE_STATES)
        .select_related("session__centre")
        .order_by("session__starts_at", "pk")
    )
    for place in places:
        place.number_in_line = number_in_line(place)
    return places


# ---------------------------------------------------------------------------------------------
# After the session


def record_attendance(acting, session, residents, *, now=None):
    """Write down that ``residents`` came to ``session``; return their places, attended.

    ``acting`` says who writes it down and how (its ``user``, ``role`` and ``channel``; its
    resident does not matter): the centre's record of its own session, so no consent is asked.
    Each resident's place becomes *attended* (one is made for someone who came without one),
    they learned the session's topic (``Learned``, how: at a session, once per session), and
    their audit log says who wrote it down. Before the session has started raises
    :class:`AttendanceRefused`, with nothing written.
    """
    now = _now(now)
    attended = []
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.starts_at > now:
            raise not_started_yet()
        for resident in residents:
            context = dataclasses.replace(acting, resident=resident, consent=None)
            place = _active_place(locked, resident)
            if place is None:
                place = Place.objects.create(
                    session=locked,
                    resident=resident,
                    signed_up_by=acting.user,
                    state=State.ATTENDED,
                    created_at=now,
                    **context.stamp(),
                )
            elif place.state != State.ATTENDED:
                place.state = State.ATTENDED
                place.save(update_fields=["state", "updated_at"])
            Learned.objects.get_or_create(
                resident=resident,
                session=locked,
                defaults={"topic": locked.topic, "how": How.SESSION, "at": now},
            )
            context.record("attended_learning", place=place.pk, topic=locked.topic)
            attended.append(place)
    return attended


def record_teaching(session, volunteer, hours):
    """Write down that ``volunteer`` taught ``session`` for ``hours``; return the Teaching.

    Writing it again for the same volunteer and session corrects the hours. Hours must be
    more than 0 and at most 12, else ``ValidationError`` (translated), nothing written.
    """
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not Decimal(0) < hours <= MOST_HOURS:
        raise ValidationError(
            _("Write the hours taught as a number from 0.5 to 12, for example 1.5."),
            code="hours",
        )
    teaching, _created = Teaching.objects.update_or_create(
        session=session, volunteer=volunteer, defaults={"hours": hours}
    )
    return teaching


def hours_by_volunteer(since=None):
    """``[(volunteer, hours)]``: hours taught per volunteer, most first.

    ``since`` (an aware datetime) counts only sessions that started then or later.
    """
    teaching = Teaching.objects.filter(volunteer__isnull=False)
    if since is not None:
        teaching = teaching.filter(session__starts_at__gte=since)
    totals = (
        teaching.order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .order_by("-total", "volunteer")
    )
    users = get_user_model().objects.in_bulk([row["volunteer"] for row in totals])
    return [(users[row["volunteer"]], row["total"]) for row in totals]


# ---------------------------------------------------------------------------------------------
# What a resident learned


def remember_practice(resident, topic, *, now=None):
    """Keep that ``resident`` practised ``topic`` (a :class:`Topic` value); return the entry.

    Once per topic per day (Shanghai time) is enough: practising again the same day returns
    that day's entry. An unknown topic raises ``ValidationError``, nothing written.
    """
    if topic not in Topic.values:
        raise ValidationError(_("We do not know that topic."), code="topic")
    now = _now(now)
    day_starts = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now), datetime.time())
    )
    same_day = Learned.objects.filter(
        resident=resident,
        topic=topic,
        how=How.PRACTICE,
        at__gte=day_starts,
        at__lt=day_starts + datetime.timedelta(days=1),
    ).first()
    if same_day is not None:
        return same_day
    return Learned.objects.create(resident=resident, topic=topic, how=How.PRACTICE, at=now)


def learned(resident):
    """What ``resident`` learned, newest first, as a list of ``Learned`` entries."""
    return list(Learned.objects.filter(resident=resident).order_by("-at", "-pk"))


# ---------------------------------------------------------------------------------------------
# On a schedule


def send_reminders(now=None):
    """Remind residents with a booked place of tomorrow's sessions, once each; return how
    many were sent. Daytime only (9:00 to 20:00, Shanghai time): at night it does nothing
    and the next run after 9:00 sends them; each place is claimed first, so two runs at once
    send one reminder."""
    return telling.send_reminders(now)
