"""Rides where no car came: the taxi service announces that a person should call back.

The taxi service does not know who helps: it sends ``portal.signals.needs_a_person`` and the
human channels (``assist``) open a request for help from it.
"""

import logging

from django.utils.translation import gettext_lazy as _

from portal.signals import announce_needs_a_person

# Logged under the taxi API's name, as before these modules were split out of it.
logger = logging.getLogger("services.taxi.api")

SUMMARY = _("No car came for this taxi ride: call the resident back and help them get a car.")


def announce_no_car(ride):
    """Announce that no car came for ``ride`` (once the current transaction commits)."""
    logger.info("taxi ride %s needs a person to help", ride.pk)
    announce_needs_a_person(
        "taxi",
        resident=ride.resident,
        reason=ride.status,
        record=f"ride:{ride.pk}",
        under=ride.reference,
        summary=SUMMARY,
    )
