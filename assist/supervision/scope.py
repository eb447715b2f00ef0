"""What the supervisor chose: a period and an area, read from the query string.

``period``: ``today``, ``7d``, ``30d`` or a month ``YYYY-MM`` (Shanghai time; default today).
``area``: ``city``, ``d<id>`` (a district), ``s<id>`` (a street) or ``c<id>`` (the streets a
community centre serves); anything unknown is the city.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.roles import ASSIGN_ROLES, SUPERVISE
from portal.areas.models import District, Street

# Counts below this, for a street or a centre, are shown as "<5": they could point to a person.
SMALL = 5
FEW = "<5"


def may_supervise(user):
    """Supervisors and administrators see the figures; nobody else."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.has_perm(SUPERVISE) or user.has_perm(ASSIGN_ROLES))
    )


@dataclass(frozen=True)
class Period:
    """From ``start`` (included) to ``end`` (not included)."""

    code: str
    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    # Street ids whose residents count; None for the whole city.
    streets: tuple | None
    # A street or a centre: small counts are hidden.
    small: bool
    # For the duty figure: the district, or the street, or nothing.
    district_id: int | None = None


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def period_from(code, now=None):
    """The :class:`Period` named by ``code`` (today when it is not one)."""
    now = timezone.localtime(now or timezone.now())
    today = _midnight(now.date())
    # Up to the end of today, so what happens this very second counts.
    tomorrow = _midnight(now.date() + timedelta(days=1))
    code = code or "today"
    if code == "7d":
        return Period(code, today - timedelta(days=6), tomorrow, _("Last 7 days"))
    if code == "30d":
        return Period(code, today - timedelta(days=29), tomorrow, _("Last 30 days"))
    match = re.fullmatch(r"(\d{4})-(\d{2})", code)
    if match and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        start = _midnight(datetime(year, month, 1).date())
        following = datetime(year + month // 12, month % 12 + 1, 1).date()
        return Period(code, start, _midnight(following), code)
    return Period("today", today, tomorrow, _("Today"))


def period_choices(now=None):
    """(code, label) for the chooser: today, 7 and 30 days, this month and the eleven before."""
    now = timezone.localtime(now or timezone.now())
    choices = [("today", _("Today")), ("7d", _("Last 7 days")), ("30d", _("Last 30 days"))]
    year, month = now.year, now.month
    for _i in range(12):
        choices.append((f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


def area_from(code):
    """The :class:`Area` named by ``code`` (the city when it names nothing)."""
    match = re.fullmatch(r"([dsc])(\d+)", code or "")
    if match:
        kind, pk = match[1], int(match[2])
        if kind == "d":
            district = District.objects.filter(pk=pk).first()
            if district:
                streets = tuple(district.streets.values_list("pk", flat=True))
                return Area(code, str(district), streets, False, district.pk)
        elif kind == "s":
            street = Street.objects.select_related("district").filter(pk=pk).first()
            if street:
                return Area(code, street.full_name, (street.pk,), True, street.district_id)
        else:
            streets = Street.objects.filter(centre_id=pk).select_related("centre")
            first = streets.first()
            if first:
                label = _("Centre: %(name)s") % {"name": first.centre}
                return Area(code, label, tuple(s.pk for s in streets), True)
    return Area("city", _("The whole city"), None, False)


def area_choices():
    """(code, label) for the chooser: the city, each district followed by its streets, then
    the community centres."""
    choices = [("city", _("The whole city"))]
    district = None
    centres = {}
    for street in Street.objects.for_choice().select_related("centre"):
        if street.district_id != district:
            district = street.district_id
            choices.append((f"d{district}", str(street.district)))
        choices.append((f"s{street.pk}", f"— {street}"))
        if street.centre_id:
            centres.setdefault(street.centre_id, str(street.centre))
    for pk, name in sorted(centres.items(), key=lambda item: item[1]):
        choices.append((f"c{pk}", _("Centre: %(name)s") % {"name": name}))
    return choices


def shown(count, area):
    """A count as it may be shown for ``area``: "<5" for a small count in a small area."""
    if area.small and count < SMALL:
        return FEW
    return count
