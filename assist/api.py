"""Requests for help: open one from any channel, take it, act under it, hand it back, close it.

Every channel opens requests here: the web ("call me back"), the services' announcements
(``portal.signals.needs_a_person``, see :mod:`assist.receivers`), a counter for a walk-in, the
phone line. A volunteer or counter member of staff on duty takes a request (:func:`take`):
exactly one holder however many press at once, under a lease that runs out
(:func:`end_lapsed_leases` gives it back). Only the holder acts for the resident, under the
request's reference and the consent the resident gave for it (:func:`acting_for`,
:func:`record_consent`); closing withdraws those consents.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assist.models import HelpRequest, Kind, Outcome, RequestEvent, State, Topic
from assist.opening import next_open
from content.hotline import hotline_number
from portal import queues
from portal.accounts.duty import may_act_now
from portal.accounts.roles import role_of
from portal.acting import Acting
from portal.channels import Channel
from portal.consent import api as consent_api
from portal.consent.models import Consent
from portal.notifications import api as notify
from portal.notifications.models import Purpose

What = RequestEvent.What

# The first call is due this soon after a request opens, or after the desk opens
# (assist.opening) when it comes in out of hours.
CONTACT_WITHIN = timedelta(minutes=10)
# Calls without an answer before a request may be closed as "resident unreachable".
UNREACHABLE_AFTER = 3
# A request still waiting this share of the way to its time to call is "due soon".
DUE_SOON_SHARE = 0.75


def lease_length():
    """How long a holder keeps a request without renewing it (``ASSIST_LEASE_MINUTES``)."""
    return timedelta(minutes=settings.ASSIST_LEASE_MINUTES)


def open_request(
    resident,
    *,
    kind,
    channel,
    topic=Topic.OTHER,
    note="",
    about="",
    opened_by=None,
    call_after=None,
    due=None,
    label="",
    centre=None,
):
    """Open a request for help for ``resident``; return it, waiting for a person.

    ``kind`` (a ``Kind``) says what started it, ``channel`` how the resident came, ``topic``
    what it is about, ``note`` anything they said, ``about`` the record a service named
    (``ride:12``), ``opened_by`` the member of staff who typed it in (None: the resident or the
    portal), ``call_after`` when the resident wants the call (None: now), ``due`` when the
    first contact is due (default: ten minutes after the desk is open then), ``label`` and
    ``centre`` an application's case label and the centre chosen to handle it
    (:mod:`assist.application_cases`). A resident with a request still open about the same
    record gets that one back.
    """
    kind, channel, topic = Kind(kind), Channel(channel), Topic(topic)
    with transaction.atomic():
        if about:
            open_one = _open_for(resident).filter(about=about).first()
            if open_one is not None:
                return open_one
        now = timezone.now()
        start = max(now, call_after or now)
        contact_due = due or next_open(start) + CONTACT_WITHIN
        request = HelpRequest.objects.create(
            resident=resident,
            kind=kind,
            topic=topic,
            channel=channel,
            note=(note or "").strip()[:2000],
            about=about,
            street_id=resident.street_id,
            language=resident.language,
            label=(label or "")[:30],
            centre=centre,
            opened_by=opened_by,
            opened_at=now,
            call_after=call_after,
            contact_due=contact_due,
            warn_at=start + (contact_due - start) * DUE_SOON_SHARE,
        )
        _log(request, What.OPENED, opened_by, note)
        _who_opened(request).record("opened_request", request=request.pk)
        transaction.on_commit(lambda: _offer_at_once(request.pk))
    return request


def _offer_at_once(request_id):
    from assist.tasks import offer_new  # the tasks module imports this one

    # Someone is waiting for a person: the first offer goes with the urgent work.
    offer_new.apply_async(args=[request_id], queue=queues.URGENT)


def take(request, user):
    """Let ``user`` (on duty, allowed to act) hold ``request``; True if they now hold it.

    Atomic: of any number pressing at once, exactly one gets it; the others get False. Taking
    a request one already holds renews the lease.
    """
    if not may_act_now(user):
        raise PermissionDenied(_("Only a volunteer or member of staff on duty can take requests."))
    now = timezone.now()
    with transaction.atomic():
        taken = HelpRequest.objects.filter(pk=request.pk, state=State.WAITING).update(
            state=State.HELD, holder=user, lease_until=now + lease_length()
        )
        if taken:
            _log(request, What.TAKEN, user)
            HelpRequest.objects.filter(pk=request.pk, first_contact_at__isnull=True).update(
                first_contact_at=now
            )
            request.refresh_from_db()
            acting_for(request, user).record("held_request", request=request.pk)
            return True
    request.refresh_from_db()
    return request.state == State.HELD and request.holder_id == user.pk and renew(request, user)


def renew(request, user):
    """Give ``user`` more time on the request they hold; True if they still hold it."""
    renewed = HelpRequest.objects.filter(
        pk=request.pk, state=State.HELD, holder=user, lease_until__gt=timezone.now()
    ).update(lease_until=timezone.now() + lease_length())
    if renewed:
        _log(request, What.RENEWED, user)
        request.refresh_from_db()
    return bool(renewed)


def release(request, user, note):
    """``user`` gives the request back to the queue; a note for the next person is required."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write a note for the next person: what was done, what is left."))
    with transaction.atomic():
        given_back = HelpRequest.objects.filter(
            pk=request.pk, state=State.HELD, holder=user
        ).update(state=State.WAITING, holder=None, lease_until=None)
        if not given_back:
            raise PermissionDenied(_("You do not hold this request."))
        _log(request, What.RELEASED, user, note)
    request.refresh_from_db()


