"""Taxi rides: one row per ride a resident asked for, and every event a provider sent about it.

A ride's status only moves forward (see :data:`RANK` and :data:`ALLOWED`). The one exception is
asking the provider again after a driver cancelled: that starts a new dispatch attempt
(``redispatches`` goes up), and events about an earlier attempt are ignored from then on.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.acting_record import ActingRecord


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    LOOKING = "looking", _("Looking for a car")
    CAR_FOUND = "car_found", _("Car found")
    ARRIVED = "arrived", _("Car arrived")
    ON_TRIP = "on_trip", _("On the trip")
    DONE = "done", _("Done")
    NO_CAR = "no_car", _("No car found")
    NO_DRIVER_ANSWER = "no_driver_answer", _("No driver answered")
    DRIVER_CANCELLED = "driver_cancelled", _("Driver cancelled")
    DRIVER_NO_SHOW = "driver_no_show", _("Driver did not come")
    PASSENGER_NO_SHOW = "passenger_no_show", _("Passenger did not come")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_RANK = 9

# How far along a ride is. A status only moves to a higher rank; final ones never change.
RANK = {
    Status.REQUESTED: 0,
    Status.LOOKING: 1,
    Status.CAR_FOUND: 2,
    Status.ARRIVED: 3,
    Status.ON_TRIP: 4,
    # Waiting for the portal to ask the provider again (or give up: no car).
    Status.DRIVER_CANCELLED: 5,
    Status.DONE: FINAL_RANK,
    Status.NO_CAR: FINAL_RANK,
    Status.NO_DRIVER_ANSWER: FINAL_RANK,
    Status.DRIVER_NO_SHOW: FINAL_RANK,
    Status.PASSENGER_NO_SHOW: FINAL_RANK,
    Status.CANCELLED: FINAL_RANK,
}
FINAL_STATUSES = frozenset(status for status, rank in RANK.items() if rank == FINAL_RANK)
ACTIVE_STATUSES = frozenset(status for status, rank in RANK.items() if rank < FINAL_RANK)
# The ride ended without a car: a person should help (see Ride.needs_a_person).
NO_CAR_CAME = frozenset({Status.NO_CAR, Status.NO_DRIVER_ANSWER, Status.DRIVER_NO_SHOW})
# The cancel_reason of a ride the taxi company cancelled.
CANCELLED_BY_COMPANY = "taxi company"

_BEFORE_A_CAR = {
    Status.LOOKING,
    Status.CAR_FOUND,
    Status.ARRIVED,
    Status.ON_TRIP,
    Status.DONE,
    Status.NO_CAR,
    Status.NO_DRIVER_ANSWER,
    Status.DRIVER_CANCELLED,
    Status.CANCELLED,
}

# Which status may follow which. Events can skip steps (a late or lost "car found" must not
# keep a ride from "arrived"), but never go back, and a final status never changes.
ALLOWED = {
    Status.REQUESTED: frozenset(_BEFORE_A_CAR),
    Status.LOOKING: frozenset(_BEFORE_A_CAR - {Status.LOOKING}),
    Status.CAR_FOUND: frozenset(
        {
            Status.ARRIVED,
            Status.ON_TRIP,
            Status.DONE,
            Status.DRIVER_CANCELLED,
            Status.DRIVER_NO_SHOW,
            Status.PASSENGER_NO_SHOW,
            Status.CANCELLED,
        }
    ),
    Status.ARRIVED: frozenset(
        {Status.ON_TRIP, Status.DONE, Status.PASSENGER_NO_SHOW, Status.CANCELLED}
    ),
    Status.ON_TRIP: frozenset({Status.DONE}),
    # Only to "no car" or "cancelled" by an event; back to "looking" only by asking again.
    Status.DRIVER_CANCELLED: frozenset({Status.NO_CAR, Status.CANCELLED}),
    **{status: frozenset() for status in FINAL_STATUSES},
}


def may_move(current, new):
    """True if a ride in ``current`` may move to ``new``: allowed, and strictly forward."""
    current, new = Status(current), Status(new)
    return new in ALLOWED[current] and RANK[new] > RANK[current]


class Ride(ActingRecord):
    """One taxi ride a resident asked for (or a helper asked for on their behalf)."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="taxi_rides",
        verbose_name=_("resident"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="taxi_rides_requested",
        verbose_name=_("requested by"),
    )

    pickup_address = models.CharField(_("pick-up address"), max_length=200)
    pickup_note = models.CharField(
        _("landmark for the driver"), max_length=200, blank=True, default=""
    )
    destination = models.CharField(_("destination"), max_length=200, blank=True, default="")
    pickup_at = models.DateTimeField(
        _("pick-up time"), null=True, blank=True, help_text=_("Empty means now.")
    )
    driver_notes = models.CharField(_("notes for the driver"), max_length=300, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    car_plate = models.CharField(_("car plate"), max_length=20, blank=True)
    car_colour = models.CharField(_("car colour"), max_length=30, blank=True)
    driver_phone = models.CharField(_("driver's phone"), max_length=20, blank=True)
    minutes_away = models.PositiveSmallIntegerField(_("minutes away"), null=True, blank=True)

    provider = models.CharField(_("dispatch provider"), max_length=40, blank=True)
    provider_order_id = models.CharField(_("provider's order id"), max_length=80, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    redispatches = models.PositiveSmallIntegerField(
        _("times the provider was asked again"), default=0
    )
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    # When the provider first found a car (its first applied "car found"), for the figures.
    car_found_at = models.DateTimeField(_("car found at"), null=True, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("taxi ride")
        verbose_name_plural = _("taxi rides")
        indexes = [
            models.Index(fields=["resident", "status"]),
            models.Index(fields=["provider", "provider_order_id"]),
            # Who got a ride soon after they started or were turned away (supervision).
            models.Index(fields=["resident", "created_at"], name="ride_resident_created"),
        ]

    def __str__(self):
        return f"ride {self.pk} ({self.status})"

    @property
    def needs_a_person(self):
        """No car came (none found, no driver answered, the driver did not come, or the company
        called it off): the resident should be helped by a person."""
        return self.status in NO_CAR_CAME or (
            self.status == Status.CANCELLED and self.cancel_reason == CANCELLED_BY_COMPANY
        )

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def is_final(self):
        return self.status in FINAL_STATUSES

    @property
    def dispatch_key(self):
        """What the provider knows this dispatch attempt by: unique per ride and attempt.

        Passed to ``create`` as its idempotency key (a retried task makes no second order)
        and echoed back in the provider's events as ``reference``.
        """
        return f"ride-{self.pk}-{self.redispatches}"


class RideEvent(models.Model):
    """One event a dispatch provider sent, kept once by its id, applied or not."""

    ride = models.ForeignKey(
        Ride,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("ride"),
        help_text=_("Empty when the event names no ride we know."),
    )
    provider = models.CharField(_("dispatch provider"), max_length=40)
    event_id = models.CharField(_("event id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30)
    data = models.JSONField(_("details"), default=dict, blank=True)
    applied = models.BooleanField(
        _("changed the ride"),
        default=False,
        help_text=_("Whether it changed the ride (a late or stale one does not)."),
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ride event")
        verbose_name_plural = _("ride events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="taxi_event_once")
        ]

    def __str__(self):
        return f"{self.provider} {self.event_id} {self.kind}"
