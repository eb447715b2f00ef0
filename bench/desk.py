"""The help desk under load: many volunteers on duty, a stream of requests, everyone pressing
"take" on every offer they see at once.

    .venv/bin/python bench/desk.py [--volunteers 200] [--cases 1000] [--over 120]

PostgreSQL is ``DATABASE_URL`` when set, else a scratch database ``bench_desk`` (created,
migrated, dropped); Redis is ``REDIS_URL`` (default redis://127.0.0.1:6379/11, flushed), the
portal's cache. Everything runs in this process through ``assist.api`` and ``assist.offers``,
as the desk pages and the beat task call them:

- ``--volunteers`` volunteers on duty, each covering a few streets of the Shanghai areas;
- an opener thread opens ``--cases`` call-back requests evenly over ``--over`` seconds, for as
  many residents spread over those streets;
- an offer loop runs ``offer_waiting`` and ``end_lapsed_leases`` back to back (beat runs them
  every minute; here as often as they finish, so the offer delay measured is the code's, not
  the schedule's); leases last one minute;
- every offer a volunteer gets is pressed at once (a pool of 40 database connections presses
  them all as fast as it can); a holder closes the request nine times in ten and leaves the
  rest to run out, as someone who walked away would.

Figures (last line, JSON): ``cases``; ``claims_attempted``; ``double_holders`` (requests taken
again while held, read from their timelines: must be 0); ``cases_lost`` (requests opened but
missing, or still waiting at the end without ever being offered: must be 0);
``lease_expiries``; ``offer_p50_ms`` and ``offer_p99_ms`` (request opened to its first offer);
``claim_p99_ms`` (one press of "take").
"""

import argparse
import json
import os
import random
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402

from bench.benchkit import (  # noqa: E402
    create_database,
    drop_scratch_database,
    log,
    migrate,
    percentile,
    portal_env,
    raise_on_sigterm,
    rounded,
)

BENCH_DATABASE = "bench_desk"
BENCH_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
PRESSERS = 40
FIRST_NUMBER = 13_600_000_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=200)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--over", type=float, default=120.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)

    scratch = "DATABASE_URL" not in os.environ
    database_url = os.environ.get("DATABASE_URL", BENCH_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    env = portal_env(
        dict(os.environ),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ASSIST_LEASE_MINUTES="1",
    )
    env.pop("CELERY_BROKER_URL", None)  # nothing here is sent: tasks stay in this process
    try:
        if scratch:
            create_database(BENCH_DATABASE)
        redis.Redis.from_url(redis_url).flushdb()
        log("migrating ...")
        migrate(env)
        os.environ.update(env)
        import django

        django.setup()
        figures = run(args)
    finally:
        if scratch:
            drop_scratch_database(BENCH_DATABASE)
    print(json.dumps(figures))


def run(args):
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count

    from assist import api, offers
    from assist.models import HelpRequest, Kind, Offer, Outcome, RequestEvent
    from portal.accounts.duty import set_on_duty
    from portal.accounts.roles import ensure_roles
    from portal.areas.models import Street
    from portal.areas.shanghai import load_shanghai
    from portal.channels import Channel

    User = get_user_model()
    ensure_roles(apps, strict=False)
    load_shanghai()
    streets = list(Street.objects.all())
    group = Group.objects.get(name="Volunteers")
    rng = random.Random(42)
    log(f"{args.volunteers} volunteers on duty, {len(streets)} streets ...")
    volunteers = []
    for number in range(args.volunteers):
        person = User.objects.create_user(f"bench-volunteer-{number}", is_staff=True)
        person.groups.add(group)
        person = User.objects.get(pk=person.pk)
        duty = set_on_duty(person, True)
        duty.streets.set(rng.sample(streets, 4))
        volunteers.append(person)
    residents = User.objects.bulk_create(
        [
            User(
                username=f"+86{FIRST_NUMBER + n}",
                phone=f"+86{FIRST_NUMBER + n}",
                street=rng.choice(streets),
            )
            for n in range(args.cases)
        ]
    )
    connection.close()

    opened, presses, claim_ms = [], [], []
    lock = threading.Lock()
    done = threading.Event()
    pressed = set()  # (request, person, times given back) already pressed

    def open_all():
        try:
            gap = args.over / args.cases
            start = time.monotonic()
            for index, resident in enumerate(residents):
                delay = start + index * gap - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
                with lock:
                    opened.append(request.pk)
        finally:
            connection.close()

    def press(request_id, person):
        try:
            request = HelpRequest.objects.get(pk=request_id)
            began = time.perf_counter()
            took = api.take(request, person)
            with lock:
                claim_ms.append((time.perf_counter() - began) * 1000)
                presses.append(took)
            if took and random.random() < 0.9:
                api.close(request, person, Outcome.DONE, "bench")
        finally:
            connection.close()

    def offer_loop(pool):
        try:
            while not done.is_set():
                offers.offer_waiting()
                api.end_lapsed_leases()
                # A request given back (its lease ran out) is pressed again by those offered it.
                returned = dict(
                    RequestEvent.objects.filter(what="lease_ended")
                    .values("request_id")
                    .annotate(n=Count("pk"))
                    .values_list("request_id", "n")
                )
                fresh = []
                for request_id, person_id in Offer.objects.filter(
                    request__state="waiting"
                ).values_list("request_id", "person_id"):
                    key = (request_id, person_id, returned.get(request_id, 0))
                    if key not in pressed:
                        pressed.add(key)
                        fresh.append((request_id, person_id))
                people = {p.pk: p for p in volunteers}
                for request_id, person_id in fresh:
                    pool.submit(press, request_id, people[person_id])
                time.sleep(0.05)
        finally:
            connection.close()

    log(f"opening {args.cases} requests over {args.over:.0f} s ...")
    with ThreadPoolExecutor(max_workers=PRESSERS) as pool:
        opener = threading.Thread(target=open_all)
        looper = threading.Thread(target=offer_loop, args=(pool,))
        opener.start()
        looper.start()
        opener.join()
        # Let the last ones be offered and pressed, and the walked-away leases run out once.
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            if not HelpRequest.objects.filter(state__in=["waiting", "held"]).exists():
                break
            time.sleep(1)
        done.set()
        looper.join()
    connection.close()

    first_offer_ms = []
    for request in HelpRequest.objects.filter(pk__in=opened):
        first = request.offers.order_by("offered_at").first()
        if first is not None:
            first_offer_ms.append((first.offered_at - request.opened_at).total_seconds() * 1000)
    double = 0
    for request_id in opened:
        held = False
        for what in RequestEvent.objects.filter(request_id=request_id).values_list(
            "what", flat=True
        ):
            if what == "taken":
                double += held
                held = True
            elif what in ("released", "lease_ended", "closed"):
                held = False
    found = HelpRequest.objects.filter(pk__in=opened)
    lost = (args.cases - found.count()) + found.filter(state="waiting", offers__isnull=True).count()
    return {
        "cases": len(opened),
        "claims_attempted": len(presses),
        "claims_won": sum(presses),
        "double_holders": double,
        "cases_lost": lost,
        "lease_expiries": RequestEvent.objects.filter(
            request_id__in=opened, what="lease_ended"
        ).count(),
        "still_open": found.exclude(state="closed").count(),
        "offer_p50_ms": rounded(percentile(first_offer_ms, 50)),
        "offer_p99_ms": rounded(percentile(first_offer_ms, 99)),
        "claim_p99_ms": rounded(percentile(claim_ms, 99)),
    }


if __name__ == "__main__":
    main()