def add_note(request, user, note):
    """Add ``note`` to the request's timeline, by its holder."""
    _require_holder(request, user)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("The note is empty."))
    _log(request, What.NOTE, user, note)


def acted(request, user, done):
    """Write down what the holder did for the resident and tell the resident who did it.

    ``done`` is a function of no arguments making the words (``"Taxi booked: ..."``): called
    once in the holder's language for the timeline, and once in the resident's for the text
    that goes to them ("Volunteer Li Si helped you: ... Questions: call ..."). Renews the lease.
    The same words again (a form sent twice returns the same ride or booking) are neither
    written nor sent twice.
    """
    _require_holder(request, user)
    note = done()
    if request.events.filter(what=What.DONE, note=note).exists():
        return
    _log(request, What.DONE, user, note)
    renew(request, user)
    role = role_of(user, request.resident)

    def text():
        return _("%(role)s %(name)s helped you: %(done)s Questions: call %(hotline)s.") % {
            "role": role.label if role else "",
            "name": user,
            "done": done(),
            "hotline": hotline_number(),
        }

    notify.send_to_resident(request.resident, text, purpose=Purpose.ASSIST, related=request)


def done_for(request):
    """What was done for the resident under ``request`` (see :func:`acted`), oldest first, with
    who did it: for the resident's page and the slip a counter prints."""
    return request.events.filter(what=What.DONE).select_related("actor").order_by("at", "pk")


def note_from_the_portal(request, note):
    """Add what the portal learnt (a booking refused under the request) to its timeline."""
    _log(request, What.NOTE, None, note)


def no_answer(request, user):
    """The holder called and nobody answered: write it down, keep the lease, tell the resident.

    The text says a person tried and will try again (until the third try, after which the
    request may be closed as unreachable) and gives the hotline. Returns the tries so far.
    """
    _require_holder(request, user)
    _log(request, What.NO_ANSWER, user)
    renew(request, user)
    tries = tries_without_answer(request)

    def text():
        if tries < UNREACHABLE_AFTER:
            words = _(
                "We called you about your request for help and could not get through. "
                "We will try again. Or call %(hotline)s."
            )
        else:
            words = _(
                "We called you three times about your request for help and could not get "
                "through. Call %(hotline)s when you can, or ask for a call back again."
            )
        return words % {"hotline": hotline_number()}

    notify.send_to_resident(request.resident, text, purpose=Purpose.ASSIST, related=request)
    return tries


def tries_without_answer(request):
    """How many times the resident was called under ``request`` without an answer."""
    return request.events.filter(what=What.NO_ANSWER).count()


def close(request, user, outcome, note=""):
    """Close the request with ``outcome`` (an ``Outcome``), by its holder.

    The consents the resident gave for this request end with it. "Unreachable" needs three
    calls without an answer written down first (:func:`no_answer`); ``ValidationError`` else.
    Once closed as done, the resident is asked how satisfied they were (``assist.follow_up``),
    except about an application: the service asks them to rate the application itself.
    """
    outcome = Outcome(outcome)
    _require_holder(request, user)
    tries = tries_without_answer(request)
    if outcome == Outcome.UNREACHABLE and tries < UNREACHABLE_AFTER:
        raise ValidationError(
            _("Call three times before closing as unreachable: %(tries)s so far.")
            % {"tries": tries}
        )
    with transaction.atomic():
        closed = HelpRequest.objects.filter(pk=request.pk, state=State.HELD, holder=user).update(
            state=State.CLOSED,
            holder=None,
            lease_until=None,
            outcome=outcome,
            closed_at=timezone.now(),
        )
        if not closed:
            raise PermissionDenied(_("You do not hold this request."))
        _log(request, What.CLOSED, user, note or outcome.label)
        for consent in Consent.objects.in_force().filter(
            resident=request.resident, grantee__isnull=True, reference=request.reference
        ):
            consent_api.revoke(consent, by=user, channel=_reached_by(request))
        Acting.for_resident(
            request.resident, user, channel=_reached_by(request), reference=request.reference
        ).record("closed_request", request=request.pk)
        if outcome == Outcome.DONE and request.kind not in (Kind.FOLLOW_UP, Kind.APPLICATION):
            transaction.on_commit(lambda: _ask_for_rating_soon(request.pk))
    request.refresh_from_db()


