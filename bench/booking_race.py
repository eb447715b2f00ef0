"""Hospital booking race: many residents press "Book this appointment" at the same moment.

    .venv/bin/python bench/booking_race.py [--bookers 200] [--sessions 4] [--capacity 5]

The PostgreSQL database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_booking) is dropped and created afresh, migrated, and
dropped again at the end (unless --keep-database). The cache (rate limits) is REDIS_URL (default
redis://127.0.0.1:6379/9); that Redis database is flushed before and after. There is no Celery
broker: the confirmation message is written to the outbox and "sent" by the console backend in
the gunicorn worker, as in the embedded default. gunicorn (``--workers`` sync workers) runs on
a free 127.0.0.1 port in its own process group and is stopped on the way out, even after an
error.

Set-up (not timed): one hospital, one department, ``--sessions`` sessions (one doctor each) the
day after tomorrow with ``--capacity`` places each, and ``--bookers`` residents, each with a
real name and ID number on file and a signed-in session (made server-side, as a sign-in would).
Each resident then walks the real web flow with its own cookies: GET /hospital/, the four
choices (hospital, department, day, and the session ``index % sessions``), the check page.

The race (timed): all residents wait at a barrier, then POST the check page's confirm form at
once. A 302 to the slip is a booking; a 200 page with the error summary is a refusal (the
session was full); 5xx is a server error. Afterwards the database is checked: appointments
made, sessions whose count passed the capacity or whose live appointments did ("overbooked"),
and whether each session's count equals its live appointments.

Prints a table, then one JSON line with "attempts", "capacity", "booked", "overbooked",
"server_errors", "per_s" (confirm requests answered per second of the race), "p50_ms" and
"p99_ms" (client time of the confirm POST). Exit status 1 when the bookings do not equal the
capacity, anything was overbooked, or the server answered 5xx.
"""

import argparse
import datetime
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402
import requests  # noqa: E402

from bench.benchkit import (  # noqa: E402
    create_database,
    drop_scratch_database,
    environ_without,
    log,
    log_tail,
    migrate,
    new_session,
    percentile,
    portal_env,
    raise_on_sigterm,
    rounded,
    start_gunicorn,
    stop_group,
    wait_until,
)
from tests.support.live_portal import answers_http, free_port  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_booking"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
HTTP_TIMEOUT = 120.0
BARRIER_TIMEOUT = 900.0
FIRST_PHONE = 13_912_500_000
# Databases this benchmark must never drop, whatever DATABASE_URL says.
PROTECTED_DATABASES = {"postgres", "template0", "template1", "portal"}
# Environment the portal must not inherit from whoever runs the benchmark.
DROPPED_ENV_PREFIXES = ("CELERY_", "NOTIFY_", "SIGNIN_", "TWILIO_", "HOSPITAL_")
DROPPED_ENV = {"DATABASE_URL", "REDIS_URL", "SMS_BACKEND", "VOICE_BACKEND", "DJANGO_ENV"}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="key" value="([0-9a-f]+)"')
SLIP_PATH = re.compile(r"^/hospital/appointments/(\d+)/$")
BASE = "/hospital/"


class Problem(Exception):
    """A booker did not get the page the flow should give."""


def csrf_token(html):
    found = CSRF_FIELD.search(html)
    if not found:
        raise Problem("no CSRF token in the page")
    return found.group(1)


def location_path(response):
    return urlsplit(response.headers.get("Location", "")).path


def database_name(url):
    name = urlsplit(url).path.lstrip("/")
    if not name or name in PROTECTED_DATABASES:
        raise SystemExit(f"refusing to drop and create the database {name!r}: name another one")
    return name


# -- set-up, through Django in this process --------------------------------------------------------


