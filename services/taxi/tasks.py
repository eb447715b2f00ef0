"""Celery tasks for taxi rides: ids in, the ride's state checked first, bounded retries."""

import logging

from celery import shared_task

from services.taxi import api
from services.taxi.models import Ride, Status
from services.taxi.providers.base import ProviderError, get_provider

logger = logging.getLogger(__name__)

# Tries at handing an order to the provider before the ride is "no car" and a person helps.
DISPATCH_MAX_TRIES = 5
CANCEL_MAX_TRIES = 5


def backoff(tries):
    """Seconds to wait before try number ``tries + 1``: 5, 10, 20, 40 ... at most 2 minutes."""
    return min(5 * 2**tries, 120)


@shared_task(
    bind=True, name="taxi.dispatch_ride", max_retries=None, acks_late=True, ignore_result=True
)
def dispatch_ride(self, ride_id, attempt=0):
    """Hand ride ``ride_id`` (dispatch attempt ``attempt``) to the provider.

    A temporary provider failure is retried with backoff; a permanent one, or too many, makes
    the ride "no car" with a person to help. A ride cancelled or asked again meanwhile is left.
    """
    ride = Ride.objects.filter(pk=ride_id).first()
    if ride is None or ride.redispatches != attempt:
        return
    if ride.status not in (Status.REQUESTED, Status.LOOKING):
        return
    provider = get_provider()
    tries = self.request.retries or 0
    while True:
        try:
            order_id = provider.create(ride, ride.dispatch_key)
            break
        except ProviderError as error:
            tries += 1
            logger.warning("taxi ride %s: provider failed (try %s): %s", ride_id, tries, error)
            if error.permanent or tries >= DISPATCH_MAX_TRIES:
                api.dispatch_failed(ride_id, attempt)
                return
            if not self.request.is_eager:
                raise self.retry(countdown=backoff(tries - 1)) from error
            # In-process there is no worker to hand a retry to: try again now.
    api.dispatched(ride_id, attempt, provider.name, order_id)


@shared_task(bind=True, name="taxi.cancel_at_provider", max_retries=None, ignore_result=True)
def cancel_at_provider(self, ride_id, reason=""):
    """Cancel the provider's order for a ride the resident or a helper cancelled."""
    ride = Ride.objects.filter(pk=ride_id).first()
    if ride is None or not ride.provider_order_id:
        return  # not ordered yet: dispatch_ride cancels the order when it comes back
    tries = self.request.retries or 0
    while True:
        try:
            get_provider().cancel(ride, reason)
            return
        except ProviderError as error:
            tries += 1
            logger.warning(
                "taxi ride %s: provider cancel failed (try %s): %s", ride_id, tries, error
            )
            if error.permanent or tries >= CANCEL_MAX_TRIES:
                logger.error("taxi ride %s: the provider's order may still be open", ride_id)
                return
            if not self.request.is_eager:
                raise self.retry(countdown=backoff(tries - 1)) from error


@shared_task(name="taxi.simulate_step", ignore_result=True)
def simulate_step(order_id, reference, script, step):
    """The simulated provider's next event; schedules the one after while the ride goes on."""
    from services.taxi.providers import simulated

    if step >= len(simulated.SCRIPTS[script]):
        return
    event = simulated.event_for(order_id, reference, script, step)
    api.apply_event(simulated.SimulatedProvider.name, event.event_id, event.kind, event.data)
    ride = Ride.objects.filter(pk=int(reference.split("-")[1])).first()
    if ride is None or ride.is_final or ride.dispatch_key != reference:
        return
    simulate_step.apply_async(
        args=[order_id, reference, script, step + 1], countdown=simulated.delay_seconds()
    )
