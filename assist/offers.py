"""Putting waiting requests in front of people: offers, a short text to those away from the
desk, a warning when the time to call is nearly up, and the supervisors when it has passed.

Run every minute by beat (``assist.offer_waiting``). A request waits for its ``call_after``
first. Then it is offered to the people on duty who cover the resident's street and speak their
language (a few, the least busy first); after ``WIDEN_AFTER``, or at once when none of them is
on duty, to everyone on duty; once its ``contact_due`` has passed, to the supervisors, and the
timeline says it was escalated. Each person away from the desk gets at most one text per
``ASSIST_SUMMARY_MINUTES`` saying how many requests wait for them, never during the outbox's
quiet hours unless one of them is urgent (a resident with no car, waiting in the street).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from assist.application_cases import covering
from assist.models import HelpRequest, Kind, Offer, RequestEvent, State, Summary
from portal.accounts.duty import MODEL_BACKEND, on_duty_now
from portal.accounts.roles import SUPERVISE
from portal.notifications import api as notify
from portal.notifications.limits import earliest_send_time
from portal.notifications.models import Purpose

What = RequestEvent.What

# Round 1 goes to this many people at most; after WIDEN_AFTER, everyone on duty.
FIRST_ROUND = 5
WIDEN_AFTER = timedelta(minutes=2)
# Kinds where someone is stuck now: they are texted about even at night.
URGENT_KINDS = frozenset({Kind.NO_CAR})


def offer_waiting(now=None):
    """Offer, warn and escalate the waiting requests whose turn it is; text people with new
    offers. Returns ``{"offers": n, "due_soon": n, "escalated": n, "texts": n}``.

    Each request remembers the round its offers reached, so a run reads only the requests
    that move on: new ones, those waiting ``WIDEN_AFTER``, those past their time to call.
    """
    now = now or timezone.now()
    counts = {"offers": 0, "due_soon": 0, "escalated": 0, "texts": 0}
    waiting = HelpRequest.objects.filter(state=State.WAITING).filter(
        Q(call_after__isnull=True) | Q(call_after__lte=now)
    )
    widened = now - WIDEN_AFTER
    started_before_widening = Q(call_after__isnull=True, opened_at__lte=widened) | Q(
        call_after__lte=widened
    )
    moving = waiting.filter(
        Q(offered_round=0)
        | Q(offered_round__lt=2) & started_before_widening
        | Q(offered_round__lt=3) & (Q(contact_due__lte=now) | Q(kind=Kind.FOLLOW_UP))
    ).select_related("street")
    people = None
    for request in moving:
        people = people or _People()
        offered, escalated = _move_on(request, people, now)
        counts["offers"] += offered
        counts["escalated"] += escalated
    for request in waiting.filter(warned=False, warn_at__lte=now, contact_due__gt=now):
        counts["due_soon"] += _once(request, What.DUE_SOON)
    HelpRequest.objects.filter(pk__in=waiting.filter(warned=False, warn_at__lte=now)).update(
        warned=True
    )
    counts["texts"] = send_summaries(now)
    return counts


def offer_new(request_id, now=None):
    """Offer a request just opened at once, so its first offer need not wait for the minute's
    run; return how many people it went to. A request for later waits for that run."""
    now = now or timezone.now()
    request = (
        HelpRequest.objects.filter(pk=request_id, state=State.WAITING, offered_round=0)
        .filter(Q(call_after__isnull=True) | Q(call_after__lte=now))
        .select_related("street")
        .first()
    )
    if request is None:
        return 0
    offered, _escalated = _move_on(request, _People(), now)
    return offered


class _People:
    """Who may be offered requests now, read once per run (supervisors only when needed)."""

    def __init__(self):
        self.on_duty = people_on_duty()
        self._supervisors = None

    @property
    def supervisors(self):
        if self._supervisors is None:
            self._supervisors = _supervisors()
        return self._supervisors


def _move_on(request, people, now):
    """Offer ``request`` to the next round of people; return (offers made, 1 if escalated)."""
    start = max(request.opened_at, request.call_after or request.opened_at)
    if request.kind == Kind.FOLLOW_UP or now >= request.contact_due:
        escalated = _once(request, What.ESCALATED) if request.kind != Kind.FOLLOW_UP else 0
        return _offer(request, people.supervisors, 3, now), escalated
    closest = _closest(request, people.on_duty) if now - start < WIDEN_AFTER else []
    if closest:
        return _offer(request, closest, 1, now), 0
    # After two minutes, or when nobody on duty covers the street and language.
    return _offer(request, [duty.person for duty in people.on_duty], 2, now), 0


def send_summaries(now=None):
    """Text each person with offers of waiting requests newer than their last text (at most
    one per ``ASSIST_SUMMARY_MINUTES``); return how many texts went out."""
    now = now or timezone.now()
    gap = timedelta(minutes=settings.ASSIST_SUMMARY_MINUTES)
    quiet = earliest_send_time(Purpose.ASSIST, False, now) > now
    sent = 0
    waiting = Offer.objects.filter(request__state=State.WAITING)
    for person_id in waiting.values_list("person_id", flat=True).distinct():
        last = Summary.objects.filter(person_id=person_id).order_by("-sent_at").first()
        if last is not None and now - last.sent_at < gap:
            continue
        theirs = waiting.filter(person_id=person_id)
        new = theirs.filter(offered_at__gt=last.sent_at) if last else theirs
        if not new.exists():
            continue
        urgent = new.filter(request__kind__in=URGENT_KINDS).exists()
        if quiet and not urgent:
            continue
        person = new.first().person
        if not person.phone:
            continue  # no phone: they see their offers on the desk
        count = theirs.count()
        with transaction.atomic():
            Summary.objects.create(person=person, sent_at=now, waiting=count)
            with translation.override(person.language):
                text = ngettext(
                    "%(count)s request for help waits for you: %(url)s",
                    "%(count)s requests for help wait for you: %(url)s",
                    count,
                ) % {"count": count, "url": settings.PUBLIC_BASE_URL + reverse("assist_desk")}
            notify.send(
                person.phone,
                "notice",
                {"text": text},
                purpose=Purpose.ASSIST,
                language=person.language,
                urgent=urgent,
            )
        sent += 1
    return sent


def offered_to(person):
    """The waiting requests offered to ``person``, the most overdue first."""
    return HelpRequest.objects.filter(state=State.WAITING, offers__person=person).order_by(
        "contact_due", "pk"
    )


def people_on_duty():
    """The duties of those who may act for residents now, their areas read once."""
    return list(on_duty_now().select_related("person").prefetch_related("streets", "districts"))


def _supervisors():
    supervisors = get_user_model().objects.with_perm(SUPERVISE, backend=MODEL_BACKEND)
    return list(supervisors.filter(is_active=True, is_staff=True, is_superuser=False))


def _closest(request, helpers):
    """The people on duty who cover the street (an application's case: its centre, see
    ``assist.application_cases``) and speak the language, least busy first."""
    covers = covering(request)
    matching = [
        duty
        for duty in helpers
        if covers(duty) and (request.language in duty.languages or not duty.languages)
    ]
    busy = dict(
        HelpRequest.objects.filter(state=State.HELD, holder__in=[d.person for d in matching])
        .values_list("holder")
        .annotate(n=Count("pk"))
    )
    matching.sort(key=lambda duty: busy.get(duty.person_id, 0))
    return [duty.person for duty in matching[:FIRST_ROUND]]


def _offer(request, people, round_, now):
    offers = [
        Offer(request=request, person=person, round=round_, offered_at=now) for person in people
    ]
    before = request.offers.count()
    Offer.objects.bulk_create(offers, ignore_conflicts=True)
    HelpRequest.objects.filter(pk=request.pk, offered_round__lt=round_).update(offered_round=round_)
    return request.offers.count() - before


def _once(request, what):
    if request.events.filter(what=what).exists():
        return 0
    RequestEvent.objects.create(request=request, what=what)
    return 1