def id_number(serial):
    """A made-up ID number with a valid check character, one per booker."""
    body = f"3101051950{1 + serial // 28 % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def build_sessions(count, capacity):
    """One hospital, one department, ``count`` sessions the day after tomorrow."""
    from django.utils import timezone

    from services.hospital.models import Department, Doctor, Hospital, Session

    hospital = Hospital.objects.create(
        name="基准医院", name_en="Bench Hospital", district="黄浦区", address="瑞金二路1号"
    )
    department = Department.objects.create(hospital=hospital, name="内科", name_en="Medicine")
    day = timezone.localdate() + datetime.timedelta(days=2)
    sessions = []
    for index in range(count):
        doctor = Doctor.objects.create(department=department, name=f"医生{index + 1}")
        period, hour = ("morning", 8) if index % 2 == 0 else ("afternoon", 13)
        sessions.append(
            Session.objects.create(
                department=department,
                doctor=doctor,
                date=day,
                period=period,
                starts_at=datetime.time(hour, index // 2 % 60),
                ends_at=datetime.time(hour + 3, 0),
                capacity=capacity,
            )
        )
    return hospital, department, day, sessions


def build_bookers(count):
    """``count`` residents with a real name and ID on file; returns (phone, session cookie)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from portal.acting import Acting
    from services.hospital import api

    engine = import_module(settings.SESSION_ENGINE)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    bookers = []
    for index in range(count):
        phone = f"+86{FIRST_PHONE + index}"
        user = get_user_model().objects.create_user(username=phone, phone=phone)
        api.save_identity(Acting.by_resident(user), "王小华", id_number(index))
        # What signing in leaves behind: a session naming the user (like Client.force_login).
        store = engine.SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        bookers.append((phone, store.session_key))
    return bookers, settings.SESSION_COOKIE_NAME


def database_outcome(sessions):
    """Bookings per session, from the database, after the race."""
    from services.hospital.models import LIVE_STATUSES, Appointment, Session

    rows = []
    for session in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("pk"):
        live = Appointment.objects.filter(session=session, status__in=LIVE_STATUSES).count()
        rows.append(
            {
                "session": session.pk,
                "capacity": session.capacity,
                "booked": session.booked,
                "live": live,
            }
        )
    return rows


# -- the bookers -----------------------------------------------------------------------------------


def walk_to_check(http, base_url, hospital, department, day, session):
    """The four choices, as a resident taps them; returns the confirm form's token and key."""
    page = http.get(base_url + BASE, timeout=HTTP_TIMEOUT)
    if page.status_code != 200 or not page.url.endswith("/hospital/choose/hospital/"):
        raise Problem(f"GET {BASE} ended at {page.url} ({page.status_code})")
    for path, value in (
        ("choose/hospital/", hospital),
        ("choose/department/", department),
        ("choose/day/", day),
        ("choose/time/", session),
    ):
        page = http.get(base_url + BASE + path, timeout=HTTP_TIMEOUT)
        if page.status_code != 200:
            raise Problem(f"GET {path} answered {page.status_code}")
        answer = http.post(
            base_url + BASE + path,
            data={"csrfmiddlewaretoken": csrf_token(page.text), "choice": value},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        if answer.status_code != 302:
            raise Problem(f"POST {path} answered {answer.status_code}")
    if location_path(answer) != BASE + "check/":
        raise Problem(f"after four choices, sent to {location_path(answer)}")
    page = http.get(base_url + BASE + "check/", timeout=HTTP_TIMEOUT)
    found = KEY_FIELD.search(page.text)
    if page.status_code != 200 or not found:
        raise Problem(f"the check page answered {page.status_code} without a confirm button")
    return csrf_token(page.text), found.group(1)


def booker(base_url, cookie_name, cookie, plan, start):
    """One resident: the flow (not timed), the barrier, then the confirm POST (timed)."""
    result = {"outcome": None, "ms": None, "status": None, "error": None}
    ready = None
    with new_session() as http:
        http.cookies.set(cookie_name, cookie, domain="127.0.0.1", path="/")
        try:
            ready = walk_to_check(http, base_url, *plan)
        except (Problem, requests.RequestException) as error:
            result.update(outcome="prep_failed", error=f"{type(error).__name__}: {error}")
        try:
            start.wait(timeout=BARRIER_TIMEOUT)
        except threading.BrokenBarrierError:
            result.update(outcome=result["outcome"] or "barrier_broken")
            return result
        if ready is None:
            return result
        token, key = ready
        began = time.perf_counter()
        try:
            answer = http.post(
                base_url + BASE + "confirm/",
                data={"csrfmiddlewaretoken": token, "key": key},
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
            )
        except requests.RequestException as error:
            result.update(outcome="no_answer", error=f"{type(error).__name__}: {error}")
            return result
        result["ms"] = (time.perf_counter() - began) * 1000
        result["ended"] = time.monotonic()
        result["status"] = answer.status_code
        if answer.status_code == 302 and SLIP_PATH.match(location_path(answer)):
            result["outcome"] = "booked"
        elif answer.status_code == 200 and 'class="error-summary"' in answer.text:
            result["outcome"] = "refused"
            full = "fully booked" in answer.text or "约满" in answer.text or "满" in answer.text
            result["reason"] = "session_full" if full else "other_refusal"
        elif answer.status_code >= 500:
            result["outcome"] = "server_error"
        else:
            result["outcome"] = "unexpected"
            result["error"] = f"{answer.status_code} to {answer.headers.get('Location')!r}"
    return result


def race(base_url, cookie_name, bookers, plan_for):
    start = threading.Barrier(len(bookers) + 1)
    with ThreadPoolExecutor(max_workers=len(bookers)) as pool:
        futures = [
            pool.submit(booker, base_url, cookie_name, cookie, plan_for(index), start)
            for index, (_phone, cookie) in enumerate(bookers)
        ]
        log(f"{len(bookers)} bookers walking the flow to the check page")
        start.wait(timeout=BARRIER_TIMEOUT)  # everyone is at the check page: go
        began = time.monotonic()
        log("race: every booker presses confirm now")
        results = [future.result() for future in futures]
    ended = max((r["ended"] for r in results if "ended" in r), default=began)
    return results, max(ended - began, 1e-9)


# -- main ------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookers", type=int, default=200, help="residents pressing at once")
    parser.add_argument("--sessions", type=int, default=4, help="sessions they book")
    parser.add_argument("--capacity", type=int, default=5, help="places in each session")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the database for a look afterwards"
    )
    args = parser.parse_args()
    if min(args.bookers, args.sessions, args.capacity, args.workers) < 1:
        parser.error("--bookers, --sessions, --capacity and --workers must be at least 1")
    return args


def format_report(summary):
    s = summary
    lines = [
        f"Hospital booking race: {s['attempts']} residents press confirm at once on "
        f"{s['sessions']} sessions x {s['capacity_each']} places; gunicorn {s['workers']} sync "
        f"workers, PostgreSQL, Redis cache",
        f"host: {s['host']['cpus']} CPUs, load {s['host']['load_start']} at start, "
        f"{s['host']['load_end']} at end",
        "",
        f"{'capacity':28}{s['capacity']}",
        f"{'booked (302 to the slip)':28}{s['booked']}  (appointments in the database: "
        f"{s['appointments_in_db']})",
        f"{'refused (error summary)':28}{s['refused']}  {json.dumps(s['refusals'])}",
        f"{'overbooked sessions':28}{s['overbooked']}",
        f"{'count != live appointments':28}{s['count_mismatches']}",
        f"{'server errors (5xx)':28}{s['server_errors']}",
        f"{'other problems':28}{s['problems']}",
        f"{'confirm p50 / p99 / max ms':28}{s['p50_ms']} / {s['p99_ms']} / {s['max_ms']}",
        f"{'race wall time s':28}{s['race_s']}  ({s['per_s']} confirms answered per s, "
        f"{s['booked_per_s']} bookings per s)",
    ]
    lines += [f"  session {row}" for row in s["per_session"]]
    lines += [f"  {sample}" for sample in s["error_samples"]]
    lines.append(f"runtime {s['runtime_s']} s")
    return "\n".join(lines)


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    name = database_name(database_url)
    created_database = False
    gunicorn = None
    workdir = tempfile.TemporaryDirectory(prefix="bench-booking-")
    gunicorn_log = Path(workdir.name) / "gunicorn.log"
    try:
        log(f"creating database {name}")
        create_database(name)
        created_database = True
        redis.Redis.from_url(redis_url).flushdb()
        env = portal_env(
            environ_without(DROPPED_ENV, DROPPED_ENV_PREFIXES),
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
        )
        log("migrating")
        migrate(env)

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        gunicorn = start_gunicorn(
            {**env, "PUBLIC_BASE_URL": base_url},
            port,
            gunicorn_log,
            workers=args.workers,
            timeout=120,
            extra_args=("--backlog", "2048"),
        )

        # Django in this process, on the same database, for the set-up and the checks.
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        log(f"set-up: {args.sessions} sessions x {args.capacity} places, {args.bookers} residents")
        hospital, department, day, sessions = build_sessions(args.sessions, args.capacity)
        bookers, cookie_name = build_bookers(args.bookers)
        connection.close()
        wait_until(lambda: answers_http(port), "gunicorn", gunicorn, gunicorn_log)

        def plan_for(index):
            return (hospital.pk, department.pk, day.isoformat(), sessions[index % len(sessions)].pk)

        results, race_s = race(base_url, cookie_name, bookers, plan_for)
        per_session = database_outcome(sessions)
        from services.hospital.models import Appointment

        appointments_in_db = Appointment.objects.count()
        connection.close()

        outcomes = Counter(r["outcome"] for r in results)
        refusals = Counter(r.get("reason") for r in results if r["outcome"] == "refused")
        confirm_ms = [r["ms"] for r in results if r["ms"] is not None]
        capacity = args.sessions * args.capacity
        answered = len(confirm_ms)
        errors = [r["error"] for r in results if r.get("error")]
        summary = {
            "attempts": len(results),
            "capacity": capacity,
            "booked": outcomes["booked"],
            "appointments_in_db": appointments_in_db,
            "refused": outcomes["refused"],
            "refusals": dict(refusals),
            "overbooked": sum(
                1 for row in per_session if max(row["booked"], row["live"]) > row["capacity"]
            ),
            "count_mismatches": sum(1 for row in per_session if row["booked"] != row["live"]),
            "server_errors": outcomes["server_error"],
            "problems": sum(
                outcomes[kind]
                for kind in ("prep_failed", "barrier_broken", "no_answer", "unexpected")
            ),
            "per_s": rounded(answered / race_s),
            "booked_per_s": rounded(outcomes["booked"] / race_s),
            "p50_ms": rounded(percentile(confirm_ms, 50)),
            "p99_ms": rounded(percentile(confirm_ms, 99)),
            "max_ms": rounded(max(confirm_ms, default=None)),
            "race_s": rounded(race_s, 2),
            "sessions": args.sessions,
            "capacity_each": args.capacity,
            "workers": args.workers,
            "per_session": per_session,
            "outcomes": dict(outcomes),
            "error_samples": errors[:5],
            "runtime_s": round(time.monotonic() - began, 1),
            "host": {
                "cpus": os.cpu_count(),
                "load_start": load_start,
                "load_end": round(os.getloadavg()[0], 2),
            },
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        if summary["server_errors"]:
            log(f"gunicorn's log ends:\n{log_tail(gunicorn_log)}")
        print(format_report(summary))
        print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
        ok = (
            summary["booked"] == capacity == appointments_in_db
            and not summary["overbooked"]
            and not summary["server_errors"]
        )
        return 0 if ok else 1
    finally:
        stop_group(gunicorn)
        if created_database and not args.keep_database:
            drop_scratch_database(name)
        try:
            redis.Redis.from_url(redis_url).flushdb()
        except redis.RedisError as error:
            log(f"could not flush {redis_url}: {error}")
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
