"""When the help desk is open, and working days, in Shanghai.

Working days come from ``chinese_calendar`` (public holidays and make-up working days, for the
years it covers) and from :class:`assist.models.CalendarDay` (what administrators entered: it
always wins, and covers the years the library does not yet; then weekends are days off). The
desk is open ``ASSIST_HOURS_WORKDAY`` on working days and ``ASSIST_HOURS_DAY_OFF`` on other days.
"""

import datetime

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from assist.models import CalendarDay


def is_workday(day):
    """True when ``day`` is a working day in mainland China."""
    entered = CalendarDay.objects.filter(day=day).values_list("is_workday", flat=True).first()
    if entered is not None:
        return entered
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not know: weekends only
        return day.weekday() < 5


def hours_on(day):
    """(opening hour, closing hour) of the desk on ``day``."""
    return settings.ASSIST_HOURS_WORKDAY if is_workday(day) else settings.ASSIST_HOURS_DAY_OFF


def next_open(moment=None):
    """``moment`` (default now) if the desk is open then, else when it opens next."""
    local = timezone.localtime(moment or timezone.now())
    for days_ahead in range(15):
        day = local.date() + datetime.timedelta(days=days_ahead)
        opens, closes = hours_on(day)
        midnight = datetime.datetime.combine(day, datetime.time())
        # Hours added to midnight, so a desk open until 24 closes at the next midnight.
        start = timezone.make_aware(midnight + datetime.timedelta(hours=opens))
        end = timezone.make_aware(midnight + datetime.timedelta(hours=closes))
        if local < end:
            return max(local, start)
    raise RuntimeError("the desk is never open in the next two weeks: check ASSIST_HOURS_*")


def is_open(moment=None):
    moment = moment or timezone.now()
    return next_open(moment) <= moment


def working_days_later(moment, days):
    """The same time of day ``days`` working days after ``moment``."""
    local = timezone.localtime(moment)
    day = local.date()
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            days -= 1
    return timezone.make_aware(datetime.datetime.combine(day, local.time()))
