"""Built-in services a home-page tile or a service page can start.

Each entry names the URL of the service's web flow. A service whose app is not
installed yet has no URL; callers then fall back to the page an editor chose.

This module is the one door from ``content`` into the services (import-linter checks it):
content asks here for a service's URL and for its demo data, never imports a service.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

BUILT_IN_SERVICES = {
    "taxi": (_("One-tap taxi"), "taxi:start"),
    "hospital": (_("Hospital booking"), "hospital:start"),
    "assist": (_("Ask a person to help"), "assist:start"),
}

SERVICE_CHOICES = [(key, label) for key, (label, _url) in BUILT_IN_SERVICES.items()]


def service_url(key):
    """The web flow's URL for a built-in service, or ``None`` while it is not available."""
    entry = BUILT_IN_SERVICES.get(key)
    if entry is None:
        return None
    try:
        return reverse(entry[1])
    except NoReverseMatch:
        return None


# Each service's demo data, as the dotted path of a function that builds it and returns a
# line to print (``seed_demo`` calls them after the pages and the demo people exist).
DEMO_DATA = [
    "services.hospital.demo.build_hospital_demo",
    "services.learning.demo.build_learning_demo",
    "services.applications.demo.build_application_demo",
]


def build_service_demos():
    """Build every service's demo data; return the lines they report."""
    return [import_string(path)() for path in DEMO_DATA]


# Services whose web flow can be practised: the same pages under /practice/, where nothing
# is sent, booked or kept (portal.practice).
PRACTISED = ("taxi", "hospital")
PRACTICE_PREFIX = "/practice"


def practice_url(key):
    """The practice run of a built-in service's web flow, or ``None`` if it has none."""
    url = service_url(key) if key in PRACTISED else None
    return f"{PRACTICE_PREFIX}{url}" if url else None
