"""Taxi API: the one entry every channel (web, phone, volunteer, counter) uses for taxi rides.

- :func:`request_ride` books a ride (one tap: from home, now, no destination needed);
- :func:`cancel_ride` cancels it; :func:`ride_status` says where it is in plain words;
- :func:`history` and :func:`active_ride` list a resident's rides;
- :func:`apply_event` applies what the dispatch provider reports (webhook, poll, simulation);
- :func:`mark_needs_help` and :func:`rides_needing_help` are for the assisted channel: rides
  where no car came and a person should call the resident back.

A ride's status only moves forward (``services.taxi.models.may_move``). The resident is told
each step that matters through the outbox, in their language and by their preferred channel.
"""

import logging
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.audit import api as audit
from portal.audit.models import Channel
from portal.consent.api import require_consent
from portal.consent.models import Scope
from portal.notifications import api as notify
from portal.notifications.models import Purpose
from services.taxi.models import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    Ride,
    RideEvent,
    Status,
    may_move,
)
from services.taxi.providers.base import get_provider

logger = logging.getLogger(__name__)

# How many times the portal asks the provider again after a driver cancelled; then "no car".
MAX_REDISPATCHES = 2
# A ride can be booked for now or for a time up to this far ahead.
MAX_AHEAD = timedelta(hours=6)
# A pick-up time this little in the past (a slow form) still means "now".
PAST_GRACE = timedelta(minutes=5)
# With a helper booking a second ride on purpose, a resident has at most this many at once.
MAX_ACTIVE_WITH_HELPER = 2
# The one-key service line, when the content team has not entered a hotline yet.
FALLBACK_HOTLINE = "962200"


class RideRefused(ValidationError):
    """A ride could not be booked or cancelled; ``str()`` says why in the active language.

    ``code`` tells views which case it was; ``ride`` is the ride concerned, if any (for
    :class:`RideAlreadyActive`, the resident's ride that is still going).
    """

    def __init__(self, message, code, ride=None):
        super().__init__(message, code=code)
        self.ride = ride

    def __str__(self):
        return str(self.message)


class NoPickupAddress(RideRefused):
    """No pick-up address was given and the resident has no home address saved."""


class PickupTooFarAhead(RideRefused):
    """The pick-up time is more than six hours ahead."""


class PickupInThePast(RideRefused):
    """The pick-up time has passed."""


class RideAlreadyActive(RideRefused):
    """The resident already has a ride going (``.ride``)."""


class NotCancellable(RideRefused):
    """The ride has ended or the trip has begun: it can no longer be cancelled."""


# ---------------------------------------------------------------------------------------------
# Booking and cancelling


