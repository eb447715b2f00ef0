"""What the dispatch provider tells us about a ride, and what follows for the resident.

A ride's status only moves forward (``services.taxi.models.may_move``); each step that
matters is told to the resident (:mod:`services.taxi.telling`), and a ride that ends without
a car is announced as needing a person (:mod:`services.taxi.assisted`). Channels call these
through :mod:`services.taxi.api`.
"""

import logging
import re

from django.db import IntegrityError, transaction

from services.taxi import words
from services.taxi.assisted import announce_no_car
from services.taxi.models import (
    CANCELLED_BY_COMPANY,
    FINAL_STATUSES,
    Ride,
    RideEvent,
    Status,
    may_move,
)
from services.taxi.providers.base import minutes_away
from services.taxi.queueing import queue_dispatch, queue_provider_cancel
from services.taxi.telling import tell, tell_ride_ended

# Logged under the taxi API's name, as before these modules were split out of it.
logger = logging.getLogger("services.taxi.api")

# How many times the portal asks the provider again after a driver cancelled; then "no car".
MAX_REDISPATCHES = 2

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

    Raises ``ValueError``, with nothing written, when ``minutes_away`` is not a sane number
    (see :func:`services.taxi.providers.base.minutes_away`).
    """
    data = dict(data or {})
    event_id, kind = str(event_id), str(kind)
    if data.get("minutes_away") is not None:
        # Checked before anything is kept: the same on SQLite and PostgreSQL, whose JSON
        # column refuses NaN and Infinity.
        data["minutes_away"] = minutes_away(data["minutes_away"])
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
            if kind == Status.CAR_FOUND:  # the first car counts for the time to a car
                Ride.objects.filter(pk=ride.pk, car_found_at__isnull=True).update(
                    car_found_at=event.received_at
                )
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
            transaction.on_commit(lambda: queue_provider_cancel(ride.pk, ride.cancel_reason))
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
    if overwrite and _take_minutes(ride, data):
        changed = True
    return changed


def _take_minutes(ride, data):
    """Keep ``data``'s "minutes away" (checked by apply_event) on ``ride``; True if new."""
    minutes = data.get("minutes_away")
    if minutes is None:
        return False
    changed = minutes != ride.minutes_away
    ride.minutes_away = minutes
    return changed


def _apply(ride, kind, data):
    try:
        new = Status(kind)
    except ValueError:
        logger.warning("taxi ride %s: unknown event kind %r ignored", ride.pk, kind)
        return False
    if _advance(ride, new, data):
        return True
    # The car is still coming: a fresh "minutes away" replaces the first estimate (the status
    # page shows it; nobody is messaged again).
    if new == ride.status == Status.CAR_FOUND and _take_minutes(ride, data):
        ride.save()
        return True
    # A late event: keep what it says about the car if we did not know it yet.
    if ride.status not in FINAL_STATUSES and _take_car_details(ride, data, overwrite=False):
        ride.save()
        return True
    return False


def _advance(ride, new, data):
    """Move the locked ``ride`` forward to ``new`` and tell the resident; False if not allowed."""
    if not may_move(ride.status, new):
        return False
    ride.status = new
    _take_car_details(ride, data, overwrite=True)
    if new != Status.CAR_FOUND:
        ride.minutes_away = None
    if new == Status.CANCELLED:  # the resident's own cancel never comes through here
        ride.cancel_reason = ride.cancel_reason or CANCELLED_BY_COMPANY
    ride.save()
    if new == Status.CAR_FOUND:
        tell(ride, lambda: words.car_found_text(ride))
    elif new == Status.ARRIVED:
        tell(ride, lambda: words.arrived_text(ride))
    elif new == Status.DRIVER_CANCELLED:
        _ask_again(ride)
    elif new in words.SORRY:  # no car, or none came: a person should help
        announce_no_car(ride)
        tell(ride, lambda: words.sorry_text(ride, new))
    elif new == Status.PASSENGER_NO_SHOW:
        tell(ride, lambda: words.passenger_no_show_text(ride))
    elif new == Status.DONE:  # the trip is over: how was it? (好差评)
        tell_ride_ended(ride)
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
    tell(ride, words.looking_again_text)
    attempt = ride.redispatches
    transaction.on_commit(lambda: queue_dispatch(ride.pk, attempt))
