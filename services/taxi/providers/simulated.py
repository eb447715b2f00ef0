"""A pretend dispatch company, for the embedded default and demos; driven by Celery.

After :meth:`SimulatedProvider.create` it plays a short script of events through
``services.taxi.api.apply_event``, one every ``TAXI_SIMULATION_DELAY_SECONDS`` (at once when
tasks run in-process). ``TAXI_SIMULATION`` picks the script:

- ``found``: looking for a car, car found (a made-up plate, colour, phone), car arrived;
- ``none``: looking, then no car found;
- ``driver_cancels``: a car is found, then the driver cancels (so the portal asks again);
- ``no_show``: a car is found, then the driver never comes.
"""

import hashlib

from django.conf import settings
from django.db import transaction

from services.taxi.providers.base import DispatchProvider, WebhookEvent

SCRIPTS = {
    "found": ["looking", "car_found", "arrived"],
    "none": ["looking", "no_car"],
    "driver_cancels": ["looking", "car_found", "driver_cancelled"],
    "no_show": ["looking", "car_found", "driver_no_show"],
}
COLOURS = ["white", "blue", "green", "silver", "yellow"]


def behaviour():
    """The configured script name (``found`` unless ``TAXI_SIMULATION`` says otherwise)."""
    name = getattr(settings, "TAXI_SIMULATION", "found") or "found"
    if name not in SCRIPTS:
        raise ValueError(f"TAXI_SIMULATION must be one of {', '.join(SCRIPTS)}, not {name!r}")
    return name


def delay_seconds():
    return max(0, int(getattr(settings, "TAXI_SIMULATION_DELAY_SECONDS", 5)))


def made_up_car(reference):
    """The same pretend car, plate, colour and driver's phone for the same order every time."""
    digest = int(hashlib.sha256(reference.encode()).hexdigest(), 16)
    return {
        "plate": f"沪A·{digest % 100000:05d}",
        "colour": COLOURS[(digest >> 20) % len(COLOURS)],
        "driver_phone": f"+86139{(digest >> 40) % 100000000:08d}",
        "minutes_away": 3 + (digest >> 70) % 7,
    }


def event_for(order_id, reference, script, step):
    """The ``step``-th event of ``script`` for this order, as a :class:`WebhookEvent`."""
    kind = SCRIPTS[script][step]
    data = {"reference": reference, "order_id": order_id}
    if kind == "car_found":
        data.update(made_up_car(reference))
    return WebhookEvent(f"{order_id}:{step}:{kind}", kind, data)


class SimulatedProvider(DispatchProvider):
    """Finds a car (or none) after a delay, as ``TAXI_SIMULATION`` says."""

    name = "simulated"

    def create(self, ride, idempotency_key):
        """Start the script for this order; the same key gives the same order id."""
        order_id = f"sim-{idempotency_key}"
        script = behaviour()

        def start():
            from services.taxi.tasks import simulate_step

            simulate_step.apply_async(
                args=[order_id, idempotency_key, script, 0], countdown=delay_seconds()
            )

        transaction.on_commit(start)
        return order_id

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