def request_ride(
    resident,
    *,
    acting_user,
    channel,
    idempotency_key,
    pickup_address=None,
    pickup_note="",
    destination="",
    pickup_at=None,
    driver_notes=None,
    second_ride=False,
):
    """Book a taxi for ``resident``; return the :class:`~services.taxi.models.Ride`.

    ``acting_user`` is who taps (the resident, a family member, a volunteer, counter staff);
    acting for someone else needs their taxi consent (raises ``ConsentRequired`` before anything
    is written), which is kept on the ride and in the audit entry. ``channel`` is a
    ``portal.audit.models.Channel`` value.

    ``idempotency_key`` names this tap: calling again with the same key returns the same ride
    (a double tap books one taxi). ``pickup_address`` defaults to the resident's home address;
    ``destination`` may stay empty; ``pickup_at`` is None for now, or a time up to six hours
    ahead; ``driver_notes`` default to what the resident's profile says they need (wheelchair,
    help getting in).

    A resident has one active ride at a time: another raises :class:`RideAlreadyActive` (with
    the active ride), unless a helper books a second one on purpose (``second_ride=True``).
    Other refusals raise :class:`NoPickupAddress`, :class:`PickupTooFarAhead` or
    :class:`PickupInThePast`, with nothing written. Writes a ``booked_taxi`` audit entry; the
    order goes to the dispatch provider once the booking is committed.
    """
    channel = Channel(channel)
    # Cut to the column's length before looking it up, so a long key finds its own ride.
    idempotency_key = str(idempotency_key or "").strip()[
        : Ride._meta.get_field("idempotency_key").max_length
    ]
    if not idempotency_key:
        raise ValueError("request_ride needs an idempotency_key (one per tap)")
    on_behalf = acting_user.pk != resident.pk
    consent = require_consent(resident, Scope.TAXI, acting_user) if on_behalf else None

    with transaction.atomic():
        # Every booking for this resident waits here for the one before it: PostgreSQL locks
        # the row; SQLite (IMMEDIATE transactions) has already locked the database.
        person = get_user_model().objects.select_for_update().get(pk=resident.pk)
        existing = Ride.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.resident_id != resident.pk:
                raise ValueError("This idempotency key was used for another resident's ride.")
            return existing

        pickup_address = (pickup_address or person.home_address or "").strip()
        if not pickup_address:
            raise NoPickupAddress(
                _("We need an address to send the taxi to. Add your home address first."),
                code="no_pickup_address",
            )
        pickup_at = _check_pickup_time(pickup_at)
        if driver_notes is None:
            driver_notes = notes_from_needs(person)

        active = list(
            Ride.objects.filter(resident=resident, status__in=ACTIVE_STATUSES).order_by(
                "-created_at", "-pk"
            )
        )
        if active and not (second_ride and on_behalf and len(active) < MAX_ACTIVE_WITH_HELPER):
            raise RideAlreadyActive(
                _("You already have a taxi on its way. Cancel it first to book another."),
                code="ride_already_active",
                ride=active[0],
            )

        ride = Ride.objects.create(
            resident=resident,
            requested_by=acting_user,
            channel=channel,
            consent=consent,
            pickup_address=pickup_address[:200],
            pickup_note=(pickup_note or "").strip()[:200],
            destination=(destination or "").strip()[:200],
            pickup_at=pickup_at,
            driver_notes=(driver_notes or "").strip()[:300],
            provider=get_provider().name,
            idempotency_key=idempotency_key,
        )
        audit.record(
            resident,
            "booked_taxi",
            actor=acting_user,
            channel=channel,
            consent=consent,
            ride=ride.pk,
        )
        if on_behalf:
            _tell_helper_acted(ride, acting_user, _("%(who)s booked a taxi for you."))
        transaction.on_commit(lambda: _queue_dispatch(ride.pk, 0))
    return ride


def cancel_ride(ride, *, acting_user, channel, reason=""):
    """Cancel ``ride`` as asked by ``acting_user``; return the ride, now cancelled.

    Acting for someone else needs their taxi consent. Cancelling a ride that is already
    cancelled changes nothing (a double tap on the cancel button); a ride that has ended or
    whose trip has begun raises :class:`NotCancellable`. Writes a ``cancelled_taxi`` audit
    entry, tells the resident, and cancels the provider's order once committed.
    """
    channel = Channel(channel)
    on_behalf = acting_user.pk != ride.resident_id
    consent = require_consent(ride.resident, Scope.TAXI, acting_user) if on_behalf else None
    with transaction.atomic():
        locked = Ride.objects.select_for_update().select_related("resident").get(pk=ride.pk)
        if locked.status == Status.CANCELLED:
            return locked
        if not may_move(locked.status, Status.CANCELLED):
            raise NotCancellable(
                _("This taxi can no longer be cancelled: the trip has begun or ended."),
                code="not_cancellable",
                ride=locked,
            )
        locked.status = Status.CANCELLED
        locked.cancel_reason = (reason or "").strip()[:200]
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        audit.record(
            locked.resident,
            "cancelled_taxi",
            actor=acting_user,
            channel=channel,
            consent=consent,
            ride=locked.pk,
        )
        if on_behalf:
            _tell_helper_acted(locked, acting_user, _("%(who)s cancelled your taxi."))
        else:
            _tell(locked, lambda: gettext("Your taxi has been cancelled."))
        transaction.on_commit(lambda: _queue_provider_cancel(locked.pk, locked.cancel_reason))
    _copy(locked, ride)
    return ride


