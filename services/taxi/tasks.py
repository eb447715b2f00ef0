"""Celery tasks for taxi rides: ids in, the ride's state checked first, bounded retries."""

import logging
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal import queues
from services.taxi import api
from services.taxi.models import ACTIVE_STATUSES, Ride, Status
from services.taxi.providers.base import ProviderError, get_provider

logger = logging.getLogger(__name__)

# Tries at handing an order to the provider before the ride is "no car" and a person helps.
DISPATCH_MAX_TRIES = 5
CANCEL_MAX_TRIES = 5
# One poll run asks about at most this many rides, and stops starting new ones after this
# long, so a slow provider cannot make runs pile up behind each other (beat runs it each minute).
POLL_BATCH = 100
POLL_BUDGET_SECONDS = 40


def backoff(tries):
    """Seconds to wait before try number ``tries + 1``: 5, 10, 20, 40 ... at most 2 minutes."""
    return min(5 * 2**tries, 120)


def call_provider(task, action, *, ride_id, what, max_tries):
    """``action()``'s result, trying again while the provider fails for a while only.

    A temporary :class:`ProviderError` is handed back to Celery to retry with backoff (or
    after the provider's ``Retry-After``, if longer); in-process (eager) there is no worker
    to hand it to, so it is tried again at once. Raises the ``ProviderError`` when it is
    permanent or ``max_tries`` are used up.
    """
    tries = task.request.retries or 0
    while True:
        try:
            return action()
        except ProviderError as error:
            tries += 1
            logger.warning(
                "taxi ride %s: provider %s failed (try %s): %s", ride_id, what, tries, error
            )
            if error.permanent or tries >= max_tries:
                raise
            if not task.request.is_eager:
                wait = max(backoff(tries - 1), getattr(error, "retry_after", None) or 0)
                raise task.retry(countdown=wait) from error


@shared_task(
    bind=True, name="taxi.dispatch_ride", max_retries=None, acks_late=True, ignore_result=True
)
def dispatch_ride(self, ride_id, attempt=0):
    """Hand ride ``ride_id`` (dispatch attempt ``attempt``) to the provider.

    A temporary provider failure is retried with backoff; a permanent one, or too many, makes
    the ride "no car" with a person to help. A ride cancelled or asked again meanwhile is left.
    """
    ride = Ride.objects.select_related("resident").filter(pk=ride_id).first()
    if ride is None or ride.redispatches != attempt:
        return
    if ride.status not in (Status.REQUESTED, Status.LOOKING):
        return
    provider = get_provider()
    try:
        order_id = call_provider(
            self,
            lambda: provider.create(ride, ride.dispatch_key),
            ride_id=ride_id,
            what="order",
            max_tries=DISPATCH_MAX_TRIES,
        )
    except ProviderError:
        api.dispatch_failed(ride_id, attempt)
        return
    api.dispatched(ride_id, attempt, provider.name, order_id)


@shared_task(bind=True, name="taxi.cancel_at_provider", max_retries=None, ignore_result=True)
def cancel_at_provider(self, ride_id, reason=""):
    """Cancel the provider's order for a ride the resident or a helper cancelled."""
    ride = Ride.objects.filter(pk=ride_id).first()
    if ride is None or not ride.provider_order_id:
        return  # not ordered yet: dispatch_ride cancels the order when it comes back
    provider = get_provider()
    try:
        call_provider(
            self,
            lambda: provider.cancel(ride, reason),
            ride_id=ride_id,
            what="cancel",
            max_tries=CANCEL_MAX_TRIES,
        )
    except ProviderError:
        logger.error("taxi ride %s: the provider's order may still be open", ride_id)


@shared_task(name="taxi.simulate_step", ignore_result=True)
def simulate_step(order_id, reference, script, step):
    """The simulated provider's next event; schedules the one after while the ride goes on.

    Used with a worker only: in-process, countdowns are ignored, so the provider plays what
    is due when the ride is read instead (``SimulatedProvider.catch_up``).
    """
    from services.taxi.providers import simulated

    if step >= len(simulated.SCRIPTS[script]):
        return
    event = simulated.event_for(order_id, reference, script, step)
    api.apply_event(simulated.SimulatedProvider.name, event.event_id, event.kind, event.data)
    ride = Ride.objects.filter(pk=int(reference.split("-")[1])).first()
    if ride is None or ride.is_final or ride.dispatch_key != reference:
        return
    if step + 1 >= len(simulated.SCRIPTS[script]):
        return
    simulate_step.apply_async(
        args=[order_id, reference, script, step + 1],
        countdown=simulated.wait_before(reference, script, step + 1),
    )


