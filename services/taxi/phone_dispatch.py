"""What an operator reports after phoning the taxi company, for rides dispatched by hand.

Each report reaches the ride as an event of the ``manual`` provider through
``services.taxi.api.apply_event``, exactly as a company's webhook would: the ride moves only
forward and the resident is told. The event id comes from the form, so a double submit is
applied once. Every report that changed a ride is written in the resident's audit log with the
operator as actor.
"""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from portal.audit import api as audit
from portal.audit.sentences import register_sentence
from portal.channels import Channel
from services.taxi import api
from services.taxi.models import Ride, RideEvent, Status, may_move
from services.taxi.providers.manual import NAME as MANUAL

register_sentence(
    "entered_taxi_news",
    _("%(who)s phoned the taxi company and wrote down what it said about your taxi."),
)
register_sentence(
    "told_taxi_company",
    _("%(who)s phoned the taxi company to tell it your taxi is cancelled."),
)

# What an operator may report, in the order the page offers it. "Car found" has its own form.
OUTCOMES = {
    Status.CAR_FOUND: _("Car found"),
    Status.ARRIVED: _("Car arrived"),
    Status.DONE: _("Trip done"),
    Status.NO_CAR: _("No car found"),
    Status.DRIVER_NO_SHOW: _("Driver did not come"),
    Status.PASSENGER_NO_SHOW: _("Passenger did not come"),
}
# Kept as a manual event that changes nothing: the company knows the ride is called off.
COMPANY_TOLD = "company_told"


class EntryRefused(Exception):
    """The report does not fit the ride; ``str()`` says why in the active language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


def is_manual(ride):
    return ride.provider == MANUAL


def steps_open(ride):
    """The reports that fit ``ride`` now (statuses from :data:`OUTCOMES`), or none."""
    if not is_manual(ride) or ride.is_final:
        return []
    return [status for status in OUTCOMES if may_move(ride.status, status)]


def company_to_call():
    """A query for rides cancelled after they went to the operator, the company not told yet.

    The manual provider's ``cancel`` has nobody to call, so a person must phone the company.
    A ride with an order id had reached the operator's list and may have been phoned in.
    """
    told = RideEvent.objects.filter(ride=OuterRef("pk"), provider=MANUAL, kind=COMPANY_TOLD)
    return Q(provider=MANUAL, status=Status.CANCELLED) & ~Q(provider_order_id="") & ~Exists(told)


def needs_company_call(ride):
    """True if someone should phone the taxi company to call ``ride`` off."""
    return Ride.objects.filter(company_to_call(), pk=ride.pk).exists()


def enter(ride, kind, *, staff, event_id, car=None):
    """Apply what the taxi company said about ``ride``, as typed in by ``staff``.

    ``kind`` is one of :data:`OUTCOMES`; ``car`` holds ``plate``, ``colour``, ``driver_phone``
    and ``minutes_away`` for "car found". ``event_id`` names the form that was sent: sending
    it again changes nothing and returns False. Returns True when the ride changed (the
    resident is told by ``apply_event``). Raises :class:`EntryRefused`, with nothing written,
    for a ride not dispatched by hand, a ride that has ended, or a report that does not fit.
    """
    kind = Status(kind)
    if kind not in OUTCOMES:
        raise ValueError(f"{kind!r} is not something an operator reports")
    event_id = str(event_id)
    with transaction.atomic():
        locked = Ride.objects.select_for_update().select_related("resident").get(pk=ride.pk)
        if RideEvent.objects.filter(provider=MANUAL, event_id=event_id).exists():
            return False
        _check_fits(locked, kind)
        data = {"reference": locked.dispatch_key, "entered_by": staff.pk, **(car or {})}
        changed = api.apply_event(MANUAL, event_id, kind.value, data)
        if changed:
            audit.record(
                locked.resident,
                "entered_taxi_news",
                actor=staff,
                channel=Channel.STAFF_TOOLS,
                ride=locked.pk,
                status=kind.value,
            )
    ride.refresh_from_db()
    return changed


def company_told(ride, *, staff, event_id):
    """``staff`` phoned the taxi company to call the cancelled ``ride`` off; True if new."""
    event_id = str(event_id)
    with transaction.atomic():
        locked = Ride.objects.select_for_update().select_related("resident").get(pk=ride.pk)
        if not (is_manual(locked) and locked.status == Status.CANCELLED):
            raise EntryRefused(_("Only a cancelled ride needs the taxi company told."))
        if not needs_company_call(locked):
            return False
        try:
            with transaction.atomic():
                RideEvent.objects.create(
                    ride=locked,
                    provider=MANUAL,
                    event_id=event_id,
                    kind=COMPANY_TOLD,
                    data={"reference": locked.dispatch_key, "entered_by": staff.pk},
                )
        except IntegrityError:  # the same form, sent twice
            return False
        audit.record(
            locked.resident,
            "told_taxi_company",
            actor=staff,
            channel=Channel.STAFF_TOOLS,
            ride=locked.pk,
        )
    return True


def _check_fits(ride, kind):
    if not is_manual(ride):
        raise EntryRefused(
            _("This ride went to a taxi company's own system: its news comes from there.")
        )
    if ride.is_final:
        raise EntryRefused(_("This ride has ended. Nothing more can be entered."))
    if not may_move(ride.status, kind):
        raise EntryRefused(
            _("That does not fit this ride now: it is at “%(status)s”.")
            % {"status": ride.get_status_display()}
        )