# ---------------------------------------------------------------------------------------------
# Reading


def ride_status(ride):
    """Where ``ride`` is now, in plain words, as a dict ready for a page or JSON.

    Keys: ``ride`` (id), ``status`` (code), ``label`` (short name of the state), ``words`` (a
    sentence for the resident, in the active language), ``minutes_words`` (or ""),
    ``car_plate``, ``car_colour`` (in words), ``driver_phone``, ``driver_tel`` (a ``tel:``
    link or ""), ``minutes_away`` (or None), ``pickup_address``, ``pickup_note``,
    ``destination``, ``pickup_at`` (ISO time or None), ``active``, ``final``, ``can_cancel``
    and ``needs_help``.
    """
    status = Status(ride.status)
    has_car = status in (Status.CAR_FOUND, Status.ARRIVED, Status.ON_TRIP)
    minutes = ride.minutes_away if status == Status.CAR_FOUND else None
    return {
        "ride": ride.pk,
        "status": status.value,
        "label": str(status.label),
        "words": _state_words(ride),
        "minutes_words": (
            ngettext("About %(minutes)d minute away.", "About %(minutes)d minutes away.", minutes)
            % {"minutes": minutes}
            if minutes is not None
            else ""
        ),
        "car_plate": ride.car_plate if has_car else "",
        "car_colour": colour_words(ride.car_colour) if has_car else "",
        "driver_phone": _phone_words(ride.driver_phone) if has_car else "",
        "driver_tel": f"tel:{ride.driver_phone}" if has_car and ride.driver_phone else "",
        "minutes_away": minutes,
        "pickup_address": ride.pickup_address,
        "pickup_note": ride.pickup_note,
        "destination": ride.destination,
        "pickup_at": ride.pickup_at.isoformat() if ride.pickup_at else None,
        "active": status in ACTIVE_STATUSES,
        "final": status in FINAL_STATUSES,
        "can_cancel": may_move(status, Status.CANCELLED),
        "needs_help": ride.needs_help,
    }


def history(resident):
    """``resident``'s rides, newest first."""
    return Ride.objects.filter(resident=resident).order_by("-created_at", "-pk")


def active_ride(resident):
    """``resident``'s newest ride that has not ended, or None."""
    return history(resident).filter(status__in=ACTIVE_STATUSES).first()


def rides_needing_help():
    """Rides marked as needing a person (no car came), oldest first, for the assisted channel.

    Nothing clears the mark yet: the list keeps rides a person has already helped with.
    """
    return Ride.objects.filter(needs_help=True).select_related("resident").order_by("updated_at")


def mark_needs_help(ride):
    """Mark ``ride`` as needing a person: no car was found or the driver did not come.

    The assisted channel (volunteers, the phone line) lists these with
    :func:`rides_needing_help` and calls the resident back. Idempotent; returns the ride.
    """
    if not ride.needs_help:
        Ride.objects.filter(pk=ride.pk).update(needs_help=True, updated_at=timezone.now())
        ride.needs_help = True
        logger.info("taxi ride %s needs a person to help", ride.pk)
    return ride


# ---------------------------------------------------------------------------------------------
# What the provider tells us


_REFERENCE = re.compile(r"^ride-(?P<ride>\d+)-(?P<attempt>\d+)$")