# ---------------------------------------------------------------------------------------------
# When the provider goes quiet


def quiet_since():
    """Rides unchanged since before this moment are quiet (``TAXI_POLL_AFTER_SECONDS`` ago)."""
    return timezone.now() - timedelta(seconds=settings.TAXI_POLL_AFTER_SECONDS)


def quiet_rides(provider_name, since):
    """Active rides ``provider_name`` has an order for, unchanged since ``since``; oldest first."""
    return (
        Ride.objects.filter(
            provider=provider_name, status__in=ACTIVE_STATUSES, updated_at__lt=since
        )
        .exclude(provider_order_id="")
        .order_by("updated_at", "pk")
    )


def stuck_rides(since):
    """Rides waiting for a car that no provider has an order for, unchanged since ``since``.

    A booking (or a request to ask again) whose dispatch task never ran: the broker was down
    when it was queued, or the task was lost.
    """
    return Ride.objects.filter(
        status__in=(Status.REQUESTED, Status.LOOKING), provider_order_id="", updated_at__lt=since
    ).order_by("updated_at", "pk")


@shared_task(name="taxi.poll_quiet_rides", ignore_result=True)
def poll_quiet_rides():
    """Ask the provider about quiet rides and send stuck ones again (run by beat every minute).

    A ride no event has come for in ``TAXI_POLL_AFTER_SECONDS`` gets the provider's view of its
    order, applied like any event (so a webhook that comes later changes nothing twice). A
    ride no provider has an order for is queued for dispatch again. Each ride is looked at at
    most once per ``TAXI_POLL_AFTER_SECONDS``, so the oldest cannot keep the others out of a
    bounded batch; one ride failing does not stop the rest. Returns what it did, as counts.
    """
    since = quiet_since()
    provider = get_provider()
    done = {"polled": 0, "changed": 0, "redispatched": 0, "failed": 0}
    started = time.monotonic()

    def in_budget():
        return (
            done["polled"] + done["redispatched"] + done["failed"] < POLL_BATCH
            and time.monotonic() - started < POLL_BUDGET_SECONDS
        )

    for ride in _not_looked_at_lately(quiet_rides(provider.name, since), in_budget):
        try:
            event = provider.status(ride)
            done["polled"] += 1
            if event is not None and api.apply_event(
                provider.name, event.event_id, event.kind, event.data
            ):
                done["changed"] += 1
        except ProviderError as error:
            done["failed"] += 1
            logger.warning("taxi ride %s: could not ask the provider: %s", ride.pk, error)
        except Exception:
            done["failed"] += 1
            logger.exception("taxi ride %s: polling the provider failed", ride.pk)

    for ride in _not_looked_at_lately(stuck_rides(since), in_budget):
        try:
            dispatch_ride.apply_async(
                args=[ride.pk], kwargs={"attempt": ride.redispatches}, queue=queues.URGENT
            )
            done["redispatched"] += 1
        except Exception:
            done["failed"] += 1
            logger.exception("taxi ride %s: could not queue its dispatch again", ride.pk)
    if any(done.values()):
        logger.info("taxi poll: %s", done)
    return done


def _not_looked_at_lately(rides, in_budget):
    """The rides in ``rides`` not polled (or sent again) in the last poll interval."""
    # Ids first: rides change while we go (SQLite would show a cursor those changes).
    for ride_id in list(rides.values_list("pk", flat=True)):
        if not in_budget():
            return
        # With Redis down cache.add answers nothing (the default cache fails open), so no
        # ride is polled this minute: webhooks still arrive, and polling resumes with Redis.
        # cache.add is atomic: two overlapping runs never take the same ride. The key names
        # the interval (rather than trusting the cache's own expiry) so the portal's clock
        # decides when a ride is due again, whichever cache holds the mark.
        interval = settings.TAXI_POLL_AFTER_SECONDS
        key = f"taxi:poll:{ride_id}:{int(timezone.now().timestamp() // interval)}"
        if cache.add(key, 1, timeout=interval):
            ride = Ride.objects.select_related("resident").filter(pk=ride_id).first()
            if ride is not None:
                yield ride
