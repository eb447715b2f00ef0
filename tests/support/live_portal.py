"""Run the portal for real: gunicorn in a subprocess, and Debian's Chromium.

Used by the browser tests (``tests/browser``) and by the benchmarks (``bench/``).
Everything binds to 127.0.0.1 and is stopped on the way out, even after an error.
"""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# DEBUG off so the real 404 page (not Django's technical one) is served, and so
# the page weight is what residents get. Still DJANGO_ENV=development: no secret
# key or host list is needed. A caller can pass {"DJANGO_DEBUG": "1"} to override.
DEFAULT_SERVER_ENV = {"DJANGO_DEBUG": "0"}
START_TIMEOUT = 30.0


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_command():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if gunicorn.exists():
        return [str(gunicorn)]
    return [sys.executable, "-m", "gunicorn"]


def answers_http(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def _log_tail(log_file, limit=4000):
    log_file.flush()
    log_file.seek(0)
    return log_file.read().decode("utf-8", "replace")[-limit:]


def _stop(process):
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def running_portal(database_url, env=None, workers=2):
    """Serve the portal with gunicorn on a free local port; yield its base URL.

    ``env`` adds to (or overrides) the server's environment. The server is always
    stopped on exit: SIGTERM first, SIGKILL if it has not gone after 10 seconds.
    """
    port = free_port()
    server_env = {**os.environ, **DEFAULT_SERVER_ENV, **(env or {}), "DATABASE_URL": database_url}
    command = [
        *_gunicorn_command(),
        "portal.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        "--timeout",
        "60",
    ]
    with tempfile.TemporaryFile() as log_file:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=server_env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not answers_http(port):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"gunicorn exited with {process.returncode}:\n{_log_tail(log_file)}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer within {START_TIMEOUT:.0f} s:\n"
                        f"{_log_tail(log_file)}"
                    )
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(process)


def test_database_url():
    """A DATABASE_URL for the database Django's ``connection`` points at now.

    In a pytest-django session that is the test database, so a server started
    with this URL sees what the tests wrote (and committed).
    """
    from django.db import connection

    settings = connection.settings_dict
    engine = settings["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(settings["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("An in-memory SQLite database cannot be shared with a server.")
        return f"sqlite:///{Path(name).resolve()}"
    if "postgresql" in engine or "postgis" in engine:
        user = quote(settings.get("USER") or "", safe="")
        password = quote(settings.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or "localhost"
        if host.startswith("/"):  # a Unix socket directory
            host = quote(host, safe="")
        elif ":" in host and not host.startswith("["):
            host = f"[{host}]"
        port = f":{settings['PORT']}" if settings.get("PORT") else ""
        options = {
            key: value
            for key, value in (settings.get("OPTIONS") or {}).items()
            if isinstance(value, str | int) and not isinstance(value, bool)
        }
        query = f"?{urlencode(options)}" if options else ""
        name = quote(settings["NAME"], safe="")
        return f"postgres://{credentials}{host}{port}/{name}{query}"
    raise RuntimeError(f"No DATABASE_URL form for the {engine} engine.")


# Not a test, despite the name pytest would collect it by.
test_database_url.__test__ = False


def launch_chromium(playwright):
    """Debian's Chromium, headless, with no background traffic (no network here)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
    )
