"""The figures on the supervisor's home, each counted by the database for a period and an area.

Every figure is a :class:`Figure`: a title and rows of (what, value), the values already as
they may be shown (:func:`assist.supervision.scope.shown` hides small counts in a street or a
centre). :data:`FIGURES` names them in the order they are shown; the CSV download and the
panel read the same rows, so what is downloaded is what is seen. Nothing names a person.

First contact is the first time a person took the request (its "taken" event); the target is
the request's ``contact_due``.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Left, StrIndex
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assist.models import HelpRequest, Kind, RequestEvent, State
from portal.accounts.duty import on_duty_now
from portal.channels import Channel
from portal.journeys.models import Step
from portal.notifications.models import ERROR_WORDS, Message, OptOut
from portal.notifications.models import Status as Sending
from portal.ratings.models import POOR, Level, Rating
from services.hospital import api as hospital
from services.registry import SERVICE_CHOICES
from services.taxi import api as taxi

from .scope import FEW, SMALL, shown

NOTHING = "—"
DAY = timedelta(days=1)


@dataclass
class Figure:
    key: str
    title: str
    # (label, value as shown: a number, "<5" or a text such as "12 min")
    rows: list = field(default_factory=list)
    # Draw a bar chart of the rows (all counts of one kind).
    chart: bool = False
    # Live figures ignore the period.
    live: bool = False
    # A sentence under the figure saying what it counts, when its title cannot.
    note: str = ""


def _minutes(duration):
    if duration is None:
        return NOTHING
    minutes = max(0, round(duration.total_seconds() / 60))
    return _("%(minutes)s min") % {"minutes": minutes}


def _requests(area):
    requests = HelpRequest.objects.all()
    if area.streets is not None:
        requests = requests.filter(street_id__in=area.streets)
    return requests


def _opened_in(period, area):
    return _requests(area).filter(opened_at__gte=period.start, opened_at__lt=period.end)


def _by_channel(counts, area):
    """Rows for ``{channel: count}``, every channel in the vocabulary's order."""
    return [
        (str(label), shown(counts.get(code, 0), area))
        for code, label in Channel.choices
        if code != Channel.STAFF_TOOLS
    ]


def desk_now(period, area, now=None):
    """Live: waiting now, the oldest wait, leases held, people on duty for the area."""
    now = now or timezone.now()
    live = (
        _requests(area)
        .filter(state__in=[State.WAITING, State.HELD])
        .aggregate(
            waiting=Count("pk", filter=Q(state=State.WAITING)),
            oldest=Min("opened_at", filter=Q(state=State.WAITING)),
            held=Count("pk", filter=Q(state=State.HELD)),
        )
    )
    duties = on_duty_now()
    if area.streets is not None:
        covering = Q(streets__in=area.streets)
        if area.district_id is not None:
            covering |= Q(districts=area.district_id)
        duties = duties.filter(covering)
    on_duty = duties.values("pk").distinct().count()
    oldest = now - live["oldest"] if live["oldest"] else None
    return Figure(
        "desk-now",
        _("The help desk now"),
        [
            (_("Waiting now"), shown(live["waiting"], area)),
            (_("Longest wait"), _minutes(oldest)),
            (_("Being helped (held)"), shown(live["held"], area)),
            (_("People on duty"), shown(on_duty, area)),
        ],
        live=True,
    )


def _nearest_rank(queryset, expression, share, count):
    """The value at ``share`` (0.5, 0.9) of ``queryset`` ordered by ``expression``: one
    ordered query reading one row (nearest rank)."""
    if not count:
        return None
    index = max(1, math.ceil(share * count)) - 1
    values = queryset.order_by(expression).values_list(expression, flat=True)[index : index + 1]
    return next(iter(values), None)


def desk_contact(period, area, now=None):
    """Requests opened in the period, how many had a first contact by their target, the time
    to first contact at the median and the 90th percentile, and escalations in the period."""
    opened = _opened_in(period, area).annotate(first_contact=F("first_contact_at"))
    totals = opened.aggregate(
        opened=Count("pk"),
        contacted=Count("pk", filter=Q(first_contact__isnull=False)),
        within=Count("pk", filter=Q(first_contact__lte=F("contact_due"))),
    )
    contacted = opened.filter(first_contact__isnull=False).annotate(
        wait=ExpressionWrapper(F("first_contact") - F("opened_at"), output_field=DurationField())
    )
    small = area.small and totals["opened"] < SMALL
    if small:
        within = p50 = p90 = FEW
    else:
        n = totals["contacted"]
        within = (
            _("%(share)s%%") % {"share": round(100 * totals["within"] / totals["opened"])}
            if totals["opened"]
            else NOTHING
        )
        p50 = _minutes(_nearest_rank(contacted, "wait", 0.5, n))
        p90 = _minutes(_nearest_rank(contacted, "wait", 0.9, n))
    escalations = RequestEvent.objects.filter(
        what=RequestEvent.What.ESCALATED, at__gte=period.start, at__lt=period.end
    )
    if area.streets is not None:
        escalations = escalations.filter(request__street_id__in=area.streets)
    escalations = escalations.count()
    return Figure(
        "desk-contact",
        _("First contact"),
        [
            (_("Requests opened"), shown(totals["opened"], area)),
            (_("First contact within the target"), within),
            (_("Time to first contact, median"), p50),
            (_("Time to first contact, 90th percentile"), p90),
            (_("Passed to the supervisors (escalations)"), shown(escalations, area)),
        ],
    )