def apply_event(provider, event_id, kind, data=None):
    """Apply one event from dispatch provider ``provider`` (its name); True if the ride changed.

    ``kind`` is a status code (``"looking"``, ``"car_found"``, ``"arrived"`` ...). ``data``
    names the ride by ``reference`` (the dispatch key given to ``create``) or ``order_id``, and
    may carry ``plate``, ``colour``, ``driver_phone`` and ``minutes_away``.

    Each event is kept once by ``(provider, event_id)``: a repeat changes nothing. A ride only
    moves forward, so a late event (``looking`` after ``car_found``) changes nothing, except
    that car details missing so far are filled in. Events about an earlier dispatch attempt
    (before the portal asked again) are kept but ignored. A ``driver_cancelled`` makes the
    portal ask the provider again, up to :data:`MAX_REDISPATCHES` times, then it is "no car".
    """
    data = dict(data or {})
    event_id, kind = str(event_id), str(kind)
    if RideEvent.objects.filter(provider=provider, event_id=event_id).exists():
        return False
    with transaction.atomic():
        ride, current = _ride_for_event(provider, data)
        try:
            with transaction.atomic():
                event = RideEvent.objects.create(
                    ride=ride, provider=provider, event_id=event_id, kind=kind, data=data
                )
        except IntegrityError:  # the same event, applied by someone else just now
            return False
        if ride is None or not current:
            return False
        changed = _apply(ride, kind, data)
        if changed:
            event.applied = True
            event.save(update_fields=["applied"])
    return changed


def dispatched(ride_id, attempt, provider, order_id):
    """The provider took the order for dispatch attempt ``attempt``: keep its order id.

    Called by the dispatch task. A ride still at "requested" is now "looking for a car"; a
    ride cancelled meanwhile has its new order cancelled too.
    """
    with transaction.atomic():
        ride = Ride.objects.select_for_update().filter(pk=ride_id).first()
        if ride is None or ride.redispatches != attempt:
            return
        ride.provider = provider
        ride.provider_order_id = str(order_id or "")[:80]
        ride.save(update_fields=["provider", "provider_order_id", "updated_at"])
        if ride.status == Status.CANCELLED:
            transaction.on_commit(lambda: _queue_provider_cancel(ride.pk, ride.cancel_reason))
        else:
            _advance(ride, Status.LOOKING, {})


def dispatch_failed(ride_id, attempt):
    """The provider refused the order, or kept failing: no car, and a person should help."""
    with transaction.atomic():
        ride = Ride.objects.select_for_update().filter(pk=ride_id).first()
        if ride is None or ride.redispatches != attempt:
            return
        _advance(ride, Status.NO_CAR, {})


# ---------------------------------------------------------------------------------------------
# Inside


def _check_pickup_time(pickup_at):
    if pickup_at is None:
        return None
    now = timezone.now()
    if pickup_at < now - PAST_GRACE:
        raise PickupInThePast(
            _("That time has passed. Choose now or a later time."), code="pickup_in_the_past"
        )
    if pickup_at > now + MAX_AHEAD:
        raise PickupTooFarAhead(
            _("A taxi can be booked up to 6 hours ahead. Choose an earlier time."),
            code="pickup_too_far_ahead",
        )
    return pickup_at if pickup_at > now else None


def notes_from_needs(person):
    """The notes for the driver that ``person``'s profile asks for (wheelchair, help getting
    in), in Chinese whatever the resident's language, because the driver reads them."""
    notes = []
    if person.needs_wheelchair:
        notes.append("wheelchair")
    if person.needs_boarding_help:
        notes.append("boarding_help")
    with translation.override("zh-hans"):
        words = {
            "wheelchair": gettext("Uses a wheelchair: needs room for it."),
            "boarding_help": gettext("Needs help getting into the car."),
        }
        return " ".join(words[note] for note in notes)


def _tell_helper_acted(ride, acting_user, words):
    """Tell the resident (in their language, at once) that ``acting_user`` did ``words``.

    ``words`` has a ``%(who)s``: family by name, staff by role. Sent like every taxi message:
    a taxi booked at night cannot wait for the morning.
    """

    def text():
        who = gettext("A helper from the service centre") if acting_user.is_staff else acting_user
        return str(words) % {"who": who}

    _tell(ride, text)


def _ride_for_event(provider, data):
    """The locked ride an event is about, and whether it is about the current attempt."""
    match = _REFERENCE.match(str(data.get("reference") or ""))
    rides = Ride.objects.select_for_update().filter(provider=provider)
    if match:
        ride = rides.filter(pk=int(match["ride"])).first()
        return ride, ride is not None and ride.redispatches == int(match["attempt"])
    order_id = str(data.get("order_id") or "")
    if order_id:
        ride = rides.filter(provider_order_id=order_id).first()
        return ride, ride is not None
    return None, False


