"""A day at city scale: residents arriving steadily, each signing in and using the portal.

    .venv/bin/python bench/city_day.py [--residents 1000] [--minutes 10]

A mixed load through the whole stack, as a city's residents would bring it in the course of a
day: ``--residents`` residents arrive one after another, steadily, over ``--minutes`` minutes
(Locust, headless, spawn rate residents / seconds), and each lives one day on the portal
(``bench/city_day_locustfile.py``): the home page, sign-in with the code texted to their
phone (read from the fake Twilio), a few pages in Chinese and English, a taxi from home (the
data question first) and the ride's page, a hospital appointment through the booking flow
(the data question, real name and ID, hospital, department, day and time, check, confirm) and
its slip; one in five asks for a call back at /help/. Targets: p99 under 2 s, no errors, no
message lost.

Starts, all on 127.0.0.1 and each in its own process group (stopped on the way out, even after
an error or Ctrl-C): the fake Twilio (``tests/support/fake_twilio.py``, served by this file
run with ``--serve-fake-twilio``: the portal's SMS backend is Twilio's, pointed at it), the
fake dispatch company (``tests/support/fake_dispatch.py``, cars found ``--find-after`` seconds
after the order), a Celery worker (2 prefork processes) on Redis, gunicorn (``--workers`` x
``--threads``, keep-alive 75 s as a front proxy would keep the residents' connections), and
Locust. PostgreSQL is ``DATABASE_URL`` when set, else a scratch database ``bench_city_day``
(created, migrated, seeded with ``seed_demo`` for the pages and the demo hospitals, and
dropped); Redis is ``REDIS_URL`` (default
redis://127.0.0.1:6379/13, flushed), broker and cache. The residents (mobile numbers from
13_655_500_000, each with a home address, signed in before on another day) are made in the
database beforehand. All of them come from 127.0.0.1, so the sign-in's limits per client are
raised (SIGNIN_CODES_PER_CLIENT, SIGNIN_GUESSES_PER_CLIENT); every other limit is the default.

Bounded: Locust runs at most minutes + ``--tail`` seconds (``--run-time``), with
``--stop-timeout`` for the days under way, and stops by itself once every resident's day has
ended; after it the worker has ``--drain`` seconds to send what is still queued.

Counted afterwards: ``requests`` (to the portal) and their ``p50_ms`` / ``p99_ms``; ``errors``
(Locust failures: an unexpected status, a redirect elsewhere than the flow's next step, a page
without what the next step needs, a code not texted within a minute); ``rides``, ``bookings``
(live appointments), ``help_requests`` of the bench residents in the database;
``messages_lost``: outbox rows to their phones that are not sent or delivered once the queue is
drained (still queued or sending and due, failed or undelivered; cancelled rows, a limit's
refusal, are reported apart as ``messages_cancelled``). The last line is one JSON object; the
exit status is 1 when an error or a lost message was counted, or a day did not end.
"""

import argparse
import datetime
import json
import math
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402
import requests  # noqa: E402

from bench.benchkit import (  # noqa: E402
    BIN_DIR,
    database_for,
    environ_without,
    flush_own_redis,
    let_go_of_database,
    log,
    log_tail,
    migrate,
    percentile,
    portal_env,
    raise_on_sigterm,
    rounded,
    seed_demo,
    start_celery_worker,
    start_fake_dispatch,
    start_group,
    start_gunicorn,
    stop_group,
    wait_until,
)
from tests.support.live_portal import answers_http, free_port  # noqa: E402

