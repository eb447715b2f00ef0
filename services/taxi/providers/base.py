"""The one interface every dispatch provider implements, and how the portal picks one."""

import math

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "services.taxi.providers.simulated.SimulatedProvider"

# The most "minutes away" a provider may say: a ride is booked at most 6 hours ahead, so a
# day is already absurd (and the column holds a small number).
MAX_MINUTES_AWAY = 24 * 60


def minutes_away(value):
    """``value`` (a provider's "minutes away") as whole minutes, or raise ``ValueError``.

    A JSON number from 0 to :data:`MAX_MINUTES_AWAY` (a fraction is rounded). A bool, a
    string, NaN, an infinity, a negative or a larger number is refused: Python's JSON reads
    NaN and Infinity, which neither ``int()`` nor PostgreSQL's JSON column can take.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"minutes_away must be a number, not {value!r}")
    if not math.isfinite(value) or not 0 <= value <= MAX_MINUTES_AWAY:
        raise ValueError(f"minutes_away must be from 0 to {MAX_MINUTES_AWAY}, not {value!r}")
    return round(value)


class ProviderError(Exception):
    """The provider could not do what was asked.

    ``permanent=False`` (a timeout, a 5xx) means trying again later may work; ``permanent=True``
    (the order was refused) means it will not, and the ride needs a person instead.
    """

    def __init__(self, message="", *, permanent=False, retry_after=None):
        super().__init__(message)
        self.permanent = permanent
        # Seconds the provider asked us to wait (a 429's Retry-After), if it said.
        self.retry_after = retry_after


class WebhookEvent:
    """One event from a provider's webhook, in the portal's words.

    ``kind`` is a ride status value (``"car_found"``, ``"arrived"`` ...); ``data`` may hold
    ``reference`` (the dispatch key the portal gave ``create``), ``order_id``, ``plate``,
    ``colour``, ``driver_phone`` and ``minutes_away``.

    Raises ``ValueError`` when ``minutes_away`` is not sane (see :func:`minutes_away`), or
    anything in it is NaN, an infinity or a text with a NUL character (PostgreSQL cannot
    store those; SQLite may), so a provider's ``parse_webhook`` refuses the whole webhook
    (400) before any event is applied, whatever the database.
    """

    __slots__ = ("data", "event_id", "kind")

    def __init__(self, event_id, kind, data):
        self.event_id, self.kind, self.data = str(event_id), str(kind), dict(data or {})
        if _unstorable([self.event_id, self.kind, self.data]):
            raise ValueError("an event may not hold NaN, Infinity or a NUL character")
        if self.data.get("minutes_away") is not None:
            self.data["minutes_away"] = minutes_away(self.data["minutes_away"])

    def __repr__(self):
        return f"WebhookEvent({self.event_id!r}, {self.kind!r}, {self.data!r})"


def _unstorable(value):
    """True if ``value`` holds what PostgreSQL refuses: NaN or an infinity, or a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_unstorable(key) or _unstorable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_unstorable(item) for item in value)
    return False


class DispatchProvider:
    """Hands rides to a dispatch company and reads back what happened.

    Subclasses set ``name`` (kept on each ride and event) and implement the methods below.
    Methods raise :class:`ProviderError` when the provider fails.
    """

    name = "base"

    def create(self, ride, idempotency_key):
        """Order a car for ``ride``; return the provider's order id.

        Calling it again with the same ``idempotency_key`` must not order a second car.
        """
        raise NotImplementedError

    def cancel(self, ride, reason):
        """Cancel the provider's order for ``ride`` (``ride.provider_order_id``)."""
        raise NotImplementedError

    def status(self, ride):
        """The provider's view of the order now, as a :class:`WebhookEvent` or ``None``.

        Used to poll when no event has come for a while.
        """
        raise NotImplementedError

    def catch_up(self, ride):
        """Apply what this provider would have reported about ``ride`` by now; True if changed.

        Called whenever a ride's status is read. A real company sends webhooks (and is polled),
        so there is nothing to do; the simulated one, run in-process, plays its due events.
        """
        return False

    def verify_webhook(self, request):
        """True if ``request`` really comes from this provider (its signature is right)."""
        return False

    def parse_webhook(self, request):
        """The events in a verified webhook ``request``, as a list of :class:`WebhookEvent`."""
        raise NotImplementedError


def get_provider(path=None):
    """An instance of the provider named by ``path`` or the ``TAXI_PROVIDER`` setting."""
    path = path or getattr(settings, "TAXI_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER
    return import_string(path)()