_CAR_FIELDS = {"plate": "car_plate", "colour": "car_colour", "driver_phone": "driver_phone"}


def _take_car_details(ride, data, *, overwrite):
    changed = False
    for key, field in _CAR_FIELDS.items():
        value = str(data.get(key) or "").strip()[: Ride._meta.get_field(field).max_length]
        if value and (overwrite or not getattr(ride, field)) and getattr(ride, field) != value:
            setattr(ride, field, value)
            changed = True
    if overwrite and data.get("minutes_away") not in (None, ""):
        try:
            ride.minutes_away = max(0, min(int(data["minutes_away"]), 999))
            changed = True
        except (TypeError, ValueError):
            pass
    return changed


def _apply(ride, kind, data):
    try:
        new = Status(kind)
    except ValueError:
        logger.warning("taxi ride %s: unknown event kind %r ignored", ride.pk, kind)
        return False
    if _advance(ride, new, data):
        return True
    # A late event: keep what it says about the car if we did not know it yet.
    if ride.status not in FINAL_STATUSES and _take_car_details(ride, data, overwrite=False):
        ride.save()
        return True
    return False


# What the resident is told when a ride ends without a car; each also offers a person.
_SORRY = {
    Status.NO_CAR: _("Sorry, no taxi was found."),
    Status.NO_DRIVER_ANSWER: _("Sorry, no taxi was found."),
    Status.DRIVER_NO_SHOW: _("Sorry, the driver did not come."),
    # Cancelled by the taxi company (the resident's own cancel never comes through here).
    Status.CANCELLED: _("Sorry, the taxi company cancelled your taxi."),
}


def _advance(ride, new, data):
    """Move the locked ``ride`` forward to ``new`` and tell the resident; False if not allowed."""
    if not may_move(ride.status, new):
        return False
    ride.status = new
    _take_car_details(ride, data, overwrite=True)
    if new != Status.CAR_FOUND:
        ride.minutes_away = None
    ride.save()
    if new == Status.CAR_FOUND:
        _tell(ride, lambda: _car_found_text(ride))
    elif new == Status.ARRIVED:
        _tell(
            ride,
            lambda: (
                gettext("Your taxi is here: %(plate)s %(colour)s. The driver will call you.")
                % {"plate": ride.car_plate, "colour": colour_words(ride.car_colour)}
            ),
        )
    elif new == Status.DRIVER_CANCELLED:
        _ask_again(ride)
    elif new in _SORRY:  # no car, or none came: a person should help
        mark_needs_help(ride)
        _tell(ride, lambda: _with_offer(ride, str(_SORRY[new])))
    elif new == Status.PASSENGER_NO_SHOW:
        _tell(
            ride,
            lambda: (
                gettext(
                    "The driver could not find you and has left. Call %(hotline)s if you still "
                    "need a taxi."
                )
                % {"hotline": _hotline(ride.resident.language)}
            ),
        )
    return True


def _ask_again(ride):
    """The driver cancelled: ask the provider for another car, a bounded number of times."""
    if ride.redispatches >= MAX_REDISPATCHES:
        _advance(ride, Status.NO_CAR, {})
        return
    ride.redispatches += 1
    ride.status = Status.LOOKING  # a new attempt: the one step back a ride may take
    ride.car_plate = ride.car_colour = ride.driver_phone = ride.provider_order_id = ""
    ride.minutes_away = None
    ride.save()
    _tell(ride, lambda: gettext("The driver cancelled. We are looking for another car for you."))
    attempt = ride.redispatches
    transaction.on_commit(lambda: _queue_dispatch(ride.pk, attempt))


def _queue_dispatch(ride_id, attempt):
    from services.taxi.tasks import dispatch_ride

    try:
        dispatch_ride.apply_async(args=[ride_id], kwargs={"attempt": attempt}, queue="urgent")
    except _broker_errors():
        logger.exception("could not queue dispatch of taxi ride %s", ride_id)


