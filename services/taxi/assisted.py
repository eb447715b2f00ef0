"""Rides where no car came and a person (a volunteer, the phone line) should call back."""

import logging

from django.utils import timezone

from services.taxi.models import Ride

# Logged under the taxi API's name, as before these modules were split out of it.
logger = logging.getLogger("services.taxi.api")


def rides_needing_help():
    """Rides marked as needing a person (no car came), oldest first, for the assisted channel.

    Nothing clears the mark yet: the list keeps rides a person has already helped with.
    """
    return Ride.objects.filter(needs_help=True).select_related("resident").order_by("updated_at")


def mark_needs_help(ride):
    """Mark ``ride`` as needing a person: no car was found or the driver did not come.

    The assisted channel (volunteers, the phone line) lists these with
    :func:`rides_needing_help` and calls the resident back. Idempotent; returns the ride.
    """
    if not ride.needs_help:
        Ride.objects.filter(pk=ride.pk).update(needs_help=True, updated_at=timezone.now())
        ride.needs_help = True
        logger.info("taxi ride %s needs a person to help", ride.pk)
    return ride
