"""Rating a ride (好差评): whose a ``ride:<id>`` is, its words, and whether it may be rated
(once it ended). Registered with ``portal.ratings`` from ``TaxiConfig.ready``."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.ratings import api as ratings
from services.taxi.models import Ride, Status


def describe(resident, number):
    ride = Ride.objects.filter(pk=number, resident=resident).first()
    if ride is None:
        return None
    day = date_format(timezone.localtime(ride.pickup_at or ride.created_at), "MONTH_DAY_FORMAT")
    return ratings.Subject(
        reference=f"ride:{ride.pk}",
        kind="ride",
        words=_("Your taxi on %(day)s") % {"day": day},
        may_rate=ride.status == Status.DONE,
        back_url=reverse("taxi:ride", args=[ride.pk]),
    )


def rating_url(ride):
    """The full address of the page to rate ``ride``, for a text message."""
    return settings.PUBLIC_BASE_URL + reverse("rate", args=[f"ride:{ride.pk}"])


ratings.register("ride", describe, service="taxi")