BENCH_DATABASE = "bench_city_day"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
FIRST_NUMBER = 13_655_500_000
FROM_NUMBER = "+15005550006"
LOCUSTFILE = PROJECT_DIR / "bench" / "city_day_locustfile.py"
TARGET_P99_MS = 2000
# Environment the portal must not inherit from whoever runs the benchmark.
DROPPED_ENV_PREFIXES = ("CELERY_", "NOTIFY_", "SIGNIN_", "TWILIO_", "TAXI_", "HOSPITAL_")
DROPPED_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "SMS_BACKEND",
    "VOICE_BACKEND",
    "DJANGO_ENV",
    "CONSOLE_PHONE_INBOX",
    "BEHIND_TLS_PROXY",
    "PUBLIC_BASE_URL",
}
SERVER_ERROR_LINE = re.compile(
    r"Internal Server Error|Bad Request|Forbidden|Not Found|Method Not Allowed|\[ERROR\]"
    r"|\bERROR\b|WORKER TIMEOUT"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=1000, help="residents, one day each")
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes they arrive over")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--find-after", type=float, default=2.0, help="seconds the fake takes to find a car"
    )
    parser.add_argument(
        "--tail", type=float, default=180.0, help="seconds after the last arrival to end the days"
    )
    parser.add_argument(
        "--stop-timeout", type=float, default=30.0, help="seconds Locust lets a day finish"
    )
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to empty the outbox")
    parser.add_argument("--serve-fake-twilio", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.residents < 1 or args.minutes <= 0 or args.workers < 1 or args.threads < 1:
        parser.error("--residents, --minutes, --workers and --threads must be positive")
    return args


# -- the processes ---------------------------------------------------------------------------------


def serve_fake_twilio(port):
    """``--serve-fake-twilio PORT``: this file as the fake Twilio's process (not a benchmark).

    Serves ``tests.support.fake_twilio.FakeTwilio`` (its default account SID and auth token)
    on 127.0.0.1:PORT until SIGTERM or SIGINT.
    """
    import threading

    from tests.support.fake_twilio import FakeTwilio

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    fake = FakeTwilio()
    fake._port = port  # FakeServer's listening port (0 would be any free one)
    fake.start()
    print(f"fake Twilio on {fake.base_url}", flush=True)
    try:
        stop.wait()
    finally:
        if fake.errors:
            print(f"errors inside the fake: {fake.errors!r}", flush=True)
        print(f"messages taken: {len(fake.messages)}", flush=True)
        fake.stop()
    return 0


def start_fake_twilio(env, log_path):
    """The fake Twilio in a process (group) of its own: this file, ``--serve-fake-twilio``."""
    port = free_port()
    process = start_group(
        [sys.executable, str(Path(__file__).resolve()), "--serve-fake-twilio", str(port)],
        env,
        log_path,
    )
    wait_until(lambda: answers_http(port), "fake Twilio", process, log_path)
    return process, f"http://127.0.0.1:{port}"


def run_locust(env, base_url, args, workdir, log_path):
    """Locust, headless, in its own process group; returns the residents' results."""
    results = Path(workdir) / "locust-results.json"
    run_time = math.ceil(args.minutes * 60 + args.tail)
    spawn_rate = args.residents / (args.minutes * 60)
    process = start_group(
        [
            str(BIN_DIR / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(args.residents),
            "--spawn-rate",
            f"{spawn_rate:.6f}",
            "--run-time",
            f"{run_time}s",
            "--stop-timeout",
            f"{math.ceil(args.stop_timeout)}s",
            "--host",
            base_url,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--csv",
            str(Path(workdir) / "locust"),
        ],
        {**env, "CITY_DAY_RESULTS": str(results)},
        log_path,
    )
    try:
        process.wait(timeout=run_time + args.stop_timeout + 60)
    except subprocess.TimeoutExpired:
        log("Locust did not stop by itself: stopping it")
    finally:
        stop_group(process)
    if not results.exists():
        raise RuntimeError(f"Locust left no results:\n{log_tail(log_path)}")
    return json.loads(results.read_text(encoding="utf-8")), process.returncode


# -- the residents and what they left behind -------------------------------------------------------


def make_residents(count, first_number):
    """Residents with a home address who signed in once before (no welcome questions)."""
    from django.utils import timezone

    from portal.accounts.models import User

    before = timezone.now() - datetime.timedelta(days=30)
    users = [
        User(
            username=f"city-{number}",
            phone=f"+86{number}",
            preferred_name="居民",
            home_address=f"上海市黄浦区测试路{number % 1000}号",
            last_login=before,
        )
        for number in range(first_number, first_number + count)
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=500)
    return list(
        User.objects.filter(username__startswith="city-").values_list("pk", "phone").order_by("pk")
    )


def outbox_to(phones):
    from portal.notifications.models import Message

    return Message.objects.filter(recipient__in=phones)


def wait_for_outbox(phones, deadline_s):
    """Until no message to ``phones`` is due and unsent (or the deadline); seconds waited."""
    from django.db.models import Q
    from django.utils import timezone

    from portal.notifications.models import Status

    started = time.monotonic()
    while True:
        due = Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())
        waiting = outbox_to(phones).filter(due, status__in=(Status.QUEUED, Status.SENDING)).count()
        elapsed = time.monotonic() - started
        if not waiting or elapsed > deadline_s:
            return elapsed, waiting
        time.sleep(0.5)


def wait_for_cars(resident_ids, deadline_s):
    from services.taxi.models import Ride, Status

    started = time.monotonic()
    while True:
        waiting = (
            Ride.objects.filter(resident_id__in=resident_ids)
            .exclude(status=Status.CAR_FOUND)
            .count()
        )
        if not waiting or time.monotonic() - started > deadline_s:
            return waiting
        time.sleep(0.5)


def count_records(resident_ids, phones):
    from django.db.models import Q
    from django.utils import timezone

    from assist.models import HelpRequest
    from portal.notifications.models import Status
    from services.hospital.models import LIVE_STATUSES, Appointment
    from services.taxi.models import Ride

    rides = Ride.objects.filter(resident_id__in=resident_ids)
    outbox = outbox_to(phones)
    due = Q(not_before__isnull=True) | Q(not_before__lte=timezone.now())
    lost = outbox.filter(
        (due & Q(status__in=(Status.QUEUED, Status.SENDING)))
        | Q(status__in=(Status.FAILED, Status.UNDELIVERED))
    )
    return {
        "rides": rides.count(),
        "rides_by_status": dict(Counter(rides.values_list("status", flat=True))),
        "bookings": Appointment.objects.filter(
            patient_id__in=resident_ids, status__in=LIVE_STATUSES
        ).count(),
        "help_requests": HelpRequest.objects.filter(resident_id__in=resident_ids).count(),
        "help_requests_by_kind": dict(
            Counter(
                HelpRequest.objects.filter(resident_id__in=resident_ids).values_list(
                    "kind", flat=True
                )
            )
        ),
        "messages": outbox.count(),
        "messages_by_status": dict(Counter(outbox.values_list("status", flat=True))),
        "messages_by_purpose": dict(Counter(outbox.values_list("purpose", flat=True))),
        "messages_lost": lost.count(),
        "messages_waiting_for_morning": outbox.exclude(due).filter(status=Status.QUEUED).count(),
        "messages_cancelled": outbox.filter(status=Status.CANCELLED).count(),
        "lost_samples": [
            f"{row['purpose']} {row['status']} {row['error_code']} {row['error_message'][:80]}"
            for row in lost.values("purpose", "status", "error_code", "error_message")[:5]
        ],
    }


def messages_at_twilio(twilio_url, phones):
    """Texts the fake Twilio took for ``phones``."""
    from tests.support.fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

    session = requests.Session()
    session.trust_env = False
    answer = session.get(
        f"{twilio_url}/2010-04-01/Accounts/{DEFAULT_ACCOUNT_SID}/Messages.json",
        auth=(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN),
        timeout=30,
    )
    answer.raise_for_status()
    wanted = set(phones)
    return sum(1 for message in answer.json()["messages"] if message.get("to") in wanted)


def server_errors(gunicorn_log):
    """What the portal logged as an error in gunicorn's log: the request lines Django logs
    for a 4xx/5xx answer and each traceback's last line (how many of each, first 10)."""
    path = Path(gunicorn_log)
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    found = Counter()
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
        elif in_traceback and line and not line.startswith(" "):
            found[line[:200]] += 1
            in_traceback = False
        elif SERVER_ERROR_LINE.search(line):
            found[line[:200]] += 1
    return dict(found.most_common(10))


def slowest(timings_by_name, count=6):
    """The requests with the highest p99, as "name": [requests, p50, p99]."""
    rows = [
        (name, len(values), percentile(values, 50), percentile(values, 99))
        for name, values in timings_by_name.items()
        if values
    ]
    rows.sort(key=lambda row: row[3], reverse=True)
    return {name: [n, rounded(p50), rounded(p99)] for name, n, p50, p99 in rows[:count]}


# -- main ------------------------------------------------------------------------------------------


def main():
    args = parse_args()
    if args.serve_fake_twilio is not None:
        return serve_fake_twilio(args.serve_fake_twilio)
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    database_url, scratch = None, False
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    twilio = dispatch = worker = gunicorn = None
    workdir = tempfile.TemporaryDirectory(prefix="bench-city-day-")
    logs = {
        name: Path(workdir.name) / f"{name}.log"
        for name in ("twilio", "dispatch", "worker", "gunicorn", "locust")
    }
    port, dispatch_port = free_port(), free_port()
    base_url, dispatch_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dispatch_port}"
    secret, api_key = secrets.token_hex(16), secrets.token_hex(8)
    try:
        database_url, scratch = database_for(BENCH_DATABASE)
        redis.Redis.from_url(redis_url).flushdb()
        base_env = portal_env(environ_without(DROPPED_ENV, DROPPED_ENV_PREFIXES))
        twilio, twilio_url = start_fake_twilio(base_env, logs["twilio"])
        from tests.support.fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

        env = portal_env(
            base_env,
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=redis_url,
            REDIS_URL=redis_url,
            PUBLIC_BASE_URL=base_url,
            SMS_BACKEND="portal.notifications.backends.twilio.TwilioBackend",
            TWILIO_ACCOUNT_SID=DEFAULT_ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=DEFAULT_AUTH_TOKEN,
            TWILIO_FROM_NUMBER=FROM_NUMBER,
            TWILIO_API_BASE_URL=twilio_url,
            TWILIO_TIMEOUT_SECONDS="5",
            TAXI_PROVIDER="services.taxi.providers.http.HttpDispatchProvider",
            TAXI_HTTP_BASE_URL=dispatch_url,
            TAXI_HTTP_API_KEY=api_key,
            TAXI_HTTP_WEBHOOK_SECRET=secret,
            # Every resident comes from 127.0.0.1: one "client" for the sign-in's limits.
            SIGNIN_CODES_PER_CLIENT="100000",
            SIGNIN_GUESSES_PER_CLIENT="100000",
        )
        log("migrating")
        migrate(env)
        log("seeding the demo content and hospitals")
        seed_demo(env)
        dispatch = start_fake_dispatch(
            env,
            dispatch_port,
            secret,
            api_key,
            f"{base_url}/taxi/events/http/",
            args.find_after,
            logs["dispatch"],
        )
        worker = start_celery_worker(env, logs["worker"])
        gunicorn = start_gunicorn(
            env,
            port,
            logs["gunicorn"],
            workers=args.workers,
            timeout=120,
            extra_args=(
                "--threads",
                str(args.threads),
                "--backlog",
                "2048",
                # A resident's browser keeps its connection between pages (to the front proxy,
                # 75 s in nginx's default); gunicorn's 2 s would close it while they read.
                "--keep-alive",
                "75",
            ),
        )

        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from portal.celery import app

        log(f"making {args.residents} residents")
        residents = make_residents(args.residents, FIRST_NUMBER)
        resident_ids = [pk for pk, _ in residents]
        phones = [phone for _, phone in residents]
        connection.close()

        log("waiting for the celery worker and gunicorn")
        wait_until(lambda: bool(app.control.ping(timeout=1.0)), "celery", worker, logs["worker"])
        wait_until(lambda: answers_http(port), "gunicorn", gunicorn, logs["gunicorn"])

        log(
            f"{args.residents} residents arrive over {args.minutes:g} minutes "
            f"(Locust, at most {args.minutes * 60 + args.tail:.0f} s)"
        )
        load_began = time.monotonic()
        results, locust_status = run_locust(
            {
                **env,
                "CITY_DAY_FIRST_NUMBER": str(FIRST_NUMBER),
                "CITY_DAY_RESIDENTS": str(args.residents),
                "CITY_DAY_TWILIO_URL": twilio_url,
                "CITY_DAY_TWILIO_SID": DEFAULT_ACCOUNT_SID,
                "CITY_DAY_TWILIO_TOKEN": DEFAULT_AUTH_TOKEN,
            },
            base_url,
            args,
            workdir.name,
            logs["locust"],
        )
        load_s = time.monotonic() - load_began
        log(f"load over after {load_s:.0f} s; waiting for the outbox to drain")
        drained_s, still_queued = wait_for_outbox(phones, args.drain)
        rides_without_car = wait_for_cars(resident_ids, 30)
        counted = count_records(resident_ids, phones)
        at_twilio = messages_at_twilio(twilio_url, phones)
        connection.close()

        timings = results["timings_ms"]
        days = results["days"]
        errors = sum(results["failures"].values())
        summary = {
            "residents": args.residents,
            "requests": len(timings),
            "errors": errors,
            "p50_ms": rounded(percentile(timings, 50)),
            "p99_ms": rounded(percentile(timings, 99)),
            "max_ms": rounded(max(timings, default=None)),
            "rides": counted["rides"],
            "bookings": counted["bookings"],
            "help_requests": counted["help_requests"],
            "messages": counted["messages"],
            "messages_at_twilio": at_twilio,
            "messages_lost": counted["messages_lost"],
            "messages_cancelled": counted["messages_cancelled"],
            "messages_waiting_for_morning": counted["messages_waiting_for_morning"],
            "messages_by_status": counted["messages_by_status"],
            "messages_by_purpose": counted["messages_by_purpose"],
            "rides_by_status": counted["rides_by_status"],
            "rides_without_car": rides_without_car,
            "help_requests_by_kind": counted["help_requests_by_kind"],
            "days": days,
            "days_done": days.get("done", 0),
            "code_wait_p50_s": rounded(percentile(results["code_waits_s"], 50), 2),
            "code_wait_p99_s": rounded(percentile(results["code_waits_s"], 99), 2),
            "booking_retries": results["booking_retries"],
            "failures": results["failures"],
            "slowest": slowest(results["timings_by_name"]),
            "lost_samples": counted["lost_samples"],
            "server_errors": server_errors(logs["gunicorn"]),
            "outbox_drained_s": rounded(drained_s, 1),
            "outbox_still_queued": still_queued,
            "load_s": rounded(load_s, 1),
            "minutes": args.minutes,
            "gunicorn": f"{args.workers}x{args.threads}",
            "locust_exit": locust_status,
            "runtime_s": rounded(time.monotonic() - began, 1),
            "host": {
                "cpus": os.cpu_count(),
                "load_start": load_start,
                "load_end": round(os.getloadavg()[0], 2),
            },
        }
        print(
            f"\nA day at city scale: {args.residents} residents over {args.minutes:g} min through"
            f" gunicorn ({summary['gunicorn']}), Celery (2), the fake Twilio and dispatch\n"
            f"  requests {summary['requests']}   errors {errors}   p50 {summary['p50_ms']} ms"
            f"   p99 {summary['p99_ms']} ms (target {TARGET_P99_MS})   max {summary['max_ms']} ms\n"
            f"  days: {json.dumps(days)}\n"
            f"  rides {summary['rides']}, bookings {summary['bookings']}, help requests"
            f" {summary['help_requests']}\n"
            f"  messages {summary['messages']} (at Twilio {at_twilio}), lost"
            f" {summary['messages_lost']}, cancelled {summary['messages_cancelled']}\n"
            f"  runtime {summary['runtime_s']} s\n",
            file=sys.stderr,
        )
        if errors:
            log(f"failures: {json.dumps(results['failures'], ensure_ascii=False, indent=1)}")
        print(json.dumps(summary, ensure_ascii=False))
        ok = (
            errors == 0 and summary["messages_lost"] == 0 and summary["days_done"] == args.residents
        )
        return 0 if ok else 1
    except BaseException:
        for name, path in logs.items():
            log(f"--- {name} log ---\n{log_tail(path)}")
        raise
    finally:
        for process in (gunicorn, worker, dispatch, twilio):
            stop_group(process)
        if database_url:
            let_go_of_database(BENCH_DATABASE, scratch)
        flush_own_redis(redis_url, DEFAULT_REDIS_URL)
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