def _queue_provider_cancel(ride_id, reason):
    from services.taxi.tasks import cancel_at_provider

    try:
        cancel_at_provider.apply_async(args=[ride_id], kwargs={"reason": reason}, queue="urgent")
    except _broker_errors():
        logger.exception("could not queue the provider cancel of taxi ride %s", ride_id)


def _broker_errors():
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError)


def _copy(source, target):
    if source is not target:
        for field in Ride._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


# ---------------------------------------------------------------------------------------------
# Words


# Colours as providers send them (English words), in the resident's language.
COLOURS = {
    "white": _("white"),
    "blue": _("blue"),
    "green": _("green"),
    "silver": _("silver"),
    "yellow": _("yellow"),
    "red": _("red"),
    "black": _("black"),
}


def colour_words(colour):
    """A car colour in the active language; colours we do not know are shown as sent."""
    colour = (colour or "").strip()
    known = COLOURS.get(colour.lower())
    return str(known) if known is not None else colour


def _phone_words(phone):
    """A Chinese number as people dial it at home: without +86."""
    phone = phone or ""
    return phone[3:] if phone.startswith("+86") else phone


def _hotline(language):
    from content.models import Hotline

    hotline = Hotline.objects.filter(locale__language_code=language).first()
    return hotline.number if hotline and hotline.number else FALLBACK_HOTLINE


def _car_found_text(ride):
    values = {
        "plate": ride.car_plate,
        "colour": colour_words(ride.car_colour),
        "phone": _phone_words(ride.driver_phone),
        "minutes": ride.minutes_away,
    }
    if ride.minutes_away is None:
        return gettext("Car coming: %(plate)s %(colour)s. Driver %(phone)s.") % values
    return gettext("Car coming: %(plate)s %(colour)s. Driver %(phone)s, about %(minutes)s min.") % (
        values
    )


def _with_offer(ride, sorry):
    """``sorry``, then the human way: the hotline, where a person helps.

    The ride is marked as needing help as well, so the assisted channel calls back; the
    message asks for no reply, because nothing reads replies to a text.
    """
    offer = gettext("Call %(hotline)s and a person will help you.") % {
        "hotline": _hotline(ride.resident.language)
    }
    return gettext("%(sorry)s %(offer)s") % {"sorry": sorry, "offer": offer}


def _tell(ride, text):
    """Send the resident ``text()`` (made in their language) by their preferred channel."""
    resident = ride.resident
    if not resident.phone:
        return None
    with translation.override(resident.language):
        body = text()
    return notify.send(
        resident.phone,
        "notice",
        {"text": body},
        purpose=Purpose.TAXI,
        channel=resident.notify_by or "sms",
        language=resident.language,
        urgent=True,
        related=ride,
    )


_STATE_WORDS = {
    Status.REQUESTED: _("We have your request and are asking for a car."),
    Status.LOOKING: _("Looking for a car near you."),
    Status.CAR_FOUND: _("A car is on its way to you."),
    Status.ARRIVED: _("Your car is here. The driver will call you."),
    Status.ON_TRIP: _("You are on your way."),
    Status.DONE: _("The trip has ended."),
    Status.NO_CAR: _("No car was found. A person will help you: call %(hotline)s."),
    Status.NO_DRIVER_ANSWER: _("No driver answered. A person will help you: call %(hotline)s."),
    Status.DRIVER_CANCELLED: _("The driver cancelled. We are asking for another car."),
    Status.DRIVER_NO_SHOW: _("The driver did not come. A person will help you: call %(hotline)s."),
    Status.PASSENGER_NO_SHOW: _("The driver could not find you and has left."),
    Status.CANCELLED: _("This taxi was cancelled."),
}


def _state_words(ride):
    status = Status(ride.status)
    if status in (Status.REQUESTED, Status.LOOKING) and ride.pickup_at:
        return gettext("Your taxi is booked for %(time)s.") % {
            "time": timezone.localtime(ride.pickup_at).strftime("%H:%M")
        }
    words = str(_STATE_WORDS[status])
    if "%(hotline)s" in words:
        words = words % {"hotline": _hotline(translation.get_language() or "zh-hans")}
    return words
