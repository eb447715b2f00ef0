"""An in-process fake of a taxi dispatch company's REST API on 127.0.0.1, with signed webhooks.

It speaks the API documented in ``services/taxi/providers/http.py`` (and signs webhooks its
own way, from that description, so the portal's checks are tested against a second
implementation)::

    with FakeDispatch(api_key="k", secret="s", webhook_url=url) as fake:
        ...                                   # point TAXI_HTTP_BASE_URL at fake.base_url
        fake.orders[0].body["pickup"]         # what the portal sent
        fake.fail_next(2, status=503)         # the next two API calls answer 503
        fake.hang_next(1, seconds=3)          # the next call answers after 3 s
        fake.refuse_next(1)                   # the next create answers 422
        fake.send_event(order_id, "car_found", car={...})   # signed POST to webhook_url
        fake.set_state(order_id, "arrived")   # what GET says from now on, no webhook

``transport`` (``(url, body, headers) -> HTTP status``) says how webhooks travel; by default
a real HTTP POST. Tests may pass one that goes through Django's test client instead.

It also lists every order (``GET /v1/orders`` -> ``{"orders": [...]}``), which the real
company need not offer: benchmarks count the orders per reference with it.

Run alone for benchmarks: it serves until killed, prints ``ready`` when listening, and for
each new order posts a signed ``looking`` then ``car_found`` after ``--find-after`` seconds::

    python -m tests.support.fake_dispatch --port 8765 --secret S --api-key K \\
        --webhook-url http://127.0.0.1:8000/taxi/events/http/ --find-after 2
"""

import argparse
import hashlib
import hmac
import json
import re
import signal
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from requests import RequestException, Session

from tests.support.fake_server import Answer, FakeServer, JsonHandler

DEFAULT_API_KEY = "fake-dispatch-api-key"
DEFAULT_SECRET = "fake-dispatch-webhook-secret"
COLOURS = ["white", "blue", "green", "silver", "yellow"]
# The company's order states and event types.
STATES = {
    "looking",
    "car_found",
    "arrived",
    "on_trip",
    "completed",
    "no_car",
    "no_driver_answer",
    "driver_cancelled",
    "driver_no_show",
    "passenger_no_show",
    "cancelled",
}
FINISHED = {"completed", "no_car", "no_driver_answer", "driver_no_show", "passenger_no_show"}


