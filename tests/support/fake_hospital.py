"""An in-process fake of a hospital's own booking system on 127.0.0.1, for the external provider.

It serves the small REST API documented in ``services/hospital/providers/external.py``::

    with FakeHospital(api_key="k") as fake:
        fake.add_session("RJ", "NK", "2026-11-23", "morning", capacity=1)
        settings.HOSPITAL_EXTERNAL_BASE_URL = fake.url
        ...
        assert fake.bookings[booking_id]["reference"] == appointment.idempotency_key
        fake.fill("RJ", "NK", "2026-11-23", "morning")   # the next booking gets 409 "full"
        fake.fail_next(2, status=503)                     # the next two requests answer 503
        fake.hang_next(1, seconds=2)                      # the next request answers late

- ``POST /bookings`` -> 201 ``{"booking_id"}`` (200 and the same id for a repeated
  ``reference``), 409 ``{"error": "full"}``, 400 for a body it cannot read;
- ``DELETE /bookings/{id}`` -> 204, or 404 if it has no such booking;
- ``GET /sessions?hospital=&department=&from=&to=`` -> 200 ``{"sessions": [...]}``.

Every request needs ``Authorization: Bearer <api_key>`` (401 otherwise). A session the fake was
not told about has ``default_capacity`` places. All requests are kept in ``requests``.
"""

import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

from tests.support.fake_server import Answer, FakeServer, JsonHandler


class _Handler(JsonHandler):
    do_GET = do_POST = do_DELETE = JsonHandler.serve


class FakeHospital(FakeServer):
    """A booking server on a free loopback port; use as a context manager."""

    handler_class = _Handler

    def __init__(self, api_key="fake-hospital-key", default_capacity=10):
        super().__init__()
        self.api_key = api_key
        self.default_capacity = default_capacity
        self.sessions = {}  # (hospital, department, date, period) -> dict
        self.bookings = {}  # booking id -> body (+ "cancelled")
        self.requests = []  # (method, path, body or query)
        self._failures = []  # HTTP statuses the next requests answer with
        self._hangs = []  # seconds the next requests wait before answering

    # -- control --------------------------------------------------------------------------

    @property
    def url(self):
        return self.base_url

    def add_session(self, hospital, department, date, period, *, capacity, **times):
        with self._lock:
            self.sessions[(hospital, department, date, period)] = {
                "date": date,
                "period": period,
                "starts_at": times.get("starts_at", "08:00" if period == "morning" else "13:30"),
                "ends_at": times.get("ends_at", "11:30" if period == "morning" else "16:30"),
                "capacity": capacity,
            }

    def fill(self, hospital, department, date, period):
        """No place left in that session: the next booking there is refused as full."""
        with self._lock:
            key = (hospital, department, date, period)
            session = self.sessions.setdefault(key, {"date": date, "period": period, "capacity": 0})
            session["capacity"] = self._live(key)

    def fail_next(self, count=1, *, status=503):
        with self._lock:
            self._failures.extend([status] * count)

    def hang_next(self, count=1, *, seconds=2.0):
        with self._lock:
            self._hangs.extend([seconds] * count)

    def live_bookings(self):
        with self._lock:
            return {k: v for k, v in self.bookings.items() if not v.get("cancelled")}

    def _live(self, key):
        return sum(
            1
            for booking in self.bookings.values()
            if not booking.get("cancelled")
            and (booking["hospital"], booking["department"], booking["date"], booking["period"])
            == key
        )

    # -- server ---------------------------------------------------------------------------

    def _handle(self, method, path, headers, raw):
        parts = urlsplit(path)
        with self._lock:
            hang = self._hangs.pop(0) if self._hangs else 0
            failure = self._failures.pop(0) if self._failures else None
        if hang:
            time.sleep(hang)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        with self._lock:
            self.requests.append((method, parts.path, body if raw else parse_qs(parts.query)))
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return Answer(401, {"error": "unauthorised"})
        if failure:
            return Answer(failure, {"error": "unavailable"})
        if method == "POST" and parts.path == "/bookings":
            return self._book(body)
        if method == "DELETE" and parts.path.startswith("/bookings/"):
            return self._cancel(parts.path.removeprefix("/bookings/"))
        if method == "GET" and parts.path == "/sessions":
            return self._sessions(parse_qs(parts.query))
        return Answer(404, {"error": "not_found"})

    def _book(self, body):
        fields = ("reference", "hospital", "department", "date", "period")
        if not isinstance(body, dict) or not all(body.get(field) for field in fields):
            return Answer(400, {"error": "bad_request"})
        with self._lock:
            for booking_id, booking in self.bookings.items():
                if booking["reference"] == body["reference"]:
                    return Answer(200, {"booking_id": booking_id})
            key = tuple(body[field] for field in fields[1:])
            capacity = self.sessions.get(key, {}).get("capacity", self.default_capacity)
            if self._live(key) >= capacity:
                return Answer(409, {"error": "full"})
            booking_id = f"HB-{uuid.uuid4().hex[:10]}"
            self.bookings[booking_id] = dict(body)
        return Answer(201, {"booking_id": booking_id})

    def _cancel(self, booking_id):
        with self._lock:
            booking = self.bookings.get(booking_id)
            if booking is None or booking.get("cancelled"):
                return Answer(404, {"error": "not_found"})
            booking["cancelled"] = True
        return Answer(204, None)

    def _sessions(self, query):
        hospital = (query.get("hospital") or [""])[0]
        department = (query.get("department") or [""])[0]
        start, end = (query.get("from") or [""])[0], (query.get("to") or ["9999"])[0]
        with self._lock:
            found = [
                dict(session)
                for (h, d, date, _p), session in sorted(self.sessions.items())
                if h == hospital and d == department and start <= date <= end
            ]
        return Answer(200, {"sessions": found})
