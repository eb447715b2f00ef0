"""Pages under load: content pages with the page cache off and on, and signed-in pages.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 16]

Uses a SQLite database of its own in var/bench/ (or PostgreSQL when DATABASE_URL is a
postgres:// URL), migrated and seeded with the demo content, plus one resident with a ride and
an appointment. gunicorn (2 sync workers, DEBUG off) serves it on 127.0.0.1, first with
PAGE_CACHE=0, then with the page cache on, each run in its own process group and stopped on the
way out. The load comes from wrk (``apt-get install wrk``), the C load generator, for
``--seconds`` on ``--connections`` connections:

- ``home_rps_nocache`` / ``home_rps``: the Chinese home page, cache off / on;
- ``content_rps_nocache`` / ``content_rps``: the taxi service page, cache off / on;
- ``signed_in_rps``: the slowest of the resident's taxi home, "my appointments" and the slip,
  with the resident's session cookie (cache on: these are never kept);
- ``p99_ms``: the largest 99th percentile wrk saw with the cache on; ``errors``: every socket
  error and non-2xx answer wrk counted, in every run.

``signed_in_cpu_ms`` is measured in this process, not under load: the CPU time (process time)
of one request to each signed-in page through Django's test client, the median of 200, with
DEBUG off; the largest of the three pages. The queries each makes are printed too.

Prints a table, then one JSON line.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

from benchkit import (
    PROJECT_DIR,
    log,
    migrate,
    portal_env,
    raise_on_sigterm,
    seed_demo,
    start_gunicorn,
    stop_group,
    wait_until,
)

PORT = 8094
LOG_DIR = PROJECT_DIR / "var" / "bench"
SQLITE_PATH = LOG_DIR / "pages.sqlite3"
PHONE = "+8613900009001"
CONTENT = {"home": "/", "content": "/services/taxi/"}


def database_url():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return f"sqlite:///{SQLITE_PATH}"


def prepare(env):
    """Migrate, seed the demo, and give the bench resident a ride and an appointment;
    return the resident's session key and their pages."""
    log("migrating and seeding the demo ...")
    migrate(env)
    seed_demo(env)
    os.environ.update(env)
    import django

    django.setup()
    return _resident_and_pages()


def _resident_and_pages():
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from portal.accounts import resident_backend
    from portal.acting import Acting
    from portal.privacy.models import Purpose
    from services.hospital import api as hospital
    from services.hospital.models import Session
    from services.taxi.models import Ride, Status

    User = get_user_model()
    resident = User.objects.filter(phone=PHONE).first() or User.objects.create_resident(
        PHONE, preferred_name="压测阿姨", home_address="静安区愚园路100弄5号"
    )
    from portal.privacy import agreements

    for purpose in (Purpose.TAXI, Purpose.HOSPITAL):
        if not agreements.has_agreed(resident, purpose):
            agreements.record_answer(resident, purpose, True, channel="web")
    ride = Ride.objects.filter(resident=resident).first() or Ride.objects.create(
        resident=resident,
        requested_by=resident,
        pickup_address=resident.home_address,
        status=Status.DONE,
        idempotency_key="bench-pages-ride",
    )
    appointment = next(iter(hospital.appointments_for(resident)), None)
    if appointment is None:
        acting = Acting.by_resident(resident)
        if hospital.identity_of(resident) is None:
            hospital.save_identity(acting, "王小华", "310105195001011231")
        session = Session.objects.filter(booked__lt=1).order_by("date", "pk").last()
        appointment = hospital.book(session, acting, idempotency_key="bench-pages-visit")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(resident.pk)
    store["_auth_user_backend"] = resident_backend.PATH  # as the phone-code sign-in
    store["_auth_user_hash"] = resident.get_session_auth_hash()
    store.create()
    pages = {
        "taxi home": "/taxi/",
        "my appointments": "/hospital/appointments/",
        "slip": f"/hospital/appointments/{appointment.pk}/",
        "ride": f"/taxi/rides/{ride.pk}/",
    }
    return store.session_key, pages


def cpu_per_request(session_key, pages, rounds=200):
    """{page: (median CPU ms, queries)}: each page asked of Django's WSGI handler in this
    process, as gunicorn asks it (not the test client, which records every template)."""
    import io

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()

    def get(path):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session_key}",
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
        }
        statuses = []
        body = b"".join(handler(environ, lambda status, headers: statuses.append(status)))
        assert statuses[0].startswith("200"), (path, statuses[0], body[:200])

    figures = {}
    for name, path in pages.items():
        get(path)  # warm: imports, templates
        queries = []

        def counted(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            get(path)
        times = []
        for _ in range(rounds):
            began = time.process_time()
            get(path)
            times.append((time.process_time() - began) * 1000)
        figures[name] = (statistics.median(times), len(queries))
    return figures


def wrk(url, seconds, connections, cookie=None):
    """(requests/s, p99 ms, errors) from one wrk run."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _milliseconds(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, errors + (int(non_2xx.group(1)) if non_2xx else 0)


def _milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def serve(env, page_cache, name):
    log_path = LOG_DIR / f"pages-{name}.log"
    process = start_gunicorn(
        {**env, "PAGE_CACHE": "1" if page_cache else "0"},
        PORT,
        log_path,
        workers=2,
        timeout=60,
    )
    base = f"http://127.0.0.1:{PORT}"

    def answers():
        import requests

        try:
            return requests.get(base + "/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_until(answers, "gunicorn", process, log_path)
    return process, base


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    if shutil.which("wrk") is None:
        log("bench/pages.py needs wrk: apt-get install wrk")
        sys.exit(2)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    env = portal_env(
        {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)},
        DATABASE_URL=database_url(),
        CACHE_DIR=str(LOG_DIR / "pages-cache"),
    )
    session_key, pages = prepare(env)
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    log("CPU per signed-in request, in process ...")
    cpu = cpu_per_request(session_key, pages)
    for name, (ms, queries) in cpu.items():
        log(f"  {name:16} {ms:6.2f} ms CPU  {queries:3d} queries")
    from django.db import connections

    connections.close_all()

    figures, p99s, errors = {}, [], 0
    for page_cache, suffix in ((False, "_nocache"), (True, "")):
        process, base = serve(env, page_cache, "cache" if page_cache else "nocache")
        try:
            for key, path in CONTENT.items():
                wrk(base + path, 2, args.connections)  # warm: every worker, every copy
                rps, p99, errs = wrk(base + path, args.seconds, args.connections)
                figures[f"{key}_rps{suffix}"] = round(rps, 1)
                errors += errs
                if page_cache:
                    p99s.append(p99)
                log(f"  {key:8} cache {'on ' if page_cache else 'off'} {rps:8.1f}/s  p99 {p99} ms")
            if page_cache:
                signed = {}
                for name, path in pages.items():
                    rps, p99, errs = wrk(base + path, args.seconds, args.connections, cookie)
                    signed[name] = rps
                    errors += errs
                    p99s.append(p99)
                    log(f"  {name:16} signed in {rps:8.1f}/s  p99 {p99} ms")
                figures["signed_in_rps"] = round(min(signed.values()), 1)
        finally:
            stop_group(process)
    figures["signed_in_cpu_ms"] = round(max(ms for ms, _q in cpu.values()), 2)
    figures["p99_ms"] = round(max(p99s), 1)
    figures["errors"] = errors
    print(json.dumps(figures))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
