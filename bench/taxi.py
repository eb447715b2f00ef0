"""One-tap taxi under load: many residents tap at once, then one resident taps 50 times at once.

    .venv/bin/python bench/taxi.py [--residents 500] [--double-taps 50] [--find-after 0.5]

Starts, all on 127.0.0.1 and each in its own process group (stopped on the way out, even after an
error): the fake dispatch company (``tests/support/fake_dispatch.py``: it takes orders over REST
and, ``--find-after`` seconds later, posts signed "looking" and "car found" webhooks back), a
Celery worker (2 prefork processes) on Redis, and gunicorn (3 workers x 4 threads). The portal
uses the HTTP dispatch provider. PostgreSQL is ``DATABASE_URL`` when set, else a scratch
database ``bench_taxi`` (created, migrated and dropped); Redis is ``REDIS_URL`` (default
redis://127.0.0.1:6379/10, flushed), used as both broker and cache.

Every resident is signed in beforehand (a session made here) and has loaded the taxi page, as a
resident who opens the portal and sees the one button. Then they all tap at the same moment:
each timing runs from the tap (the POST) to the status page loaded (the GET it redirects to).
Afterwards the benchmark waits until every ride has a car (the provider's webhooks came back
through gunicorn) and counts:

- ``rides_requested``: rides in the database for the tapping residents;
- ``rides_dispatched``: rides the provider took and found a car for;
- ``duplicates``: rides beyond one per resident, plus orders at the provider beyond one per ride;
- ``double_tap_rides``: rides for one resident who sent the same tap 50 times at once.

The last line is one JSON object with these figures.
"""

import argparse
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402
import requests  # noqa: E402

from bench.benchkit import (  # noqa: E402
    create_database,
    drop_scratch_database,
    log,
    log_tail,
    migrate,
    new_session,
    percentile,
    portal_env,
    raise_on_sigterm,
    rounded,
    start_celery_worker,
    start_fake_dispatch,
    start_gunicorn,
    stop_group,
    wait_until,
)
from tests.support.live_portal import answers_http, free_port  # noqa: E402

BENCH_DATABASE = "bench_taxi"
BENCH_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
HTTP_TIMEOUT = 120.0
FIRST_NUMBER = 13_700_000_000
TAP_PATH = "/taxi/"

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="key" value="([^"]+)"')
RIDE_PATH = re.compile(r"/taxi/rides/(\d+)/$")


class Problem(Exception):
    """A resident did not get what a resident expects."""


def signed_in_session(session_key):
    session = new_session()
    session.cookies.set("sessionid", session_key, domain="127.0.0.1", path="/")
    return session


def make_residents(count, first_number):
    """Residents with a home address, each signed in: their session keys, in order."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.accounts.models import User

    keys = []
    for number in range(first_number, first_number + count):
        user = User.objects.create(
            username=f"bench-{number}",
            phone=f"+86{number}",
            preferred_name="居民",
            home_address=f"上海市黄浦区测试路{number % 1000}号",
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append((user.pk, store.session_key))
    return keys


def load_tap_page(base_url, session_key):
    """What a resident's browser holds before the tap: the session, the form's token and key."""
    session = signed_in_session(session_key)
    page = session.get(base_url + TAP_PATH, timeout=HTTP_TIMEOUT)
    csrf, key = CSRF_FIELD.search(page.text), KEY_FIELD.search(page.text)
    if page.status_code != 200 or not csrf or not key:
        raise Problem(f"the taxi page answered {page.status_code} without the tap form")
    # The tap comes later on a new connection, as from a phone that has been idle: the server
    # has closed this one by then (a browser would quietly reconnect; requests does not).
    session.close()
    return session, {"csrfmiddlewaretoken": csrf.group(1), "key": key.group(1)}


def tap(base_url, session, form):
    """The tap: POST, then the status page it leads to. Returns (ms, ride id, HTTP statuses)."""
    started = time.perf_counter()
    answer = session.post(
        base_url + TAP_PATH, data=form, allow_redirects=False, timeout=HTTP_TIMEOUT
    )
    statuses = [answer.status_code]
    ride_id = None
    if answer.status_code == 302:
        location = answer.headers.get("Location", "")
        found = RIDE_PATH.search(location)
        ride_id = int(found.group(1)) if found else None
        page = session.get(base_url + location, timeout=HTTP_TIMEOUT)
        statuses.append(page.status_code)
    return (time.perf_counter() - started) * 1000, ride_id, statuses


def tap_all_at_once(base_url, prepared):
    """Every (session, form) taps at the same moment; one thread each."""
    barrier = threading.Barrier(len(prepared))

    def one(item):
        session, form = item
        barrier.wait()
        try:
            return tap(base_url, session, form)
        except requests.RequestException as error:
            return None, None, [type(error).__name__]

    with ThreadPoolExecutor(max_workers=len(prepared)) as pool:
        return list(pool.map(one, prepared))


def prepare(base_url, session_keys, threads=32):
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda key: load_tap_page(base_url, key), session_keys))


def wait_for_cars(resident_ids, deadline_s):
    """Until every ride of these residents has a car (or the deadline); seconds waited."""
    from services.taxi.models import Ride, Status

    started = time.monotonic()
    while True:
        waiting = (
            Ride.objects.filter(resident_id__in=resident_ids)
            .exclude(status=Status.CAR_FOUND)
            .count()
        )
        elapsed = time.monotonic() - started
        if not waiting or elapsed > deadline_s:
            return elapsed, waiting
        time.sleep(0.2)


def provider_orders(fake_url, api_key):
    """The fake dispatch company's orders: how many per reference (dispatch key)."""
    answer = requests.get(
        f"{fake_url}/v1/orders",
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=10,
    )
    answer.raise_for_status()
    return Counter(order["reference"] for order in answer.json()["orders"])


