"""Handing work for the dispatch provider to Celery, on the urgent queue.

Called once the booking or cancel is committed. If the broker is down, the failure is logged
and the resident's tap still stands: the poll sends a ride whose order never went out again
(``services.taxi.tasks.stuck_rides``).
"""

import logging

from portal import queues

# Logged under the taxi API's name, as before these modules were split out of it.
logger = logging.getLogger("services.taxi.api")


def queue_dispatch(ride_id, attempt):
    """Queue sending ride ``ride_id``'s order (dispatch attempt ``attempt``) to the provider."""
    # Imported here: the tasks import the taxi API, which imports this module.
    from services.taxi.tasks import dispatch_ride

    try:
        dispatch_ride.apply_async(args=[ride_id], kwargs={"attempt": attempt}, queue=queues.URGENT)
    except _broker_errors():
        logger.exception("could not queue dispatch of taxi ride %s", ride_id)


def queue_provider_cancel(ride_id, reason):
    """Queue cancelling ride ``ride_id``'s order at the provider."""
    from services.taxi.tasks import cancel_at_provider

    try:
        cancel_at_provider.apply_async(
            args=[ride_id], kwargs={"reason": reason}, queue=queues.URGENT
        )
    except _broker_errors():
        logger.exception("could not queue the provider cancel of taxi ride %s", ride_id)


def _broker_errors():
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError)
