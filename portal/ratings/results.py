"""Each service's satisfaction for the last full month, published on its page (好差评公示).

Once a month (the ``ratings.publish_results`` task, daily, does it on the first run from
``RATINGS_PUBLISH_DAY``), the ratings given in the month before are counted per service and
kept as a :class:`~portal.ratings.models.MonthlyResult`: the share of each level, how many, and
how many poor ratings a person took up within their time (one working day). The publishing
day leaves the last poor ratings of the month their working day to be followed up.
Publishing announces :data:`portal.signals.results_published` so that cached copies of the
service pages are cleared.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from portal.ratings.models import POOR, Level, MonthlyResult, Rating
from portal.ratings.subjects import SERVICE_OF_KIND
from portal.signals import announce_results_published

# Fewer ratings than this are not shown as shares: too few to say anything, and too few to
# keep a resident's rating their own.
FEWEST_SHOWN = 5


def month_start(moment):
    """The first day of ``moment``'s month in Shanghai time."""
    return timezone.localtime(moment).date().replace(day=1)


def previous_month(first_day):
    """The first day of the month before the one starting ``first_day``."""
    return (first_day - datetime.timedelta(days=1)).replace(day=1)


def _bounds(first_day):
    next_month = (first_day + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first_day, datetime.time(), zone),
        datetime.datetime.combine(next_month, datetime.time(), zone),
    )


def count_month(service, first_day):
    """What residents said of ``service`` in the month starting ``first_day``, unsaved."""
    start, end = _bounds(first_day)
    kinds = [kind for kind, key in SERVICE_OF_KIND.items() if key == service]
    about = Q()
    for kind in kinds:
        about |= Q(subject__startswith=f"{kind}:")
    given = Rating.objects.filter(about, created_at__gte=start, created_at__lt=end)
    counts = {
        str(row["level"]): row["n"]
        for row in given.values("level").annotate(n=Count("pk")).order_by()
    }
    poor = given.filter(level__lte=POOR).aggregate(
        all=Count("pk"),
        in_time=Count("pk", filter=Q(followed_up_at__lte=F("follow_up_due"))),
    )
    return MonthlyResult(
        service=service,
        month=first_day,
        counts=counts,
        total=sum(counts.values()),
        poor=poor["all"],
        poor_followed_up_in_time=poor["in_time"],
    )


def publish_due(now=None):
    """Publish last month's results for every service not yet published, from the month's
    ``RATINGS_PUBLISH_DAY``; return the services published (each is published once)."""
    now = now or timezone.now()
    if timezone.localtime(now).day < settings.RATINGS_PUBLISH_DAY:
        return []
    month = previous_month(month_start(now))
    published = []
    for service in sorted(set(SERVICE_OF_KIND.values())):
        if MonthlyResult.objects.filter(service=service, month=month).exists():
            continue
        result = count_month(service, month)
        result.published_at = now
        try:
            with transaction.atomic():
                result.save()
        except IntegrityError:  # another run published it at the same moment
            continue
        published.append(service)
    if published:
        announce_results_published("ratings", services=published)
    return published


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: int


def latest(service):
    """The newest published result of ``service`` as its page shows it, or None: ``month``
    (first day), ``total``, ``shares`` (a :class:`Share` per level, best first, empty when
    fewer than :data:`FEWEST_SHOWN`), ``poor`` and ``poor_followed_up_in_time``."""
    result = MonthlyResult.objects.filter(service=service).order_by("-month").first()
    if result is None:
        return None
    shares = []
    if result.total >= FEWEST_SHOWN:
        for level in sorted(Level, reverse=True):
            count = result.counts.get(str(level.value), 0)
            shares.append(Share(level.label, count, round(100 * count / result.total)))
    return {
        "month": result.month,
        "total": result.total,
        "shares": shares,
        "poor": result.poor,
        "poor_followed_up_in_time": result.poor_followed_up_in_time,
    }