def count_results(resident_ids, fake_url, api_key):
    from services.taxi.models import Ride, RideEvent, Status

    rides = list(
        Ride.objects.filter(resident_id__in=resident_ids).values(
            "pk", "resident_id", "status", "provider_order_id", "created_at", "redispatches"
        )
    )
    per_resident = Counter(ride["resident_id"] for ride in rides)
    orders = provider_orders(fake_url, api_key)
    references = {f"ride-{ride['pk']}-{ride['redispatches']}" for ride in rides}
    extra_orders = sum(
        number - 1 for reference, number in orders.items() if reference in references
    )
    found_at = dict(
        RideEvent.objects.filter(
            ride_id__in=[ride["pk"] for ride in rides], kind="car_found", applied=True
        ).values_list("ride_id", "received_at")
    )
    to_car_ms = [
        (found_at[ride["pk"]] - ride["created_at"]).total_seconds() * 1000
        for ride in rides
        if ride["pk"] in found_at
    ]
    dispatched = sum(
        1 for ride in rides if ride["provider_order_id"] and ride["status"] == Status.CAR_FOUND
    )
    return {
        "rides_requested": len(rides),
        "rides_dispatched": dispatched,
        "duplicates": sum(number - 1 for number in per_resident.values()) + extra_orders,
        "provider_orders": sum(orders[reference] for reference in references),
        "tap_to_car_p50_ms": rounded(percentile(to_car_ms, 50)),
        "tap_to_car_p99_ms": rounded(percentile(to_car_ms, 99)),
        "statuses": dict(Counter(ride["status"] for ride in rides)),
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=500, help="residents tapping at once")
    parser.add_argument("--double-taps", type=int, default=50, help="one resident's taps at once")
    parser.add_argument(
        "--find-after", type=float, default=0.5, help="seconds the fake takes to find a car"
    )
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds to wait for cars")
    args = parser.parse_args()
    if args.residents < 1 or args.double_taps < 1:
        parser.error("--residents and --double-taps must be at least 1")
    return args


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    database_url = os.environ.get("DATABASE_URL")
    created_database = False
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    fake = worker = gunicorn = None
    workdir = tempfile.TemporaryDirectory(prefix="bench-taxi-")
    logs = {name: Path(workdir.name) / f"{name}.log" for name in ("fake", "worker", "gunicorn")}
    port, fake_port = free_port(), free_port()
    base_url, fake_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{fake_port}"
    secret, api_key = secrets.token_hex(16), secrets.token_hex(8)
    try:
        if not database_url:
            log(f"creating database {BENCH_DATABASE}")
            create_database(BENCH_DATABASE)
            created_database = True
            database_url = BENCH_DATABASE_URL
        redis.Redis.from_url(redis_url).flushdb()
        env = portal_env(
            os.environ,
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=redis_url,
            REDIS_URL=redis_url,
            PUBLIC_BASE_URL=base_url,
            TAXI_PROVIDER="services.taxi.providers.http.HttpDispatchProvider",
            TAXI_HTTP_BASE_URL=fake_url,
            TAXI_HTTP_API_KEY=api_key,
            TAXI_HTTP_WEBHOOK_SECRET=secret,
            NOTIFY_MAX_PER_HOUR="1000000",
        )
        log("migrating")
        migrate(env)
        fake = start_fake_dispatch(
            env,
            fake_port,
            secret,
            api_key,
            f"{base_url}/taxi/events/http/",
            args.find_after,
            logs["fake"],
        )
        worker = start_celery_worker(env, logs["worker"])
        gunicorn = start_gunicorn(
            env,
            port,
            logs["gunicorn"],
            workers=3,
            timeout=120,
            extra_args=("--threads", "4", "--backlog", "2048"),
        )

        os.environ.update(env)
        import django

        django.setup()
        from portal.celery import app

        log("waiting for the celery worker and gunicorn")
        wait_until(lambda: bool(app.control.ping(timeout=1.0)), "celery", worker, logs["worker"])
        wait_until(lambda: answers_http(port), "gunicorn", gunicorn, logs["gunicorn"])

        log(f"signing in {args.residents + 1} residents")
        residents = make_residents(args.residents + 1, FIRST_NUMBER)
        crowd, lone = residents[:-1], residents[-1]
        crowd_ids = [pk for pk, _ in crowd]

        log("every resident loads the taxi page")
        prepared = prepare(base_url, [key for _, key in crowd])
        log(f"{len(prepared)} residents tap at once")
        taps = tap_all_at_once(base_url, prepared)
        timings = [ms for ms, _, statuses in taps if ms is not None and statuses == [302, 200]]
        answers = Counter("/".join(map(str, statuses)) for _, _, statuses in taps)
        log(f"taps answered: {dict(answers)}; waiting for the cars")
        waited, waiting = wait_for_cars(crowd_ids, args.deadline)

        log(f"one resident taps {args.double_taps} times at once")
        session, form = load_tap_page(base_url, lone[1])
        double = tap_all_at_once(base_url, [(session, form)] * args.double_taps)
        double_answers = Counter("/".join(map(str, statuses)) for _, _, statuses in double)
        double_ride_ids = {ride_id for _, ride_id, _ in double if ride_id}

        from services.taxi.models import Ride

        result = count_results(crowd_ids, fake_url, api_key)
        summary = {
            "residents": args.residents,
            **{key: result[key] for key in ("rides_requested", "rides_dispatched", "duplicates")},
            "p50_ms": rounded(percentile(timings, 50)),
            "p99_ms": rounded(percentile(timings, 99)),
            "max_ms": rounded(max(timings, default=None)),
            "taps_ok": len(timings),
            "tap_answers": dict(answers),
            "cars_waited_s": rounded(waited, 1),
            "rides_without_car": waiting,
            "provider_orders": result["provider_orders"],
            "tap_to_car_p50_ms": result["tap_to_car_p50_ms"],
            "tap_to_car_p99_ms": result["tap_to_car_p99_ms"],
            "ride_statuses": result["statuses"],
            "double_taps": args.double_taps,
            "double_tap_rides": Ride.objects.filter(resident_id=lone[0]).count(),
            "double_tap_pages": len(double_ride_ids),
            "double_tap_answers": dict(double_answers),
            "runtime_s": rounded(time.monotonic() - began, 1),
        }
        print(
            f"\nOne-tap taxi: {args.residents} residents at once through gunicorn (3x4 threads),"
            f" Celery (2 processes), the HTTP provider and the fake dispatch company\n"
            f"  tap -> status page   p50 {summary['p50_ms']} ms   p99 {summary['p99_ms']} ms"
            f"   max {summary['max_ms']} ms   ({summary['taps_ok']} of {args.residents} ok)\n"
            f"  rides requested {summary['rides_requested']}, dispatched with a car"
            f" {summary['rides_dispatched']}, duplicates {summary['duplicates']}\n"
            f"  tap -> car found     p50 {summary['tap_to_car_p50_ms']} ms"
            f"   p99 {summary['tap_to_car_p99_ms']} ms\n"
            f"  one resident, {args.double_taps} taps at once:"
            f" {summary['double_tap_rides']} ride(s)\n",
            file=sys.stderr,
        )
        print(json.dumps(summary))
        ok = (
            summary["rides_requested"] == args.residents
            and summary["rides_dispatched"] == args.residents
            and summary["duplicates"] == 0
            and summary["double_tap_rides"] == 1
        )
        return 0 if ok else 1
    except Exception:
        for name, path in logs.items():
            log(f"--- {name} log ---\n{log_tail(path)}")
        raise
    finally:
        for process in (gunicorn, worker, fake):
            stop_group(process)
        if created_database:
            drop_scratch_database(BENCH_DATABASE)
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
