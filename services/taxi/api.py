"""Taxi API: the one entry every channel (web, phone, volunteer, counter) uses for taxi rides.

- :func:`request_ride` books a ride (one tap: from home, now, no destination needed);
- :func:`cancel_ride` cancels it; :func:`ride_status` says where it is in plain words;
- :func:`history` and :func:`active_ride` list a resident's rides;
- :func:`apply_event` applies what the dispatch provider reports (webhook, poll, simulation),
  :func:`dispatched` and :func:`dispatch_failed` what the dispatch task got back;
- when no car came, the service announces ``portal.signals.needs_a_person`` (``reason`` is
  the ride's status, ``record`` is ``ride:<id>``) and the human channels call the resident back.

Every call that acts for a resident takes an acting context (``portal.acting.Acting``): who
acts, as what, through which channel, under which reference. It is kept on the ride and on the
audit entry.

A ride's status only moves forward (``services.taxi.models.may_move``). The resident is told
each step that matters through the outbox, in their language and by their preferred channel.

Channels import from here only; the insides live next door:

- :mod:`services.taxi.events`: applying the provider's events, asking again after a driver
  cancelled;
- :mod:`services.taxi.words`: what the resident reads or hears (and the driver's notes);
- :mod:`services.taxi.telling`: sending those words through the outbox;
- :mod:`services.taxi.assisted`: announcing rides where a person should help;
- :mod:`services.taxi.queueing`: handing dispatch and provider cancels to Celery.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.channels import Channel
from portal.consent.models import Scope
from portal.journeys import api as journeys
from portal.privacy import agreements
from portal.privacy.models import Purpose
from services.taxi import words
from services.taxi.events import MAX_REDISPATCHES, apply_event, dispatch_failed, dispatched
from services.taxi.models import ACTIVE_STATUSES, FINAL_STATUSES, Ride, Status
from services.taxi.providers.base import get_provider
from services.taxi.queueing import queue_dispatch, queue_provider_cancel
from services.taxi.telling import tell, tell_helper_acted, tell_ordered_by_phone
from services.taxi.words import COLOURS, FALLBACK_HOTLINE, colour_words, notes_from_needs

# The public API: what is defined here, and what channels reach through here from the modules
# above (they import from this module only).
__all__ = [
    "COLOURS",
    "FALLBACK_HOTLINE",
    "MAX_ACTIVE_WITH_HELPER",
    "MAX_REDISPATCHES",
    "PAST_GRACE",
    "DataNotAgreed",
    "NoPickupAddress",
    "NotCancellable",
    "PickupInThePast",
    "PickupTooFarAhead",
    "RideAlreadyActive",
    "RideRefused",
    "TapKeyTaken",
    "active_ride",
    "apply_event",
    "cancel_ride",
    "colour_words",
    "dispatch_failed",
    "dispatched",
    "history",
    "latest_pickup",
    "notes_from_needs",
    "request_ride",
    "ride_counts",
    "ride_status",
    "rides_by_channel",
    "time_to_car",
]

# A ride can be booked for now or for a time today or tomorrow (Shanghai): a taxi for an
# 8:00 hospital visit is booked the evening before.
# A pick-up time this little in the past (a slow form) still means "now".
PAST_GRACE = timedelta(minutes=5)
# A ride can be cancelled until its car arrives (then the driver is told instead).
MAY_CANCEL = frozenset({Status.REQUESTED, Status.LOOKING, Status.CAR_FOUND})
# With a helper booking a second ride on purpose, a resident has at most this many at once.
MAX_ACTIVE_WITH_HELPER = 2
# A car was found for the ride, whatever came after.
CAR_FOUND = frozenset(
    {Status.CAR_FOUND, Status.ARRIVED, Status.ON_TRIP, Status.DONE, Status.PASSENGER_NO_SHOW}
)
# Refusals that turn nobody away (they have a ride going; a stale tap): not counted as such.
NOT_TURNED_AWAY = frozenset({"ride_already_active", "tap_key_taken"})


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
    """The pick-up time is after tomorrow."""


class PickupInThePast(RideRefused):
    """The pick-up time has passed."""


class RideAlreadyActive(RideRefused):
    """The resident already has a ride going (``.ride``)."""


class NotCancellable(RideRefused):
    """The ride has ended or the trip has begun: it can no longer be cancelled."""


class DataNotAgreed(RideRefused):
    """The resident has not agreed that the portal keeps their address and trips (or
    withdrew it): every channel asks first (``portal.privacy.agreements``)."""


def _require_agreement(resident):
    try:
        agreements.require(resident, Purpose.TAXI)
    except agreements.NotAgreed as refusal:
        raise DataNotAgreed(
            f"{refusal.message} {refusal.what_instead}", code="not_agreed"
        ) from None


class TapKeyTaken(RideRefused):
    """The tap's key names another resident's ride (a page left open when someone else
    signed in on the same device, or a forged form): nothing is booked, and that ride is
    neither shown nor changed."""


# ---------------------------------------------------------------------------------------------
# Booking and cancelling


def request_ride(
    acting,
    *,
    idempotency_key,
    pickup_address=None,
    pickup_note="",
    destination="",
    pickup_at=None,
    driver_notes=None,
    second_ride=False,
):
    """Book a taxi for ``acting.resident``; return the :class:`~services.taxi.models.Ride`.

    ``acting`` (``portal.acting.Acting``) says who taps (the resident, a family member, a
    volunteer, counter staff) and how; acting for someone else needs their taxi consent
    (raises ``ConsentRequired`` before anything is written). The context is kept on the ride
    and in the audit entry.

    ``idempotency_key`` names this tap: calling again with the same key returns the same ride
    (a double tap books one taxi). ``pickup_address`` defaults to the resident's home address;
    ``destination`` may stay empty; ``pickup_at`` is None for now, or a time today or tomorrow
    ahead; ``driver_notes`` default to what the resident's profile says they need (wheelchair,
    help getting in).

    A resident has one active ride at a time: another raises :class:`RideAlreadyActive` (with
    the active ride), unless a helper books a second one on purpose (``second_ride=True``).
    Other refusals raise :class:`NoPickupAddress`, :class:`PickupTooFarAhead`,
    :class:`PickupInThePast` or :class:`TapKeyTaken` (the key is another resident's), with
    nothing written. Writes a ``booked_taxi`` audit entry; the order goes to the dispatch
    provider once the booking is committed. A ride the resident orders on the hotline
    (channel phone, known by caller ID) is texted to their phone once, when it is created.
    """
    resident = acting.resident
    # Cut to the column's length before looking it up, so a long key finds its own ride.
    idempotency_key = str(idempotency_key or "").strip()[
        : Ride._meta.get_field("idempotency_key").max_length
    ]
    if not idempotency_key:
        raise ValueError("request_ride needs an idempotency_key (one per tap)")
    acting = acting.with_consent(Scope.TAXI)
    try:
        _require_agreement(resident)
        on_behalf = acting.on_behalf

        with transaction.atomic():
            # Every booking for this resident waits here for the one before it: PostgreSQL locks
            # the row; SQLite (IMMEDIATE transactions) has already locked the database.
            person = get_user_model().objects.select_for_update().get(pk=resident.pk)
            existing = Ride.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.resident_id != resident.pk:
                    raise _tap_key_taken()
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

            try:
                with transaction.atomic():
                    ride = Ride.objects.create(
                        resident=resident,
                        requested_by=acting.user,
                        **acting.stamp(),
                        pickup_address=pickup_address[:200],
                        pickup_note=(pickup_note or "").strip()[:200],
                        destination=(destination or "").strip()[:200],
                        pickup_at=pickup_at,
                        driver_notes=(driver_notes or "").strip()[:300],
                        provider=get_provider().name,
                        idempotency_key=idempotency_key,
                    )
            except IntegrityError:
                # The key is the only unique field, and this resident's own taps wait for each
                # other on the lock above: another resident's booking took the key just now.
                raise _tap_key_taken() from None
            acting.record("booked_taxi", ride=ride.pk)
            if on_behalf:
                tell_helper_acted(ride, acting.user, _("%(who)s booked a taxi for you."))
            elif acting.channel == Channel.PHONE:  # on the hotline, by caller ID: told once, here
                tell_ordered_by_phone(ride)
            transaction.on_commit(lambda: queue_dispatch(ride.pk, 0))
    except RideRefused as refusal:
        if refusal.code not in NOT_TURNED_AWAY:
            journeys.refused(resident, "taxi", refusal.code, acting.channel)
        raise
    return ride


def cancel_ride(ride, *, acting, reason=""):
    """Cancel ``ride`` as asked in the acting context ``acting``; return the ride, now cancelled.

    ``acting`` must be about the ride's resident; acting for someone else needs their taxi
    consent. Cancelling a ride that is already
    cancelled changes nothing (a double tap on the cancel button); a ride whose car has
    arrived, whose trip has begun or that has ended raises :class:`NotCancellable` (the
    driver is at the door: they are told, not cancelled on). Writes a ``cancelled_taxi`` audit
    entry, tells the resident, and cancels the provider's order once committed.
    """
    acting = acting.about(ride.resident).with_consent(Scope.TAXI)
    with transaction.atomic():
        locked = Ride.objects.select_for_update().select_related("resident").get(pk=ride.pk)
        if locked.status == Status.CANCELLED:
            return locked
        if locked.status == Status.ARRIVED:
            raise NotCancellable(
                words.car_at_the_door_text(locked), code="car_arrived", ride=locked
            )
        if locked.status not in MAY_CANCEL:
            raise NotCancellable(
                _("This taxi can no longer be cancelled: the trip has begun or ended."),
                code="not_cancellable",
                ride=locked,
            )
        locked.status = Status.CANCELLED
        locked.cancel_reason = (reason or "").strip()[:200]
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        acting.record("cancelled_taxi", ride=locked.pk)
        if acting.on_behalf:
            tell_helper_acted(locked, acting.user, _("%(who)s cancelled your taxi."))
        else:
            tell(locked, words.cancelled_text)
        transaction.on_commit(lambda: queue_provider_cancel(locked.pk, locked.cancel_reason))
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
    and ``needs_help`` (no car came: a person should help).

    Reading it first brings ``ride`` up to date with what its provider would have said by now
    (the simulated company in the embedded default, which has no worker to speak later).
    """
    _catch_up(ride)
    status = Status(ride.status)
    has_car = status in (Status.CAR_FOUND, Status.ARRIVED, Status.ON_TRIP)
    minutes = ride.minutes_away if status == Status.CAR_FOUND else None
    return {
        "ride": ride.pk,
        "status": status.value,
        "label": str(status.label),
        "words": words.state_words(ride),
        "minutes_words": words.minutes_words(minutes),
        "car_plate": ride.car_plate if has_car else "",
        "car_colour": colour_words(ride.car_colour) if has_car else "",
        "driver_phone": words.phone_words(ride.driver_phone) if has_car else "",
        "driver_tel": f"tel:{ride.driver_phone}" if has_car and ride.driver_phone else "",
        "minutes_away": minutes,
        "pickup_address": ride.pickup_address,
        "pickup_note": ride.pickup_note,
        "destination": ride.destination,
        "pickup_at": ride.pickup_at.isoformat() if ride.pickup_at else None,
        "active": status in ACTIVE_STATUSES,
        "final": status in FINAL_STATUSES,
        "can_cancel": status in MAY_CANCEL,
        "needs_help": ride.needs_a_person,
    }


def history(resident):
    """``resident``'s rides, newest first."""
    return Ride.objects.filter(resident=resident).order_by("-created_at", "-pk")


def active_ride(resident):
    """``resident``'s newest ride that has not ended, or None."""
    return history(resident).filter(status__in=ACTIVE_STATUSES).first()


# ---------------------------------------------------------------------------------------------
# Inside


def _catch_up(ride):
    if ride.is_final:
        return
    provider = get_provider()
    if provider.name == ride.provider and provider.catch_up(ride):
        ride.refresh_from_db()


def _tap_key_taken():
    return TapKeyTaken(
        _(
            "This page was left open from an earlier visit, so nothing was booked. "
            "Tap the button again to call a taxi."
        ),
        code="tap_key_taken",
    )


def latest_pickup(now=None):
    """The latest pick-up time that can be booked at ``now``: the end of tomorrow, Shanghai."""
    today = timezone.localdate(now or timezone.now())
    return timezone.make_aware(datetime.combine(today + timedelta(days=2), time()))


def _check_pickup_time(pickup_at):
    if pickup_at is None:
        return None
    now = timezone.now()
    if pickup_at < now - PAST_GRACE:
        raise PickupInThePast(
            _("That time has passed. Choose now or a later time."), code="pickup_in_the_past"
        )
    if pickup_at > latest_pickup(now):
        raise PickupTooFarAhead(
            _("A taxi can be booked for today or tomorrow. Choose an earlier time."),
            code="pickup_too_far_ahead",
        )
    return pickup_at if pickup_at > now else None


def _copy(source, target):
    if source is not target:
        for field in Ride._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


# --- Read-only counts for the supervisors' figures ----------------------------------------------


def _rides_between(start, end, streets):
    from django.db.models import Q

    rides = Ride.objects.filter(created_at__gte=start, created_at__lt=end)
    if streets is not None:
        rides = rides.filter(Q(resident__street_id__in=list(streets)))
    return rides


def got_a_car(resident, start, end):
    """For the supervisor's figures: an ``Exists`` true when ``resident`` (an expression such
    as ``OuterRef("resident")``) asked for a ride from ``start`` to ``end`` (expressions) and a
    car was found for it."""
    from django.db.models import Exists

    return Exists(
        Ride.objects.filter(
            resident=resident, created_at__gte=start, created_at__lt=end, status__in=CAR_FOUND
        )
    )


def rides_by_channel(start, end, streets=None):
    """How many rides were asked for from ``start`` (included) to ``end`` (not), per channel.

    ``streets``: street ids whose residents count (None: the whole city). Returns
    ``{channel code: count}`` for the channels that had any; one grouped query, no rows read.
    """
    from django.db.models import Count

    rows = (
        _rides_between(start, end, streets)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    return dict(rows)


def ride_counts(start, end, streets=None):
    """What became of the rides asked for from ``start`` (included) to ``end`` (not).

    ``streets``: street ids whose residents count (None: the whole city). Returns a dict of
    counts, in one aggregate query: ``total``; ``found`` (a car was found, whatever came
    after); ``no_car`` (none found, no driver answered, or the driver did not come);
    ``driver_cancelled`` (a driver cancelled at least once, so the company was asked again);
    ``needs_a_person`` (no car came or the company called it off: see ``Ride.needs_a_person``).
    """
    from django.db.models import Count, Q

    from services.taxi.models import CANCELLED_BY_COMPANY, NO_CAR_CAME

    found = list(CAR_FOUND)
    no_car = Q(status__in=list(NO_CAR_CAME))
    return _rides_between(start, end, streets).aggregate(
        total=Count("pk"),
        found=Count("pk", filter=Q(status__in=found)),
        no_car=Count("pk", filter=no_car),
        driver_cancelled=Count(
            "pk", filter=Q(redispatches__gt=0) | Q(status=Status.DRIVER_CANCELLED)
        ),
        needs_a_person=Count(
            "pk",
            filter=no_car | Q(status=Status.CANCELLED, cancel_reason=CANCELLED_BY_COMPANY),
        ),
    )


def time_to_car(start, end, streets=None, shares=(0.5, 0.9)):
    """How long residents waited for a car, for the rides asked for from ``start`` (included)
    to ``end`` (not): from asking to the provider's first "car found" that changed the ride.

    ``streets``: street ids whose residents count (None: the whole city). Returns
    ``(rides that got a car, {share: timedelta or None})``, each share (0.5 the median, 0.9)
    by nearest rank: a count and one ordered query reading one row per share.
    """
    import math

    from django.db.models import DurationField, ExpressionWrapper, F

    rides = (
        _rides_between(start, end, streets)
        .filter(car_found_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(
                F("car_found_at") - F("created_at"), output_field=DurationField()
            )
        )
    )
    count = rides.count()
    waits = {}
    for share in shares:
        index = max(1, math.ceil(share * count)) - 1
        found = rides.order_by("wait").values_list("wait", flat=True)[index : index + 1]
        waits[share] = next(iter(found), None) if count else None
    return count, waits
