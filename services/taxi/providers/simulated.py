"""A pretend dispatch company, for the embedded default and demos.

After :meth:`SimulatedProvider.create` it plays a short script of events through
``services.taxi.api.apply_event``. ``TAXI_SIMULATION`` picks the script:

- ``found``: looking for a car, car found (a made-up plate, colour, phone), car arrived;
- ``none``: looking, then no car found;
- ``driver_cancels``: a car is found, then the driver cancels (so the portal asks again);
- ``no_show``: a car is found, then the driver never comes.

Its timings look like a real city, so a demo never says "3 minutes away" and "arrived" in the
same second: a car is found after ``TAXI_SIMULATION_DELAY_SECONDS`` (tens of seconds), and
comes in the minutes it announced, each minute ``TAXI_SIMULATION_MINUTE_SECONDS`` long (60;
a demo may shorten it). Tests set both to 0: then the whole script plays at once.

With a Celery worker, each event is a task with its countdown. When tasks run in-process
(the embedded default, ``CELERY_TASK_ALWAYS_EAGER``) there is nobody to wake up later and
countdowns are ignored, so only what is due at once is played when the order starts; the
rest is played when someone reads the ride (:meth:`SimulatedProvider.catch_up`, called by
``services.taxi.api.ride_status``), as much of it as is due by then.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from services.taxi.providers.base import DispatchProvider, WebhookEvent

SCRIPTS = {
    "found": ["looking", "car_found", "arrived"],
    "none": ["looking", "no_car"],
    "driver_cancels": ["looking", "car_found", "driver_cancelled"],
    "no_show": ["looking", "car_found", "driver_no_show"],
}
COLOURS = ["white", "blue", "green", "silver", "yellow"]
# Without a setting: seconds until a car is found, and seconds in a "minute away".
FIND_SECONDS = 30
MINUTE_SECONDS = 60
# The company gives up searching this many minutes after it would have found a car; a driver
# who cancels does so a minute after taking the order; one who never comes is reported this
# many minutes after he was due.
GIVES_UP_AFTER_MINUTES = 2
DRIVER_CANCELS_AFTER_MINUTES = 1
NO_SHOW_AFTER_MINUTES = 5


def behaviour():
    """The configured script name (``found`` unless ``TAXI_SIMULATION`` says otherwise)."""
    name = getattr(settings, "TAXI_SIMULATION", "found") or "found"
    if name not in SCRIPTS:
        raise ValueError(f"TAXI_SIMULATION must be one of {', '.join(SCRIPTS)}, not {name!r}")
    return name


def delay_seconds():
    """Seconds the pretend company takes to find a car (``TAXI_SIMULATION_DELAY_SECONDS``)."""
    return max(0, int(getattr(settings, "TAXI_SIMULATION_DELAY_SECONDS", FIND_SECONDS)))


def minute_seconds():
    """Seconds a pretend "minute away" lasts (``TAXI_SIMULATION_MINUTE_SECONDS``)."""
    return max(0, int(getattr(settings, "TAXI_SIMULATION_MINUTE_SECONDS", MINUTE_SECONDS)))


def made_up_car(reference):
    """The same pretend car, plate, colour and driver's phone for the same order every time."""
    digest = int(hashlib.sha256(reference.encode()).hexdigest(), 16)
    return {
        "plate": f"沪A·{digest % 100000:05d}",
        "colour": COLOURS[(digest >> 20) % len(COLOURS)],
        "driver_phone": f"+86139{(digest >> 40) % 100000000:08d}",
        "minutes_away": 3 + (digest >> 70) % 7,
    }


def timeline(reference, script):
    """When each event of ``script`` comes for this order: seconds after the order started."""
    found = delay_seconds()
    minute = minute_seconds()
    coming = made_up_car(reference)["minutes_away"] * minute
    due = {
        "looking": 0,
        "car_found": found,
        "arrived": found + coming,  # in the minutes the company announced
        "no_car": found + GIVES_UP_AFTER_MINUTES * minute,
        "driver_cancelled": found + DRIVER_CANCELS_AFTER_MINUTES * minute,
        "driver_no_show": found + coming + NO_SHOW_AFTER_MINUTES * minute,
    }
    return [due[kind] for kind in SCRIPTS[script]]


