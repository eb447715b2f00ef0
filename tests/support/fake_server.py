"""The scaffolding the fake HTTP servers in this package share: a JSON server on 127.0.0.1.

A fake subclasses :class:`FakeServer`, names its handler class (a :class:`JsonHandler` with
the ``do_<METHOD>`` it serves) and answers in ``_handle(method, path, headers, raw_body)``
with an :class:`Answer`. Raising :class:`Dropped` there closes the connection unanswered.
"""

import contextlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Dropped(Exception):
    """stop() was called while a request slept: close the connection without answering."""


@dataclass
class Answer:
    status: int
    body: dict | None  # None: no body at all (e.g. 204)
    headers: dict = field(default_factory=dict)


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake, handler_class, port=0):
        self.fake = fake
        super().__init__(("127.0.0.1", port), handler_class)

    def handle_error(self, request, client_address):
        # A client that timed out and went away, or stop() closing a kept-alive socket.
        pass


class JsonHandler(BaseHTTPRequestHandler):
    """Reads the body, asks ``server.fake._handle`` and writes its :class:`Answer` as JSON."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else keep-alive requests wait ~40 ms for delayed ACKs
    sys_version = ""

    def setup(self):
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.fake._track(self.connection, add=False)

    def log_message(self, format, *args):
        pass

    def extra_headers(self):
        """Headers every answer carries (before the answer's own)."""
        return {}

    def serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self.server.fake
        try:
            answer = fake._handle(self.command, self.path, self.headers, raw)
        except Dropped:
            self.close_connection = True
            return
        except Exception as error:
            answer = fake._internal_error(error)
        payload = b"" if answer.body is None else json.dumps(answer.body).encode("utf-8")
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in {**self.extra_headers(), **answer.headers}.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)


class FakeServer:
    """A fake on ``http://127.0.0.1:<port>`` (a free port unless given); start() or ``with``."""

    handler_class = JsonHandler

    def __init__(self, port=0):
        self._port = port
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._connections = set()
        self._server = None
        self._thread = None

    def start(self):
        if self._server is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        self._stopping.clear()
        self._server = LoopbackServer(self, self.handler_class, self._port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop answering: later requests find nobody there (connection refused)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes requests sleeping in _sleep
        server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # kept-alive sockets would keep their threads waiting
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running: call start() or use `with`")
        return self._server.server_address[1]

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def _track(self, connection, add):
        with self._lock:
            (self._connections.add if add else self._connections.discard)(connection)

    def _sleep(self, seconds):
        if seconds > 0 and self._stopping.wait(seconds):
            raise Dropped

    def _handle(self, method, path, headers, raw_body):
        raise NotImplementedError

    def _internal_error(self, error):
        """The answer when ``_handle`` raised; by default none, the connection just closes."""
        raise error
