"""Applications residents send (``services.applications``) as help-desk cases.

The service announces each application (``needs_a_person``, reason ``"application"``); here it
becomes a request of the kind :attr:`~assist.models.Kind.APPLICATION`, labelled with the
service's case label ("Application: 敬老卡"), due by the first-contact deadline the editor set
(counted in the desk's working time, not the ten minutes of a call back), and routed to the
centre the editor chose: offered first to the people on duty who cover a street that centre
serves; with no centre, the city-wide queue (everyone on duty at once).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from assist import api
from assist.models import Kind, Topic
from assist.opening import is_workday, working_days_later
from portal.areas.models import Street
from portal.channels import Channel
from services.applications import api as applications

HOURS, DAYS = "hours", "days"


def open_case(resident, record, summary):
    """Open (or find, if still open) the desk's case for the application ``record`` names
    (``application:<id>``); None when there is no such application."""
    application = applications.find(record)
    if application is None or application.resident_id != resident.pk:
        return None
    desk = applications.for_the_desk(application)
    due = first_contact_due(*desk["contact_within"]) if desk["contact_within"] else None
    return api.open_request(
        resident,
        kind=Kind.APPLICATION,
        channel=Channel.SYSTEM,
        topic=Topic.OTHER,
        note=str(summary),
        about=record,
        label=desk["label"],
        centre=desk["centre"],
        due=due,
    )


# ---------------------------------------------------------------------------------------------
# The deadline, in working time


def first_contact_due(amount, unit, moment=None):
    """When the first contact is due: ``amount`` working hours or working days (``unit``)
    after ``moment`` (default now).

    Working time is the desk's working-day hours (``ASSIST_HOURS_WORKDAY``) on working days
    (:mod:`assist.opening`): an application sent on a Friday evening has its hours counted
    from Monday's opening; "2 working days" is the same time two working days after the
    working time began.
    """
    start = working_time_from(moment or timezone.now())
    if unit == HOURS:
        return _working_hours_later(start, amount)
    return working_days_later(start, amount)


def working_time_from(moment):
    """``moment`` if it falls in working time, else when working time begins next."""
    local = timezone.localtime(moment)
    for days_ahead in range(60):
        day = local.date() + datetime.timedelta(days=days_ahead)
        if not is_workday(day):
            continue
        opens, closes = _window(day)
        if local < closes:
            return max(local, opens)
    raise RuntimeError("no working day in the next 60 days: check the calendar")


def _working_hours_later(start, hours):
    left = datetime.timedelta(hours=hours)
    moment = start
    for _ in range(400):
        moment = working_time_from(moment)
        _opens, closes = _window(moment.date())
        if moment + left <= closes:
            return moment + left
        left -= closes - moment
        moment = closes
    raise RuntimeError("too many working hours to count")


def _window(day):
    """(opening, closing) of the desk's working-day hours on ``day``, as aware moments."""
    opens, closes = settings.ASSIST_HOURS_WORKDAY
    midnight = datetime.datetime.combine(day, datetime.time())
    return (
        timezone.make_aware(midnight + datetime.timedelta(hours=opens)),
        timezone.make_aware(midnight + datetime.timedelta(hours=closes)),
    )


# ---------------------------------------------------------------------------------------------
# Who is offered it first


def covering(request):
    """Who covers ``request`` for its first offers: a test of a duty (``assist.offers``).

    An application's case goes to those covering a street its centre serves (or that
    street's whole district); one with no centre to nobody first, so everyone on duty is
    offered it at once (the city-wide queue). Any other request: the resident's street.
    """
    if request.kind != Kind.APPLICATION:
        return lambda duty: duty.covers(request.street)
    if request.centre_id is None:
        return lambda duty: False
    # A centre is a snippet in each language: its streets may name any of its translations.
    served = Street.objects.filter(centre__translation_key=request.centre.translation_key)
    streets = set(served.values_list("pk", flat=True))
    districts = set(served.values_list("district_id", flat=True))

    def covers(duty):
        return any(street.pk in streets for street in duty.streets.all()) or any(
            district.pk in districts for district in duty.districts.all()
        )

    return covers
