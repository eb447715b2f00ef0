"""A real dispatch company's REST API, with HMAC-signed webhooks.

Settings: ``TAXI_HTTP_BASE_URL``, ``TAXI_HTTP_API_KEY`` (sent as a bearer token),
``TAXI_HTTP_WEBHOOK_SECRET`` and ``TAXI_HTTP_TIMEOUT_SECONDS``. Choose it with
``TAXI_PROVIDER=services.taxi.providers.http.HttpDispatchProvider``; the company posts its
events to ``/taxi/events/http/``.

The API (JSON bodies, ``Authorization: Bearer <key>`` on every call)::

    POST {base}/v1/orders                      Idempotency-Key: ride-12-0
        {"reference": "ride-12-0",
         "pickup": {"address": "...", "landmark": "..."},
         "destination": "..." | null,
         "pickup_at": "2026-11-25T09:30:00+08:00" | null,      (null: now)
         "notes": "...",                                       (for the driver)
         "passenger": {"phone": "+8613800000001"}}
        -> 201 {"id": "ord_...", "status": "looking", ...}     (200: same key, same order)
    POST {base}/v1/orders/{id}/cancel  {"reason": "..."}   -> 200 the order
    GET  {base}/v1/orders/{id}
        -> 200 {"id", "reference", "status",
                "car": {"plate", "colour", "driver_phone", "minutes_away"} | null,
                "last_event_id"}

Timeouts, network errors, 5xx and 429 are temporary (the task tries again, honouring
``Retry-After``); any other 4xx is permanent (the order was refused: no car, a person helps).

Webhooks: ``POST`` with a JSON event, or ``{"events": [event, ...]}``::

    {"event_id": "evt_...", "type": "car_found", "order_id": "ord_...",
     "reference": "ride-12-0", "car": {"plate", "colour", "driver_phone", "minutes_away"}}

signed in the header ``X-Dispatch-Signature: t=<unix seconds>,v1=<hex>``, where ``<hex>`` is
HMAC-SHA256 with the webhook secret over ``"<t>.<raw body>"``. Several ``v1=`` may be given
(while the company rotates its secret); one must match. A timestamp more than five minutes
from now (either way) is refused, so a captured request cannot be replayed later. A webhook
with any event that is not valid (no ``event_id`` or ``type``, a ``minutes_away`` that is not
a number from 0 to 1440, or NaN, Infinity or a NUL character anywhere) is answered 400 and
none of its events is applied.
"""

import hashlib
import hmac
import json
import logging
import threading
import time
from ipaddress import ip_address
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.utils import timezone

from services.taxi.providers.base import DispatchProvider, ProviderError, WebhookEvent

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Dispatch-Signature"
# A signed webhook is accepted this long after (or before: clocks drift) its timestamp.
SIGNATURE_TOLERANCE_SECONDS = 300
# The longest ``Retry-After`` the portal honours; beyond it the task's own backoff applies.
MAX_RETRY_AFTER_SECONDS = 120

# The company's event types and order states, in the portal's words (ride status values).
# Most are the same words; the company says "completed" where the portal says "done".
EVENT_KINDS = {
    "looking": "looking",
    "car_found": "car_found",
    "arrived": "arrived",
    "on_trip": "on_trip",
    "completed": "done",
    "done": "done",
    "no_car": "no_car",
    "no_driver_answer": "no_driver_answer",
    "driver_cancelled": "driver_cancelled",
    "driver_no_show": "driver_no_show",
    "passenger_no_show": "passenger_no_show",
    "cancelled": "cancelled",
}
_CAR_KEYS = ("plate", "colour", "driver_phone", "minutes_away")

_sessions = threading.local()


