"""Rating an appointment (好差评): whose an ``appointment:<id>`` is (the patient's), its words,
and whether it may be rated (booked, or kept). Registered with ``portal.ratings`` from
``HospitalConfig.ready``."""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.ratings import api as ratings
from services.hospital.models import Appointment, Status

RATEABLE = {Status.BOOKED, Status.CHECKED_IN, Status.COMPLETED}


def describe(resident, number):
    appointment = (
        Appointment.objects.select_related("session__department__hospital")
        .filter(pk=number, patient=resident)
        .first()
    )
    if appointment is None:
        return None
    session = appointment.session
    return ratings.Subject(
        reference=f"appointment:{appointment.pk}",
        kind="appointment",
        words=_("Your hospital appointment on %(day)s at %(hospital)s")
        % {
            "day": date_format(session.date, "MONTH_DAY_FORMAT"),
            "hospital": session.department.hospital,
        },
        may_rate=appointment.status in RATEABLE,
        back_url=reverse("hospital:slip", args=[appointment.pk]),
    )


def rating_url(appointment):
    """The full address of the page to rate ``appointment``, for a text message."""
    return settings.PUBLIC_BASE_URL + reverse("rate", args=[f"appointment:{appointment.pk}"])


ratings.register("appointment", describe, service="hospital")
