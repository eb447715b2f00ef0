"""Rating an application (好差评): an ``application:<id>`` is its resident's, and may be rated
once it is decided. Registered with ``portal.ratings`` from ``ApplicationsConfig.ready``."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.ratings import api as ratings
from services.applications.models import FINAL_STATES, Application
from services.applications.words import label_of


def describe(resident, number):
    application = Application.objects.filter(pk=number, resident=resident).first()
    if application is None:
        return None
    return ratings.Subject(
        reference=application.subject,
        kind="application",
        words=_("Your application for %(label)s (%(number)s)")
        % {"label": label_of(application), "number": application.case_number},
        may_rate=application.state in FINAL_STATES,
        back_url=reverse("applications:application", args=[application.pk]),
    )


ratings.register("application", describe, service="applications")