def signature_header(secret, body, timestamp=None):
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` for the raw ``body`` bytes."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    digest = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def made_up_car(order_id):
    """A pretend car, the same for the same order every time."""
    digest = int(hashlib.sha256(order_id.encode()).hexdigest(), 16)
    return {
        "plate": f"沪B·{digest % 100000:05d}",
        "colour": COLOURS[(digest >> 20) % len(COLOURS)],
        "driver_phone": f"+86137{(digest >> 40) % 100000000:08d}",
        "minutes_away": 3 + (digest >> 70) % 7,
    }


def _now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Order:
    """One order the fake accepted: ``body`` as posted, and its state now."""

    id: str
    idempotency_key: str
    body: dict
    status: str = "looking"
    car: dict | None = None
    last_event_id: str | None = None
    cancel_reason: str | None = None
    events: list = field(default_factory=list)  # (event_id, type, HTTP status that answered)

    @property
    def reference(self):
        return self.body.get("reference")

    def resource(self):
        return json.loads(
            json.dumps(
                {
                    "id": self.id,
                    "reference": self.reference,
                    "status": self.status,
                    "pickup": self.body.get("pickup"),
                    "destination": self.body.get("destination"),
                    "pickup_at": self.body.get("pickup_at"),
                    "car": self.car,
                    "last_event_id": self.last_event_id,
                }
            )
        )


class _Handler(JsonHandler):
    server_version = "FakeDispatch/1.0"
    do_GET = do_POST = JsonHandler.serve


_ORDER = re.compile(r"^/v1/orders/(?P<id>[^/]+)(?P<cancel>/cancel)?$")


def http_transport(url, body, headers, timeout=10):
    """POST the webhook for real; the HTTP status that answered."""
    with Session() as session:
        session.trust_env = False
        response = session.post(url, data=body, headers=headers, timeout=timeout)
        return response.status_code


class FakeDispatch(FakeServer):
    """The dispatch company's API on ``http://127.0.0.1:<port>``; see the module doc."""

    handler_class = _Handler

    def __init__(
        self,
        api_key=DEFAULT_API_KEY,
        secret=DEFAULT_SECRET,
        *,
        webhook_url=None,
        find_after=None,
        transport=None,
        port=0,
    ):
        self.api_key = api_key
        self.secret = secret
        self.webhook_url = webhook_url
        self.find_after = find_after  # seconds; None: send no events on its own
        self.transport = transport or http_transport
        super().__init__(port)
        self._timers = []
        self.reset()

    # -- lifecycle -----------------------------------------------------------------------------

    def stop(self):
        if self._server is not None:
            self._stopping.set()  # timers post webhooks on their own: none may start now
            with self._lock:
                timers, self._timers = self._timers, []
            for timer in timers:
                timer.cancel()
        super().stop()

    def reset(self):
        """Forget orders, counters, injected failures and webhooks sent."""
        with self._lock:
            self.orders = []
            self._by_id = {}
            self._by_key = {}
            self._failures = deque()  # (status, retry_after, on)
            self._hangs = deque()  # (seconds, on)
            self._refusals = deque()  # (status, error code)
            self.request_log = []  # (method, path, HTTP status, headers) of every API call
            self.webhooks = []  # (url, payload, HTTP status) of every webhook sent
            self.errors = []  # exceptions inside the fake (answered 500); should stay empty

    # -- failure injection ---------------------------------------------------------------------

    def fail_next(self, count=1, status=500, *, on=None, retry_after=None):
        """The next ``count`` calls (``on``: "create", "cancel", "get"; None: any) fail."""
        with self._lock:
            self._failures.extend([(status, retry_after, on)] * count)

    def hang_next(self, count=1, seconds=5.0, *, on=None):
        """The next ``count`` API calls wait ``seconds`` before answering (stop() cuts it short)."""
        with self._lock:
            self._hangs.extend([(seconds, on)] * count)

    def refuse_next(self, count=1, status=422, code="address_not_served"):
        """The next ``count`` creates are refused (``status``, with ``code`` in the body)."""
        with self._lock:
            self._refusals.extend([(status, code)] * count)

    # -- what it saw ---------------------------------------------------------------------------

    @property
    def creates(self):
        """How many orders were created (a repeated Idempotency-Key creates none)."""
        with self._lock:
            return len(self.orders)

    def calls(self, method=None, path=None):
        """The API calls logged, filtered by ``method`` and ``path``."""
        with self._lock:
            return [
                entry
                for entry in self.request_log
                if method in (None, entry[0]) and path in (None, entry[1])
            ]

    def order(self, order_id):
        with self._lock:
            return self._by_id[order_id]

    def order_for(self, reference):
        with self._lock:
            return next(order for order in self.orders if order.reference == reference)

    # -- the company's side of a ride ----------------------------------------------------------

    def set_state(self, order_id, status, car=None):
        """Change what GET says about the order, without sending a webhook."""
        with self._lock:
            order = self._by_id[order_id]
            order.status = status
            if status == "car_found" and car is None and order.car is None:
                car = made_up_car(order_id)
            if car is not None:
                order.car = dict(car)
            return order

    def event_payload(self, order_id, type, *, car=None, event_id=None):
        """The JSON a webhook about ``order_id`` carries (nothing changes at the fake)."""
        with self._lock:
            order = self._by_id.get(order_id)
            reference = order.reference if order else None
        return {
            "event_id": event_id or "evt_" + uuid.uuid4().hex,
            "type": type,
            "order_id": order_id,
            "reference": reference,
            "occurred_at": _now_iso(),
            "car": car,
        }

    def send_event(
        self,
        order_id,
        type,
        *,
        car=None,
        event_id=None,
        secret=None,
        timestamp=None,
        signature=None,
        url=None,
    ):
        """POST a signed webhook that the order is now ``type``; the HTTP status that answered.

        Also updates the order, so a later GET sees it. ``car`` defaults to the made-up car
        for "car_found"; ``secret`` and ``timestamp`` override the signing ones; ``signature``
        replaces the whole header (``""``: no header at all); ``url`` overrides webhook_url.
        """
        with self._lock:
            order = self._by_id.get(order_id)
            if order is not None:
                if type == "car_found" and car is None:
                    car = order.car or made_up_car(order_id)
                if type in STATES:
                    order.status = type
                if car is not None:
                    order.car = dict(car)
        payload = self.event_payload(order_id, type, car=car, event_id=event_id)
        if order is not None:
            with self._lock:
                order.last_event_id = payload["event_id"]
        status = self.post_webhook(
            payload, secret=secret, timestamp=timestamp, signature=signature, url=url
        )
        if order is not None:
            with self._lock:
                order.events.append((payload["event_id"], type, status))
        return status

    def post_webhook(self, payload, *, secret=None, timestamp=None, signature=None, url=None):
        """POST ``payload`` (one event, or ``{"events": [...]}``) signed; the HTTP status."""
        target = url or self.webhook_url
        if not target:
            raise ValueError("no webhook_url: pass url=")
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": "FakeDispatch/1.0"}
        if signature is None:
            signature = signature_header(self.secret if secret is None else secret, body, timestamp)
        if signature:
            headers["X-Dispatch-Signature"] = signature
        status = self.transport(target, body, headers)
        with self._lock:
            self.webhooks.append((target, payload, status))
        return status

    # -- the API -------------------------------------------------------------------------------

    def _internal_error(self, error):
        self.errors.append(error)
        return Answer(500, {"error": "internal", "message": "fake dispatch error"})

    def _handle(self, method, path, headers, raw_body):
        answer = self._answer(method, path.split("?", 1)[0], headers, raw_body)
        with self._lock:
            self.request_log.append((method, path, answer.status, dict(headers.items())))
        return answer

    def _take(self, queue, action):
        """The first injected item meant for ``action`` (its last element says which), or None."""
        with self._lock:
            for item in list(queue):
                if item[-1] in (None, action):
                    queue.remove(item)
                    return item
        return None

    def _answer(self, method, path, headers, raw_body):
        if not hmac.compare_digest(
            headers.get("Authorization", "").encode(), f"Bearer {self.api_key}".encode()
        ):
            return Answer(401, {"error": "unauthorized", "message": "bad API key"})
        match = _ORDER.match(path)
        if path == "/v1/orders" and method == "POST":
            action = "create"
        elif path == "/v1/orders" and method == "GET":
            with self._lock:  # every order, oldest first (benchmarks count them)
                return Answer(200, {"orders": [order.resource() for order in self.orders]})
        elif match and match["cancel"] and method == "POST":
            action = "cancel"
        elif match and not match["cancel"] and method == "GET":
            action = "get"
        else:
            return Answer(404, {"error": "not_found", "message": path})
        hang = self._take(self._hangs, action)
        if hang:
            self._sleep(hang[0])
        failure = self._take(self._failures, action)
        if failure:
            status, retry_after, _on = failure
            extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return Answer(status, {"error": "unavailable", "message": "try again"}, extra)
        try:
            body = json.loads(raw_body or b"{}")
        except ValueError:
            return Answer(400, {"error": "invalid_json", "message": "body is not JSON"})
        if action == "create":
            return self._create(headers.get("Idempotency-Key", ""), body)
        with self._lock:
            order = self._by_id.get(match["id"])
            if order is None:
                return Answer(404, {"error": "not_found", "message": "no such order"})
            if action == "get":
                return Answer(200, order.resource())
            if order.status in FINISHED:
                return Answer(409, {"error": "order_finished", "message": order.status})
            if order.status != "cancelled":
                order.status = "cancelled"
                order.cancel_reason = str(body.get("reason") or "")
            return Answer(200, order.resource())

    def _create(self, key, body):
        if not key:
            return Answer(400, {"error": "idempotency_key_required", "message": "no key"})
        if not isinstance(body, dict) or not body.get("reference"):
            return Answer(400, {"error": "invalid_request", "message": "reference is required"})
        pickup = body.get("pickup") or {}
        if not isinstance(pickup, dict) or not pickup.get("address"):
            return Answer(400, {"error": "invalid_request", "message": "pickup.address"})
        with self._lock:
            existing = self._by_key.get(key)
            if existing is not None:
                return Answer(200, existing.resource())
            refusal = self._refusals.popleft() if self._refusals else None
            if refusal:
                return Answer(refusal[0], {"error": refusal[1], "message": "refused"})
            order = Order("ord_" + uuid.uuid4().hex[:16], key, body)
            self.orders.append(order)
            self._by_id[order.id] = order
            self._by_key[key] = order
        if self.find_after is not None and self.webhook_url:
            self._later(self.find_after, self._find_a_car, order.id)
        return Answer(201, order.resource())

    # -- on its own (benchmarks) ---------------------------------------------------------------

    def _later(self, seconds, action, *args):
        timer = threading.Timer(seconds, action, args)
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def _find_a_car(self, order_id):
        for kind in ("looking", "car_found"):
            with self._lock:
                if self._by_id[order_id].status in FINISHED | {"cancelled"}:
                    return
            for _try in range(3):  # as a real company would: a few tries, then give up
                if self._stopping.is_set():
                    return
                try:
                    if self.send_event(order_id, kind) < 500:
                        break
                except RequestException:
                    pass
                self._stopping.wait(0.5)


def main(argv=None):
    parser = argparse.ArgumentParser(description="A fake taxi dispatch company.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--webhook-url", required=True)
    parser.add_argument("--find-after", type=float, default=2.0)
    options = parser.parse_args(argv)
    fake = FakeDispatch(
        api_key=options.api_key,
        secret=options.secret,
        webhook_url=options.webhook_url,
        find_after=options.find_after,
        port=options.port,
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with fake:
        print("ready", flush=True)
        print(f"listening on {fake.base_url}", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
