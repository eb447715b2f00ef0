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
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeHospital:
    """A booking server on a free loopback port; use as a context manager."""

    def __init__(self, api_key="fake-hospital-key", default_capacity=10):
        self.api_key = api_key
        self.default_capacity = default_capacity
        self.sessions = {}  # (hospital, department, date, period) -> dict
        self.bookings = {}  # booking id -> body (+ "cancelled")
        self.requests = []  # (method, path, body or query)
        self._failures = []  # HTTP statuses the next requests answer with
        self._hangs = []  # seconds the next requests wait before answering
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    # -- control --------------------------------------------------------------------------

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                fake._handle(self, "POST")

            def do_DELETE(self):
                fake._handle(self, "DELETE")

            def do_GET(self):
                fake._handle(self, "GET")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """Stop answering: later requests find nobody there (connection refused)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def _handle(self, handler, method):
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
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
        if handler.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _answer(handler, 401, {"error": "unauthorised"})
        if failure:
            return _answer(handler, failure, {"error": "unavailable"})
        if method == "POST" and parts.path == "/bookings":
            return self._book(handler, body)
        if method == "DELETE" and parts.path.startswith("/bookings/"):
            return self._cancel(handler, parts.path.removeprefix("/bookings/"))
        if method == "GET" and parts.path == "/sessions":
            return self._sessions(handler, parse_qs(parts.query))
        return _answer(handler, 404, {"error": "not_found"})

    def _book(self, handler, body):
        fields = ("reference", "hospital", "department", "date", "period")
        if not isinstance(body, dict) or not all(body.get(field) for field in fields):
            return _answer(handler, 400, {"error": "bad_request"})
        with self._lock:
            for booking_id, booking in self.bookings.items():
                if booking["reference"] == body["reference"]:
                    return _answer(handler, 200, {"booking_id": booking_id})
            key = tuple(body[field] for field in fields[1:])
            capacity = self.sessions.get(key, {}).get("capacity", self.default_capacity)
            if self._live(key) >= capacity:
                return _answer(handler, 409, {"error": "full"})
            booking_id = f"HB-{uuid.uuid4().hex[:10]}"
            self.bookings[booking_id] = dict(body)
        return _answer(handler, 201, {"booking_id": booking_id})

    def _cancel(self, handler, booking_id):
        with self._lock:
            booking = self.bookings.get(booking_id)
            if booking is None or booking.get("cancelled"):
                return _answer(handler, 404, {"error": "not_found"})
            booking["cancelled"] = True
        return _answer(handler, 204, None)

    def _sessions(self, handler, query):
        hospital = (query.get("hospital") or [""])[0]
        department = (query.get("department") or [""])[0]
        start, end = (query.get("from") or [""])[0], (query.get("to") or ["9999"])[0]
        with self._lock:
            found = [
                dict(session)
                for (h, d, date, _p), session in sorted(self.sessions.items())
                if h == hospital and d == department and start <= date <= end
            ]
        return _answer(handler, 200, {"sessions": found})


def _answer(handler, status, data):
    payload = b"" if data is None else json.dumps(data).encode()
    handler.send_response(status)
    if payload:
        handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if payload:
        handler.wfile.write(payload)