def wait_before(reference, script, step):
    """Seconds between the event before ``step`` and ``step`` (its countdown on a worker)."""
    times = timeline(reference, script)
    return times[step] - times[step - 1] if step else times[0]


def order_id_for(reference):
    return f"sim-{reference}"


def event_for(order_id, reference, script, step):
    """The ``step``-th event of ``script`` for this order, as a :class:`WebhookEvent`."""
    kind = SCRIPTS[script][step]
    data = {"reference": reference, "order_id": order_id}
    if step == 0:
        # The first event marks when the order started and which script it plays: what is
        # due later is counted from it (see due_events).
        data["script"] = script
    if kind == "car_found":
        data.update(made_up_car(reference))
    return WebhookEvent(f"{order_id}:{step}:{kind}", kind, data)


def due_events(reference, now=None):
    """The events of order ``reference`` due by ``now``, after its first; [] if not started.

    Some may have been applied already: ``apply_event`` keeps each id once, so a repeat is
    harmless.
    """
    from services.taxi.models import RideEvent

    order_id = order_id_for(reference)
    # Every script starts by looking for a car.
    first = RideEvent.objects.filter(
        provider=SimulatedProvider.name, event_id=f"{order_id}:0:looking"
    ).first()
    if first is None or first.data.get("script") not in SCRIPTS:
        return []
    script = first.data["script"]
    elapsed = ((now or timezone.now()) - first.received_at).total_seconds()
    return [
        event_for(order_id, reference, script, step)
        for step, due in enumerate(timeline(reference, script))
        if step and due <= elapsed
    ]


def apply(event):
    """Apply ``event`` through the taxi api (idempotent on its id); True if the ride changed."""
    from services.taxi import api

    return api.apply_event(SimulatedProvider.name, event.event_id, event.kind, event.data)


def runs_in_process():
    """True when Celery runs tasks at once, in this process (no worker, countdowns ignored)."""
    from services.taxi.tasks import simulate_step

    return bool(simulate_step.app.conf.task_always_eager)


class SimulatedProvider(DispatchProvider):
    """Finds a car (or none) after a while, as ``TAXI_SIMULATION`` says."""

    name = "simulated"

    def create(self, ride, idempotency_key):
        """Start the script for this order; the same key gives the same order id."""
        order_id = order_id_for(idempotency_key)
        script = behaviour()

        def start():
            from services.taxi.tasks import simulate_step

            if runs_in_process():
                apply(event_for(order_id, idempotency_key, script, 0))
                self._play_due(idempotency_key)
            else:
                simulate_step.apply_async(
                    args=[order_id, idempotency_key, script, 0],
                    countdown=wait_before(idempotency_key, script, 0),
                )

        transaction.on_commit(start)
        return order_id

    def catch_up(self, ride):
        """Play what the company would have said about ``ride`` by now; True if it changed.

        Only when tasks run in-process: with a worker, the tasks' countdowns do it.
        """
        if not runs_in_process() or ride.provider != self.name or ride.is_final:
            return False
        return self._play_due(ride.dispatch_key)

    def _play_due(self, reference):
        from services.taxi.models import Ride

        ride_id = int(reference.split("-")[1])
        changed = False
        for event in due_events(reference):
            changed = apply(event) or changed
            ride = Ride.objects.filter(pk=ride_id).first()
            # Ended, or the driver cancelled and a new order (with its own clock) began.
            if ride is None or ride.is_final or ride.dispatch_key != reference:
                break
        return changed

    def cancel(self, ride, reason):
        """Nothing to stop: later events find the ride cancelled and change nothing."""

    def status(self, ride):
        """The pretend company knows only what it already said; nothing new to poll."""
        return None

    def verify_webhook(self, request):
        """The simulation sends no webhooks, so none is ever genuine."""
        return False

    def parse_webhook(self, request):
        return []