def sign(secret, timestamp, body):
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` (``body``: the raw bytes) with ``secret``."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_is_valid(header, body, secret, now=None):
    """True if ``header`` (an ``X-Dispatch-Signature`` value) signs ``body`` with ``secret``.

    False when the secret is not set, the header is missing or malformed, no ``v1`` matches,
    or the timestamp is more than :data:`SIGNATURE_TOLERANCE_SECONDS` from ``now``.
    """
    if not secret or not header:
        return False
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1" and value:
            signatures.append(value)
    try:
        timestamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS or not signatures:
        return False
    expected = sign(secret, timestamp, body)
    # Compare every candidate, so the time taken does not say which one was close.
    # As bytes: compare_digest refuses str with non-ASCII characters (a 500, not a "no").
    matches = [
        hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in signatures
    ]
    return any(matches)


def event_from(item):
    """One webhook event (a dict from the company) as a :class:`WebhookEvent`.

    Raises ``ValueError`` when it has no ``event_id`` or ``type``, or when
    :class:`WebhookEvent` refuses what it carries (a ``minutes_away`` that is not a number
    from 0 to a day; NaN, Infinity or a NUL character). A type the portal does not know is
    passed on as it came: it is kept, and changes nothing.
    """
    if not isinstance(item, dict):
        raise ValueError("an event must be a JSON object")
    event_id = str(item.get("event_id") or "").strip()
    kind = str(item.get("type") or "").strip()
    if not event_id or not kind:
        raise ValueError("an event needs an event_id and a type")
    data = {
        "order_id": str(item.get("order_id") or ""),
        "reference": str(item.get("reference") or ""),
    }
    data.update(_car_data(item.get("car")))
    return WebhookEvent(event_id[:100], EVENT_KINDS.get(kind, kind[:30]), data)


def _car_data(car):
    if not isinstance(car, dict):
        return {}
    return {key: car[key] for key in _CAR_KEYS if car.get(key) not in (None, "")}


def _session():
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = requests.Session()
    return session


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ip_address(host or "").is_loopback
    except ValueError:
        return False


class HttpDispatchProvider(DispatchProvider):
    """A dispatch company reached over HTTPS; see the module docstring for its API."""

    name = "http"

    def __init__(self):
        self.base_url = (getattr(settings, "TAXI_HTTP_BASE_URL", "") or "").rstrip("/")
        self.api_key = getattr(settings, "TAXI_HTTP_API_KEY", "") or ""
        self.secret = getattr(settings, "TAXI_HTTP_WEBHOOK_SECRET", "") or ""
        self.timeout = getattr(settings, "TAXI_HTTP_TIMEOUT_SECONDS", 5)

    # -- orders --------------------------------------------------------------------------------

    def create(self, ride, idempotency_key):
        """Order a car; the company keeps one order per ``Idempotency-Key``."""
        body = {
            "reference": ride.dispatch_key,
            "pickup": {"address": ride.pickup_address, "landmark": ride.pickup_note},
            "destination": ride.destination or None,
            "pickup_at": (
                timezone.localtime(ride.pickup_at).isoformat() if ride.pickup_at else None
            ),
            "notes": ride.driver_notes,
            "passenger": {"phone": ride.resident.phone or ""},
        }
        order = self._call(
            "POST", "/v1/orders", body, headers={"Idempotency-Key": str(idempotency_key)}
        )
        order_id = str(order.get("id") or "")
        if not order_id:
            # The order may exist; asking again with the same key finds it.
            raise ProviderError("the company answered without an order id", permanent=False)
        return order_id

    def cancel(self, ride, reason):
        """Cancel the company's order for ``ride``."""
        if ride.provider_order_id:
            self._call("POST", f"{self._order_path(ride)}/cancel", {"reason": reason or ""})

    def status(self, ride):
        """The order's state now, as an event with an id made of the order and its state."""
        if not ride.provider_order_id:
            return None
        order = self._call("GET", self._order_path(ride))
        state = str(order.get("status") or "")
        kind = EVENT_KINDS.get(state)
        if kind is None:
            return None
        order_id = str(order.get("id") or ride.provider_order_id)
        data = {"order_id": order_id, "reference": str(order.get("reference") or "")}
        data.update(_car_data(order.get("car")))
        if order.get("last_event_id"):
            data["last_event_id"] = str(order["last_event_id"])
        try:
            return WebhookEvent(f"poll:{order_id}:{state}"[:100], kind, data)
        except ValueError as error:  # an absurd "minutes away": the answer is not usable
            raise ProviderError(f"the order is not valid: {error}") from error

    # -- webhooks ------------------------------------------------------------------------------

    def verify_webhook(self, request):
        """True if the ``X-Dispatch-Signature`` is right and recent (see the module docstring)."""
        return signature_is_valid(
            request.headers.get(SIGNATURE_HEADER, ""), request.body, self.secret
        )

    def parse_webhook(self, request):
        """The events in a verified webhook; ``ValueError`` when the body is not valid."""
        try:
            payload = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"not JSON: {error}") from error
        if isinstance(payload, dict) and "events" in payload:
            items = payload["events"]
            if not isinstance(items, list):
                raise ValueError("events must be a list")
        else:
            items = [payload]
        return [event_from(item) for item in items]

    # -- inside --------------------------------------------------------------------------------

    def _order_path(self, ride):
        return f"/v1/orders/{quote(ride.provider_order_id, safe='')}"

    def _call(self, method, path, body=None, headers=None):
        """The JSON answer of one API call; :class:`ProviderError` when it fails."""
        if not self.base_url:
            raise ProviderError("TAXI_HTTP_BASE_URL is not set", permanent=True)
        url = self.base_url + path
        kwargs = {
            "json": body,
            "headers": {
                "Authorization": f"Bearer {self.api_key}",
                "Accept": "application/json",
                **(headers or {}),
            },
            "timeout": self.timeout,
            "allow_redirects": False,
        }
        if _is_loopback(urlsplit(url).hostname):
            kwargs["proxies"] = {"http": None, "https": None, "all": None}
        try:
            response = _session().request(method, url, **kwargs)
        except requests.RequestException as error:
            raise ProviderError(f"network: {type(error).__name__}", permanent=False) from error
        if response.status_code == 429 or response.status_code >= 500:
            error = ProviderError(f"{method} {path}: HTTP {response.status_code}", permanent=False)
            error.retry_after = _retry_after(response)
            raise error
        if response.status_code >= 400:
            if response.status_code in (401, 403):
                logger.error("the dispatch company refused the API key (%s)", response.status_code)
            raise ProviderError(
                f"{method} {path}: HTTP {response.status_code} {_error_words(response)}",
                permanent=True,
            )
        if not 200 <= response.status_code < 300:
            raise ProviderError(f"{method} {path}: HTTP {response.status_code}", permanent=False)
        try:
            answer = response.json()
        except ValueError as error:
            raise ProviderError(
                f"{method} {path}: the answer is not JSON", permanent=False
            ) from error
        if not isinstance(answer, dict):
            raise ProviderError(f"{method} {path}: the answer is not an object", permanent=False)
        return answer


def _retry_after(response):
    """Seconds the company asked us to wait (``Retry-After`` in seconds), or None."""
    try:
        seconds = int(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return max(0, min(seconds, MAX_RETRY_AFTER_SECONDS))


def _error_words(response):
    try:
        answer = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(answer, dict):
        return str(answer.get("message") or answer.get("error") or "")[:200]
    return ""