def _ask_for_rating_soon(request_id):
    from assist.tasks import ask_for_rating  # the tasks module imports this one

    ask_for_rating.apply_async(args=[request_id], queue=queues.DEFAULT)


def end_lapsed_leases(now=None):
    """Give back every request whose holder's time ran out; return how many."""
    now = now or timezone.now()
    ended = 0
    for request in HelpRequest.objects.filter(state=State.HELD, lease_until__lte=now):
        holder = request.holder
        with transaction.atomic():
            given_back = HelpRequest.objects.filter(
                pk=request.pk, state=State.HELD, holder=holder, lease_until__lte=now
            ).update(state=State.WAITING, holder=None, lease_until=None)
            if given_back:
                _log(
                    request,
                    What.LEASE_ENDED,
                    holder,
                    _("%(who)s did not renew in time.") % {"who": holder},
                )
                ended += 1
    return ended


def acting_for(request, user, *, channel=None):
    """The acting context in which ``user``, the request's holder, acts for its resident.

    ``channel`` defaults to how the holder reaches the resident: at the counter for a walk-in,
    otherwise by phone (they call back). Raises ``PermissionDenied`` for anyone who does not
    hold it now; services still ask for the resident's consent.
    """
    _require_holder(request, user)
    return Acting.for_resident(
        request.resident,
        user,
        channel=channel or _reached_by(request),
        reference=request.reference,
    )


def record_consent(request, user, scope, given_via):
    """Record the permission the resident gave the holder of ``request`` for ``scope``.

    Good for whoever holds this request, until it closes (or two days at most).
    """
    _require_holder(request, user)
    with transaction.atomic():
        consent = consent_api.grant(
            request.resident,
            scope,
            reference=request.reference,
            given_via=given_via,
            recorded_by=user,
        )
        _log(request, What.CONSENT, user, str(consent.get_scope_display()))
    return consent


def open_request_of(resident):
    """``resident``'s newest request not yet closed, or None."""
    return _open_for(resident).order_by("-opened_at", "-pk").first()


def requests_of(resident):
    """``resident``'s requests, newest first (for "my requests")."""
    return HelpRequest.objects.filter(resident=resident).order_by("-opened_at", "-pk")


def waiting():
    """Requests waiting for a person, the most overdue first."""
    return (
        HelpRequest.objects.filter(state=State.WAITING)
        .select_related("street__district", "centre")
        .order_by("contact_due", "pk")
    )


def held_by(user):
    """The requests ``user`` holds now."""
    return HelpRequest.objects.filter(state=State.HELD, holder=user).order_by("lease_until")


def holds(request, user):
    """True when ``user`` holds ``request`` now (the lease has not run out)."""
    return (
        request.state == State.HELD
        and request.holder_id == user.pk
        and request.lease_until is not None
        and request.lease_until > timezone.now()
    )


def _who_opened(request):
    if request.opened_by is not None:
        return Acting.for_resident(
            request.resident,
            request.opened_by,
            channel=Channel(request.channel),
            reference=request.reference,
        )
    if request.channel == Channel.SYSTEM:
        return Acting.by_portal(request.resident, reference=request.reference)
    return Acting.by_resident(
        request.resident, Channel(request.channel), reference=request.reference
    )


def _reached_by(request):
    return Channel.COUNTER if request.channel == Channel.COUNTER else Channel.PHONE


def _require_holder(request, user):
    request.refresh_from_db()
    if not holds(request, user):
        raise PermissionDenied(_("Take this request first: only the person holding it may act."))


def _open_for(resident):
    return HelpRequest.objects.filter(resident=resident).exclude(state=State.CLOSED)


def _log(request, what, actor=None, note=""):
    RequestEvent.objects.create(request=request, what=what, actor=actor, note=note or "")