def desk_channels(period, area, now=None):
    """Requests for help opened in the period, by the channel they came through."""
    counts = dict(
        _opened_in(period, area)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    return Figure(
        "desk-channels", _("Requests for help by channel"), _by_channel(counts, area), chart=True
    )


def taxi_channels(period, area, now=None):
    """Taxi rides asked for in the period, by channel."""
    counts = taxi.rides_by_channel(period.start, period.end, area.streets)
    return Figure("taxi-channels", _("Taxi rides by channel"), _by_channel(counts, area), True)


def taxi_outcomes(period, area, now=None):
    """What became of the taxi rides asked for in the period."""
    counts = taxi.ride_counts(period.start, period.end, area.streets)
    return Figure(
        "taxi-outcomes",
        _("What became of the taxi rides"),
        [
            (_("Rides asked for"), shown(counts["total"], area)),
            (_("A car was found"), shown(counts["found"], area)),
            (_("No car came"), shown(counts["no_car"], area)),
            (_("A driver cancelled"), shown(counts["driver_cancelled"], area)),
            (_("Needed a person"), shown(counts["needs_a_person"], area)),
        ],
        chart=True,
    )


def taxi_waits(period, area, now=None):
    """How long residents waited for a car: the median and the 90th percentile."""
    count, waits = taxi.time_to_car(period.start, period.end, area.streets)
    few = area.small and count < SMALL
    return Figure(
        "taxi-waits",
        _("Time to a car"),
        [
            (_("Rides that got a car"), shown(count, area)),
            (_("Time to a car, median"), FEW if few else _minutes(waits[0.5])),
            (_("Time to a car, 90th percentile"), FEW if few else _minutes(waits[0.9])),
        ],
    )


def hospital_channels(period, area, now=None):
    """Hospital appointments booked in the period, by channel."""
    counts = hospital.appointments_by_channel(period.start, period.end, area.streets)
    return Figure(
        "hospital-channels", _("Hospital bookings by channel"), _by_channel(counts, area), True
    )


def hospital_outcomes(period, area, now=None):
    """Hospital bookings, cancellations and missed visits in the period."""
    counts = hospital.appointment_counts(period.start, period.end, area.streets)
    return Figure(
        "hospital-outcomes",
        _("Hospital bookings, cancellations and missed visits"),
        [
            (_("Booked"), shown(counts["booked"], area)),
            (_("Cancelled"), shown(counts["cancelled"], area)),
            (_("Missed"), shown(counts["missed"], area)),
        ],
        chart=True,
    )


def _phones(area):
    """The phone numbers of the area's residents, as a subquery (None: the whole city)."""
    if area.streets is None:
        return None
    return get_user_model().objects.filter(street_id__in=area.streets).values("phone")


def _messages(period, area):
    messages = Message.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    phones = _phones(area)
    return messages if phones is None else messages.filter(recipient__in=phones)


NOT_SENT = [Sending.FAILED, Sending.UNDELIVERED, Sending.CANCELLED]


def messages_sent(period, area, now=None):
    """Texts and calls made in the period: sent, not sent; numbers that opted out then."""
    counts = _messages(period, area).aggregate(
        sent=Count("pk", filter=Q(status__in=[Sending.SENT, Sending.DELIVERED])),
        not_sent=Count("pk", filter=Q(status__in=NOT_SENT)),
    )
    opt_outs = OptOut.objects.filter(since__gte=period.start, since__lt=period.end)
    phones = _phones(area)
    if phones is not None:
        opt_outs = opt_outs.filter(phone__in=phones)
    return Figure(
        "messages",
        _("Messages to residents"),
        [
            (_("Sent"), shown(counts["sent"], area)),
            (_("Not sent or not delivered"), shown(counts["not_sent"], area)),
            (_("Numbers that asked for no more messages"), shown(opt_outs.count(), area)),
        ],
        chart=True,
    )


def messages_failed(period, area, now=None):
    """Messages not sent or not delivered in the period, by reason, the most frequent first."""
    counts = (
        _messages(period, area)
        .filter(status__in=NOT_SENT)
        .order_by()
        .values("error_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "error_code")
        .values_list("error_code", "n")
    )
    rows = [
        (str(ERROR_WORDS.get(code, code or _("no reason given"))), shown(n, area))
        for code, n in counts
    ]
    return Figure("messages-failed", _("Messages not sent, by reason"), rows, chart=bool(rows))


# What a rating's subject names ("ride:12" is a ride), in words.
SUBJECTS = {
    "request": gettext_lazy("Requests for help"),
    "ride": gettext_lazy("Taxi rides"),
    "appointment": gettext_lazy("Hospital appointments"),
}


def _ratings(period, area):
    ratings = Rating.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if area.streets is not None:
        ratings = ratings.filter(resident__street_id__in=area.streets)
    return ratings


def ratings_by_level(period, area, now=None):
    """Ratings given in the period, by how satisfied, from very satisfied down."""
    counts = dict(
        _ratings(period, area)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    rows = [(str(label), shown(counts.get(level, 0), area)) for level, label in Level.choices]
    return Figure("ratings", _("Ratings by how satisfied"), rows, chart=True)


def ratings_by_service(period, area, now=None):
    """Ratings given in the period, per service rated and per channel, with how many were
    poor (dissatisfied or very dissatisfied)."""
    kind = Left("subject", StrIndex("subject", Value(":")) - 1)
    per_service = (
        _ratings(period, area)
        .annotate(kind=kind)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"), poor=Count("pk", filter=Q(level__lte=POOR)))
        .order_by("kind")
        .values_list("kind", "n", "poor")
    )
    rows = []
    for code, n, poor in per_service:
        rows.append((str(SUBJECTS.get(code, code)), shown(n, area)))
        rows.append(
            (_("%(service)s: poor") % {"service": SUBJECTS.get(code, code)}, shown(poor, area))
        )
    per_channel = dict(
        _ratings(period, area)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    rows += [
        (_("Given through: %(channel)s") % {"channel": label}, value)
        for label, value in _by_channel(per_channel, area)
    ]
    return Figure("ratings-mix", _("Ratings per service and per channel"), rows)


def poor_ratings_open(period, area, now=None):
    """Live: follow-ups of poor ratings still open, and those past their time to call."""
    now = now or timezone.now()
    counts = (
        _requests(area)
        .filter(kind=Kind.FOLLOW_UP, state__in=[State.WAITING, State.HELD])
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(contact_due__lt=now)))
    )
    return Figure(
        "poor-ratings",
        _("Poor ratings being followed up"),
        [
            (_("Open"), shown(counts["open"], area)),
            (_("Past their time to call"), shown(counts["overdue"], area)),
        ],
        live=True,
    )


def left_behind(period, area, now=None):
    """Residents who started a service on the web, or whom a service refused, and who got no
    ride with a car, no booking and no request for help within a day after. Only what is at
    least a day old can tell: the last day is left out until then."""
    now = now or timezone.now()
    end = min(period.end, now - DAY)
    steps = Step.objects.filter(at__gte=period.start, at__lt=end)
    if area.streets is not None:
        steps = steps.filter(resident__street_id__in=area.streets)
    resident, start = OuterRef("resident"), OuterRef("at")
    within = ExpressionWrapper(start + DAY, output_field=DateTimeField())
    helped = HelpRequest.objects.filter(
        resident=resident, opened_at__gte=start, opened_at__lt=within
    ).exclude(kind=Kind.FOLLOW_UP)
    left = (
        steps.exclude(taxi.got_a_car(resident, start, within))
        .exclude(hospital.booked(resident, start, within))
        .exclude(Exists(helped))
    )

    # Two reads of (what, resident) and (service, resident) pairs, counted here: a person
    # who started and was refused counts once in each row, and once in all.
    seen = set(steps.values_list("what", "resident").distinct().order_by())
    left_pairs = set(left.values_list("service", "resident").distinct().order_by())
    per_service = Counter(service for service, _resident in left_pairs)

    def people(what):
        return len({resident for kind, resident in seen if kind == what})

    rows = [
        (_("Started a service on the website"), shown(people(Step.What.STARTED), area)),
        (_("Were refused by a service"), shown(people(Step.What.REFUSED), area)),
        (
            _("Of them, got no ride, booking or help within a day"),
            shown(len({resident for _service, resident in left_pairs}), area),
        ),
    ]
    rows += [
        (
            _("Left behind at: %(service)s") % {"service": label},
            shown(per_service.get(key, 0), area),
        )
        for key, label in SERVICE_CHOICES
    ]
    return Figure(
        "left-behind",
        _("Who is being left behind"),
        rows,
        note=_("Counts people, not visits. The last day is counted once it is a day old."),
    )


# In the order they are shown; the key is the CSV's file name.
FIGURES = {
    "desk-now": desk_now,
    "desk-contact": desk_contact,
    "desk-channels": desk_channels,
    "taxi-channels": taxi_channels,
    "taxi-outcomes": taxi_outcomes,
    "taxi-waits": taxi_waits,
    "hospital-channels": hospital_channels,
    "hospital-outcomes": hospital_outcomes,
    "messages": messages_sent,
    "messages-failed": messages_failed,
    "ratings": ratings_by_level,
    "ratings-mix": ratings_by_service,
    "poor-ratings": poor_ratings_open,
    "left-behind": left_behind,
}

# For the panel's heading.
TITLE = gettext_lazy("Supervision: the help desk and the services")

__all__ = ["FIGURES", "TITLE", "Figure"]
