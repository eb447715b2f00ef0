"""The supervisor's dashboard on a year of records: how long it takes to render, cold and warm.

    .venv/bin/python bench/dashboard.py [--rides 1000000] [--messages 1000000]
        [--cases 100000] [--ratings 100000] [--residents 20000] [--warm 10] [--refill]

PostgreSQL only. The database is ``silver_bench_dashboard`` on the server of ``DATABASE_URL``
when that is a PostgreSQL URL (else on 127.0.0.1:5432). It is **kept** between runs: filling
it takes minutes, so a run whose database already holds the volumes asked for (its comment
records them, with when it was filled) only migrates it and measures. ``--refill`` (or
``BENCH_REFILL=1``) drops it and fills it again; so does a fill older than ``STALE_DAYS``
(the figures count "today" and "this month", which a fill ages out of). Redis is
``REDIS_URL`` (default redis://127.0.0.1:6379/12, the portal's cache here: flushed for the cold
request). With ``DATABASE_URL`` on SQLite the bench refuses (exit status 2).

Set-up (not timed), with ``INSERT ... SELECT FROM generate_series`` (the columns a row needs
come from the models, so fields added later get their defaults), spread evenly over the last
``DAYS`` days in the order they happened (ids follow time, as in real tables):

- the demo content and accounts (``content.demo.build_demo``: Shanghai's districts and
  streets, the taxi service page, the ``supervisor`` account with its authenticator);
- ``--residents`` residents living in every street of the city;
- ``--rides`` taxi rides through every channel, most done, some with no car, cancelled by
  the company, driver cancellations ...; a provider's "car found" event for each ride that
  got a car, 2 to 26 minutes after it was asked for; the newest few hundred still going;
- ``--messages`` texts and calls to the residents, mostly delivered, some failed or not
  delivered for the usual reasons; a few hundred numbers that opted out;
- ``--ratings`` ratings of rides (60 %), requests for help (30 %) and appointments, a
  government scale's spread (13 % poor);
- ``--cases`` requests for help in all: a follow-up for every poor rating
  (``about="rating:<subject>"``, due a day later) and the rest call-backs, no-car cases,
  refused bookings and walk-ins; timelines with "opened", "taken" (first contact, mostly
  within the target), "escalated" for a few, "closed"; the newest still waiting or held.

Then ``VACUUM ANALYZE``. The run: gunicorn (1 worker, ``DJANGO_DEBUG=0``) on 127.0.0.1; the
supervisor's session is made in this process (database sessions: the cookie works for
gunicorn) with the authenticator step done, as after a real sign-in.

- cold: gunicorn stopped, Redis flushed, gunicorn started (readiness is a static file, which
  touches neither the database nor a template), then the first ``GET /admin/`` timed;
- warm: the median of the next ``--warm`` requests; then the same for a few other periods
  (this month, last month, 30 days), each its first request not counted;
- the public results page: the demo's taxi service page, signed out, the median of
  ``--warm`` requests after one not counted.

Every dashboard answer must be 200 with every figure of ``assist.supervision.figures.FIGURES``
in it, else the bench fails (exit status 1). Then, in this process (after the timed part, so
the cold request found PostgreSQL as the fill left it): the queries one render makes
(``CaptureQueriesContext`` around ``/admin/`` through the test client), the database's share
of a render per period, the five slowest queries with their ``EXPLAIN (ANALYZE, BUFFERS)``
for the periods in ``BENCH_SLOW_PERIODS`` (default ``today,last-month``), and each figure
function timed on its own per period, on stderr: what to read before adding an index.
Logs of gunicorn: ``var/bench/dashboard-gunicorn.log``.

Figures (last line, JSON): ``rides``, ``messages``, ``cases``, ``ratings`` (rows in the
database), ``dashboard_cold_ms``, ``dashboard_warm_ms`` (the default period, today),
``public_page_ms``, ``queries``; and ``periods``: the warm median per period.
"""

import argparse
import json
import os
import signal
import socket
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402

from bench.benchkit import (  # noqa: E402
    log,
    log_tail,
    migrate,
    new_session,
    portal_env,
    raise_on_sigterm,
    rounded,
    start_gunicorn,
    stop_group,
    wait_until,
)

BENCH_DATABASE = "silver_bench_dashboard"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
PORT = 8093
LOG_DIR = PROJECT_DIR / "var" / "bench"
DAYS = 395  # about thirteen months of records
STALE_DAYS = 7
HTTP_TIMEOUT = 120
EXPLAIN_CHARS = int(os.environ.get("BENCH_EXPLAIN_CHARS", "1500"))  # of each slow query
EXPLAIN_LINES = int(os.environ.get("BENCH_EXPLAIN_LINES", "25"))  # of each slow query's plan
FIRST_PHONE = "+86137"  # residents: +86137 and eight digits, their number in the fill


def database_url():
    """The bench database's URL on ``DATABASE_URL``'s server; None when that is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return None
    return parts._replace(path=f"/{BENCH_DATABASE}").geturl()


def admin_url(url):
    return urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()


def wanted_volumes(args):
    return {
        "rides": args.rides,
        "messages": args.messages,
        "cases": args.cases,
        "ratings": args.ratings,
        "residents": args.residents,
    }


def prepare_database(url, args):
    """Make sure the database exists; return whether it must be filled (logged why)."""
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        marker = None
        if exists:
            row = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [BENCH_DATABASE],
            ).fetchone()
            try:
                marker = json.loads(row[0]) if row and row[0] else None
            except ValueError:
                marker = None
        why = None
        if args.refill:
            why = "--refill asked for"
        elif not exists:
            why = "no database yet"
        elif marker is None or marker.get("volumes") != wanted_volumes(args):
            why = f"it holds other volumes ({marker and marker.get('volumes')}) or was not finished"
        else:
            filled = datetime.fromisoformat(marker["filled_at"])
            age = (datetime.now(UTC) - filled).total_seconds() / 86400
            if age > STALE_DAYS:
                why = f"its fill is {age:.0f} days old: today's and this month's shares are off"
        if why is None:
            log(f"reusing {BENCH_DATABASE}, filled {marker['filled_at']} ({marker['volumes']})")
            return False
        log(f"filling {BENCH_DATABASE} afresh: {why}")
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return True


def mark_filled(url, args, seconds):
    import psycopg
    from psycopg import sql

    marker = json.dumps(
        {
            "volumes": wanted_volumes(args),
            "filled_at": datetime.now(UTC).isoformat(),
            "fill_seconds": round(seconds),
        }
    )
    with psycopg.connect(admin_url(url), autocommit=True) as admin:
        admin.execute(
            f"COMMENT ON DATABASE {BENCH_DATABASE} IS " + sql.Literal(marker).as_string(admin)
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rides", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--refill",
        action="store_true",
        default=os.environ.get("BENCH_REFILL", "") not in ("", "0"),
        help="drop the bench database and fill it again (also BENCH_REFILL=1)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)

    url = database_url()
    if url is None:
        log(
            "bench/dashboard.py needs PostgreSQL: DATABASE_URL is not a postgres:// URL. "
            "Unset it (a database on 127.0.0.1:5432 is used) or point it at a server."
        )
        sys.exit(2)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    env = portal_env(dict(os.environ), DATABASE_URL=url, REDIS_URL=redis_url)
    env.pop("CELERY_BROKER_URL", None)  # nothing is sent: the fill writes rows directly
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        must_fill = prepare_database(url, args)
        log("migrating ...")
        migrate(env)
        os.environ.update(env)
        import django

        django.setup()
        if must_fill:
            began = time.monotonic()
            fill(args)
            seconds = time.monotonic() - began
            log(f"fill took {seconds:.0f} s")
            mark_filled(url, args, seconds)
        else:
            top_up(args)
        publish_last_month()
        counts = row_counts()
        log(f"rows: {counts}")
        cookie_name, cookie = supervisor_session()
        public_path = taxi_page_path()
        from django.db import connections

        connections.close_all()  # gunicorn works alone while timed
        figures = measure(args, env, redis_url, cookie_name, cookie, public_path, problems)
        figures = {**counts, **figures}
        figures["queries"] = count_queries(problems)
        time_figures()
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
    for problem in problems:
        log(f"PROBLEM: {problem}")
    print(json.dumps(figures))
    sys.exit(1 if problems else 0)


# ---------------------------------------------------------------------------------------------
# The fill


def table_columns(model):
    from django.db import connection

    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }


def insert_select(model, count, columns, params=(), source=None):
    """``INSERT INTO model SELECT ... FROM generate_series(1, count) AS g``; return rows.

    ``columns`` maps a column to an SQL expression (``g`` is the row number); every other
    column gets NULL when it may, else the field's default. ``source`` replaces the FROM
    clause (then ``count`` is not used). A field whose column the database does not have yet
    (a model changed, its migration not written) is left out.
    """
    from django.db import connection

    present = table_columns(model)
    names, values, defaults = [], [], []
    if source is not None:
        source = literal_percent(source)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column not in present:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.column in columns:
            values.append(literal_percent(columns[field.column]))
        elif field.null:
            values.append("NULL")
        elif (default := field.get_default()) is not None:  # "" for text without a default
            values.append("%s")
            defaults.append(field.get_db_prep_save(default, connection))
        else:
            raise ValueError(f"{model.__name__}.{field.name}: no value and no default")
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (  # names from the models, values from this file
        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {source or 'generate_series(1, %s) AS g'}"
    )
    ordered, expr_params = [], list(params)
    for value in values:
        if value == "%s":
            ordered.append(defaults.pop(0))
        else:
            for _ in range(value.count("%s")):
                ordered.append(expr_params.pop(0))
    ordered += expr_params  # what is left belongs to ``source``
    if source is None:
        ordered.append(count)
    with connection.cursor() as cursor:
        cursor.execute(sql, ordered)
        return cursor.rowcount


def literal_percent(sql):
    """``sql`` with its modulo and LIKE signs doubled, its ``%s`` placeholders kept."""
    return sql.replace("%", "%%").replace("%%s", "%s")


def pick(bucket, weighted):
    """An SQL CASE choosing a value by ``bucket`` (an expression from 0 to 99) and weights."""
    parts, edge = [], 0
    for value, weight in weighted[:-1]:
        edge += weight
        parts.append(f"WHEN {bucket} < {edge} THEN {value}")
    return f"(CASE {' '.join(parts)} ELSE {weighted[-1][0]} END)"


def spread(row, count):
    """When row ``row`` of ``count`` happened: evenly over ``DAYS`` days, oldest first, up to
    a minute ago."""
    return (
        f"(now() - interval '1 minute' - (({count} - {row})::float8 / {count}) "
        f"* interval '{DAYS} days')"
    )


def bucket(expression, salt):
    """A number from 0 to 99 that looks random but is fixed for ``expression``."""
    return f"((({expression})::bigint * {salt}) % 100)"


def fill(args):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from assist.models import HelpRequest, Kind, RequestEvent
    from content.demo import build_demo
    from portal.areas.models import Street
    from portal.notifications.models import Message, OptOut
    from portal.ratings.models import Rating
    from services.taxi.models import Ride, RideEvent

    User = get_user_model()
    log("demo content and accounts ...")
    build_demo()
    began = time.monotonic()

    def step(text):
        log(f"  [{time.monotonic() - began:5.0f} s] {text}")

    streets = list(Street.objects.order_by("pk").values_list("pk", flat=True))
    staff = list(
        User.objects.filter(username__in=["volunteer", "counter", "supervisor"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    R = args.residents
    with transaction.atomic():
        step(f"{R} residents in {len(streets)} streets ...")
        insert_select(
            User,
            R,
            {
                "password": "'!bench'",
                "username": f"'{FIRST_PHONE}' || lpad((g - 1)::text, 8, '0')",
                "phone": f"'{FIRST_PHONE}' || lpad((g - 1)::text, 8, '0')",
                "preferred_name": "'居民' || g",
                "home_address": "'幸福路' || g || '号'",
                # Some streets busier than others: the square spreads them unevenly.
                "street_id": "(%s::bigint[])[1 + ((g * g) % %s)]",
                "date_joined": f"now() - interval '{DAYS + 30} days'",
            },
            [streets, len(streets)],
        )
        resident_ids = list(
            User.objects.filter(username__startswith=FIRST_PHONE)
            .order_by("username")
            .values_list("pk", flat=True)
        )
        # A row's resident: number j (0 to R-1) of the fill; id and phone both follow from it.
        j = f"((g::bigint * 7919) % {R})"
        resident_id = f"(%s::bigint[])[1 + {j}]"
        phone = f"'{FIRST_PHONE}' || lpad({j}::text, 8, '0')"

        N = args.rides
        step(f"{N} rides ...")
        b = bucket("g", 37)
        live = min(300, N // 100)
        status = pick(
            b,
            [
                ("'done'", 68),
                ("'cancelled'", 10),
                ("'no_car'", 6),
                ("'no_driver_answer'", 4),
                ("'driver_no_show'", 3),
                ("'passenger_no_show'", 3),
                ("'done'", 6),  # asked again after a driver cancelled (redispatches below)
            ],
        )
        status = (
            f"(CASE WHEN g > {N - live} THEN "
            f"(ARRAY['looking','car_found','arrived','on_trip'])[1 + g % 4] ELSE {status} END)"
        )
        channel = pick(
            bucket("g", 53),
            [("'web'", 40), ("'phone'", 28), ("'sms'", 12), ("'counter'", 12), ("'volunteer'", 8)],
        )
        when = spread("g", N)
        insert_select(
            Ride,
            N,
            {
                "channel": channel,
                "resident_id": resident_id,
                "requested_by_id": resident_id,
                "pickup_address": "'幸福路' || (g % 500) || '号'",
                "destination": "(ARRAY['瑞金医院','华山医院','社区中心','家'])[1 + g % 4]",
                "status": status,
                "car_plate": "'沪A' || (10000 + g % 90000)",
                "car_colour": "'白色'",
                "driver_phone": "'+86139' || lpad((g % 100000000)::text, 8, '0')",
                "provider": "'bench'",
                "provider_order_id": "'order-' || g",
                "idempotency_key": "'dash-' || g",
                "redispatches": f"(CASE WHEN {b} >= 94 THEN 1 ELSE 0 END)",
                "cancel_reason": f"(CASE WHEN {b} >= 68 AND {b} < 71 THEN 'taxi company' "
                f"WHEN {b} >= 71 AND {b} < 78 THEN 'resident' ELSE '' END)",
                "created_at": when,
                "updated_at": when,
            },
            [resident_ids, resident_ids],
        )
        step("a 'car found' event for each ride that got a car ...")
        with connection.cursor() as cursor:
            cursor.execute(  # table names from the models
                f"INSERT INTO {RideEvent._meta.db_table} "  # noqa: S608
                "(ride_id, provider, event_id, kind, data, applied, received_at) "
                "SELECT r.id, 'bench', 'dash-' || r.id || '-car', 'car_found', '{}'::jsonb, true, "
                "r.created_at + (2 + (r.id * 13) % 25) * interval '1 minute' "
                "+ (r.id % 60) * interval '1 second' "
                f"FROM {Ride._meta.db_table} r WHERE r.status IN "
                "('car_found', 'arrived', 'on_trip', 'done', 'passenger_no_show', "
                "'driver_no_show')"
            )
            cursor.execute(  # as applying the event does
                f"UPDATE {Ride._meta.db_table} r SET car_found_at = e.received_at "  # noqa: S608
                f"FROM {RideEvent._meta.db_table} e "
                "WHERE e.ride_id = r.id AND e.kind = 'car_found'"
            )

        M = args.messages
        step(f"{M} messages ...")
        b = bucket("g", 41)
        status = pick(
            b,
            [
                ("'delivered'", 80),
                ("'sent'", 8),
                ("'undelivered'", 4),
                ("'failed'", 5),
                ("'cancelled'", 3),
            ],
        )
        status = f"(CASE WHEN g > {M - 50} THEN 'queued' ELSE {status} END)"
        errors = "['30006','21614','21211','network','recipient_cap','duplicate','21610','']"
        error = (
            f"(CASE WHEN {b} >= 88 AND g <= {M - 50} THEN "
            f"(ARRAY{errors})[1 + (g / 7) % 8] ELSE '' END)"
        )
        when = spread("g", M)
        insert_select(
            Message,
            M,
            {
                "medium": pick(bucket("g", 29), [("'sms'", 85), ("'voice'", 15)]),
                "recipient": phone,
                "purpose": pick(
                    bucket("g", 31),
                    [
                        ("'taxi'", 40),
                        ("'sign_in_code'", 25),
                        ("'hospital'", 15),
                        ("'assist'", 10),
                        ("'reminder'", 8),
                        ("'welcome'", 2),
                    ],
                ),
                "template": "'bench.text'",
                "language": "(CASE WHEN g % 10 = 0 THEN 'en' ELSE 'zh-hans' END)",
                "body": "'您叫的车到了：沪A12345，白色。'",
                "status": status,
                "provider": "'twilio'",
                "provider_id": "'SMdash' || g",
                "attempts": "1",
                "error_code": error,
                "error_permanent": f"(CASE WHEN {b} >= 88 THEN g % 2 = 0 ELSE NULL END)",
                "created_at": when,
                "not_before": when,
                "sent_at": f"(CASE WHEN g > {M - 50} THEN NULL ELSE {when} "
                "+ interval '5 seconds' END)",
                "updated_at": when,
            },
        )
        step("numbers that opted out ...")
        opt_outs = min(400, R)
        insert_select(
            OptOut,
            opt_outs,
            {
                "phone": f"'{FIRST_PHONE}' || lpad(((g * 37) % {R})::text, 8, '0')",
                "since": spread("g", opt_outs),
                "source": "(CASE WHEN g % 3 = 0 THEN 'provider' ELSE 'sms' END)",
            },
        )

        ride_ratings = args.ratings * 6 // 10
        request_ratings = args.ratings * 3 // 10
        appointment_ratings = args.ratings - ride_ratings - request_ratings
        level = pick(bucket("g", 43), [("5", 50), ("4", 25), ("3", 12), ("2", 8), ("1", 5)])
        rating_channel = pick(
            bucket("g", 47), [("'web'", 40), ("'sms'", 25), ("'phone'", 25), ("'volunteer'", 10)]
        )
        comment = "(CASE WHEN {level} <= 2 THEN '司机态度不好，等了很久。' ELSE '' END)"

        # Every poor rating gets a follow-up; the other requests make up the rest.
        poor_share = 0.13
        regular = max(0, args.cases - round(args.ratings * poor_share))
        step(f"{regular} requests for help ...")
        b = bucket("g", 59)
        kind = pick(
            b,
            [("'call_back'", 45), ("'no_car'", 25), ("'booking_refused'", 15), ("'walk_in'", 15)],
        )
        topic = (
            f"(CASE WHEN {b} >= 45 AND {b} < 70 THEN 'taxi' "
            f"WHEN {b} >= 70 AND {b} < 85 THEN 'hospital' "
            "ELSE (ARRAY['taxi','hospital','other'])[1 + g % 3] END)"
        )
        case_channel = (
            f"(CASE WHEN {b} >= 45 AND {b} < 85 THEN 'system' "
            f"WHEN {b} >= 85 THEN 'counter' ELSE "
            "(ARRAY['phone','phone','web','sms','volunteer'])[1 + g % 5] END)"
        )
        opened = spread("g", regular)
        waiting, held = 40, 15
        state = (
            f"(CASE WHEN g > {regular - waiting} THEN 'waiting' "
            f"WHEN g > {regular - waiting - held} THEN 'held' ELSE 'closed' END)"
        )
        is_closed = f"g <= {regular - waiting - held}"
        insert_select(
            HelpRequest,
            regular,
            {
                "resident_id": resident_id,
                "kind": kind,
                "topic": topic,
                "channel": case_channel,
                "note": "'腿脚不便，请打电话给女儿。'",
                "about": f"(CASE WHEN {b} >= 45 AND {b} < 70 THEN 'ride:' || g ELSE '' END)",
                "street_id": f"(%s::bigint[])[1 + (({j} + 1) * ({j} + 1)) % {len(streets)}]",
                "state": state,
                "holder_id": f"(CASE WHEN {is_closed} OR g > {regular - waiting} THEN NULL "
                f"ELSE {staff[0]} END)",
                "lease_until": f"(CASE WHEN {is_closed} OR g > {regular - waiting} THEN NULL "
                "ELSE now() + interval '5 minutes' END)",
                "opened_at": opened,
                "contact_due": f"{opened} + interval '30 minutes'",
                "offered_round": "1",
                "closed_at": f"(CASE WHEN {is_closed} THEN {opened} "
                "+ (20 + g % 280) * interval '1 minute' ELSE NULL END)",
                "outcome": f"(CASE WHEN {is_closed} THEN "
                "(ARRAY['done','done','done','done','done','done','unreachable','not_needed',"
                "'passed_on','done'])[1 + g % 10] ELSE '' END)",
            },
            [resident_ids, streets],
        )

        step(f"{args.ratings} ratings (rides, requests, appointments) ...")
        rides_table = Ride._meta.db_table
        insert_select(
            Rating,
            0,
            {
                "resident_id": "r.resident_id",
                "subject": "'ride:' || r.id",
                "level": level,
                "comment": comment.format(level=level),
                "channel": rating_channel,
                "created_at": "LEAST(now(), r.created_at + interval '2 hours')",
                "reasons": "'[]'::jsonb",
            },
            [ride_ratings],
            # Rides from all over the year (md5 shuffles them), oldest rated first.
            source=f"(SELECT row_number() OVER (ORDER BY id) AS g, * FROM (SELECT id, "  # noqa: S608
            f"resident_id, created_at FROM {rides_table} WHERE id % 10 = 3 AND status IN "
            "('done', 'no_car', 'driver_no_show', 'cancelled') ORDER BY md5(id::text) "
            "LIMIT %s) AS picked) AS r",
        )
        requests_table = HelpRequest._meta.db_table
        insert_select(
            Rating,
            0,
            {
                "resident_id": "h.resident_id",
                "subject": "'request:' || h.id",
                "level": level,
                "comment": comment.format(level=level),
                "channel": rating_channel,
                "created_at": "LEAST(now(), h.closed_at + interval '1 hour')",
                "reasons": "'[]'::jsonb",
            },
            [request_ratings],
            source=f"(SELECT row_number() OVER (ORDER BY id) AS g, * FROM (SELECT id, "  # noqa: S608
            f"resident_id, closed_at FROM {requests_table} WHERE state = 'closed' "
            "AND outcome = 'done' ORDER BY md5(id::text) LIMIT %s) AS picked) AS h",
        )
        insert_select(
            Rating,
            appointment_ratings,
            {
                "resident_id": resident_id,
                "subject": "'appointment:' || g",
                "level": level,
                "comment": comment.format(level=level),
                "channel": rating_channel,
                "created_at": spread("g", appointment_ratings),
                "reasons": "'[]'::jsonb",
            },
            [resident_ids],
        )

        step("a follow-up for every poor rating ...")
        ratings_table = Rating._meta.db_table
        users_table = User._meta.db_table
        recent = "x.created_at > now() - interval '2 days'"
        insert_select(
            HelpRequest,
            0,
            {
                "resident_id": "x.resident_id",
                "kind": f"'{Kind.FOLLOW_UP}'",
                "topic": "(CASE WHEN x.subject LIKE 'ride:%' THEN 'taxi' "
                "WHEN x.subject LIKE 'appointment:%' THEN 'hospital' ELSE 'other' END)",
                "channel": "'system'",
                "note": "'评价：' || x.subject || '，' || x.level || ' 分'",
                "about": "'rating:' || x.subject",
                "street_id": "x.street_id",
                "state": f"(CASE WHEN {recent} THEN 'waiting' ELSE 'closed' END)",
                "opened_at": "x.created_at",
                "contact_due": "x.created_at + interval '1 day'",
                "offered_round": "3",
                "closed_at": f"(CASE WHEN {recent} THEN NULL "
                "ELSE x.created_at + (2 + x.id % 40) * interval '1 hour' END)",
                "outcome": f"(CASE WHEN {recent} THEN '' "
                "ELSE (ARRAY['done','done','done','unreachable'])[1 + x.id % 4] END)",
            },
            source=f"(SELECT t.*, u.street_id FROM {ratings_table} t "  # noqa: S608
            f"JOIN {users_table} u ON u.id = t.resident_id WHERE t.level <= 2 "
            "ORDER BY t.created_at) AS x",
        )
        rating_columns = table_columns(Rating)
        if {"follow_up_due", "followed_up_at"} <= rating_columns:
            step("the poor ratings' follow-up times ...")
            with connection.cursor() as cursor:
                cursor.execute(  # table names from the models
                    f"UPDATE {ratings_table} t SET follow_up_due = h.contact_due, "  # noqa: S608
                    "followed_up_at = CASE WHEN h.state = 'closed' "
                    "THEN h.opened_at + (1 + h.id % 30) * interval '1 hour' END "
                    f"FROM {requests_table} h WHERE h.kind = 'follow_up' "
                    "AND h.about = 'rating:' || t.subject AND h.resident_id = t.resident_id"
                )

        step("the requests' timelines ...")
        events = RequestEvent._meta.db_table
        staff_array = "%s::bigint[]"
        actor = f"({staff_array})[1 + h.id %% {len(staff)}]"
        with connection.cursor() as cursor:
            cursor.execute(  # table names from the models
                f'INSERT INTO {events} (request_id, "at", actor_id, what, note) '  # noqa: S608
                "SELECT id, opened_at, NULL, 'opened', '' "
                f"FROM {requests_table}"
            )
            # First contact: most within the target (30 minutes, a day for follow-ups), some
            # late; nobody took one in twenty-five closed requests (unreachable ones).
            cursor.execute(
                f'INSERT INTO {events} (request_id, "at", actor_id, what, note) '  # noqa: S608
                "SELECT h.id, CASE WHEN h.kind = 'follow_up' "
                "THEN h.opened_at + (1 + h.id %% 30) * interval '1 hour' "
                "ELSE h.opened_at + (1 + (h.id * 7) %% 40) * interval '1 minute' END, "
                f"{actor}, 'taken', '' FROM {requests_table} h "
                "WHERE h.state <> 'waiting' AND h.id %% 25 <> 0",
                [staff],
            )
            cursor.execute(
                f'INSERT INTO {events} (request_id, "at", actor_id, what, note) '  # noqa: S608
                "SELECT h.id, h.contact_due, NULL, 'escalated', '' "
                f"FROM {requests_table} h WHERE h.id % 33 = 0 AND h.contact_due < now()"
            )
            cursor.execute(
                f'INSERT INTO {events} (request_id, "at", actor_id, what, note) '  # noqa: S608
                f"SELECT h.id, h.closed_at, {actor}, 'closed', '已联系' "
                f"FROM {requests_table} h WHERE h.state = 'closed'",
                [staff],
            )
            cursor.execute(  # as taking a request does
                f"UPDATE {requests_table} h SET first_contact_at = t.first "  # noqa: S608
                f'FROM (SELECT request_id, min("at") AS first FROM {events} '
                "WHERE what = 'taken' GROUP BY request_id) t WHERE t.request_id = h.id"
            )
    fill_steps(args)
    step("VACUUM ANALYZE ...")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("filled")


def fill_steps(args):
    """Where residents started on the web or were refused (the "left behind" figure): one
    step for every fifth ride, a fifth of them refusals."""
    from portal.journeys.models import Step

    count = args.rides // 5
    log(f"  {count} journey steps ...")
    from django.contrib.auth import get_user_model
    from django.db import connection

    users = get_user_model()._meta.db_table
    residents = (
        f"(SELECT array_agg(id ORDER BY id) FROM {users} WHERE phone LIKE '{FIRST_PHONE}%%')"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(  # table names from the models
            f"INSERT INTO {Step._meta.db_table} "  # noqa: S608
            '(resident_id, service, what, reason, channel, "at") '
            f"SELECT r.ids[1 + (g * 7919) %% array_length(r.ids, 1)], "
            "(ARRAY['taxi','hospital','assist'])[1 + g %% 3], "
            "CASE WHEN g %% 5 = 0 THEN 'refused' ELSE 'started' END, "
            "CASE WHEN g %% 5 = 0 THEN 'session_full' ELSE '' END, 'web', "
            f"{spread('g', count)} FROM generate_series(1, %s) g, {residents} r(ids)",
            [count],
        )
        cursor.execute(f"ANALYZE {Step._meta.db_table}")


def publish_last_month():
    """Last month's ratings on the service pages, as the monthly task publishes them."""
    from django.conf import settings
    from django.utils import timezone

    from portal.ratings import results

    now = timezone.localtime()
    if now.day < settings.RATINGS_PUBLISH_DAY:
        now = now.replace(day=settings.RATINGS_PUBLISH_DAY)
    published = results.publish_due(now)
    if published:
        log(f"  last month's ratings published for {', '.join(published)}")


def top_up(args):
    """On a kept database: what a migration since the fill left empty, filled now."""
    from django.db import connection

    from assist.models import HelpRequest
    from portal.journeys.models import Step
    from portal.ratings.models import Rating

    if not Step.objects.exists():
        fill_steps(args)

    if {"follow_up_due", "followed_up_at"} <= table_columns(Rating):
        ratings, requests = Rating._meta.db_table, HelpRequest._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(  # table names from the models
                f"UPDATE {ratings} t SET follow_up_due = h.contact_due, "  # noqa: S608
                "followed_up_at = CASE WHEN h.state = 'closed' "
                "THEN h.opened_at + (1 + h.id % 30) * interval '1 hour' END "
                f"FROM {requests} h WHERE t.follow_up_due IS NULL AND t.level <= 2 "
                "AND h.kind = 'follow_up' AND h.about = 'rating:' || t.subject "
                "AND h.resident_id = t.resident_id"
            )
            if cursor.rowcount:
                log(f"  the follow-up times of {cursor.rowcount} poor ratings filled in")
                cursor.execute(f"ANALYZE {ratings}")


def row_counts():
    from assist.models import HelpRequest
    from portal.notifications.models import Message
    from portal.ratings.models import Rating
    from services.taxi.models import Ride

    return {
        "rides": Ride.objects.count(),
        "messages": Message.objects.count(),
        "cases": HelpRequest.objects.count(),
        "ratings": Rating.objects.count(),
    }


# ---------------------------------------------------------------------------------------------
# Who asks: the supervisor, signed in with password and authenticator


def supervisor_session():
    """(cookie name, session key) of the demo supervisor, signed in as after the real steps."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.staff_security import STARTED_KEY

    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None:  # a database filled before the demo had one
        from content.demo import build_demo

        build_demo()
        supervisor = get_user_model().objects.get(username="supervisor")
    client = Client()
    client.force_login(supervisor)
    session = client.session
    device = TOTPDevice.objects.filter(user=supervisor, confirmed=True).first()
    if device is None:
        raise RuntimeError("the demo supervisor has no confirmed authenticator")
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[STARTED_KEY] = time.time()
    session.save()
    return settings.SESSION_COOKIE_NAME, session.session_key


def taxi_page_path():
    """The path of the demo's taxi service page (its Chinese original)."""
    from content.models import ServicePage

    page = ServicePage.objects.live().filter(slug="taxi").order_by("pk").first()
    if page is None:
        raise RuntimeError("no taxi service page: the demo content is missing")
    return page.get_url()


# ---------------------------------------------------------------------------------------------
# The timed part: gunicorn, cold and warm


def port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def static_probe_path():
    """A static file WhiteNoise serves: answering it shows the worker has loaded the portal,
    without touching the database, a template or a cache."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    for finder in finders.get_finders():
        for path, _storage in finder.list([]):
            if path.endswith(".css"):
                return settings.STATIC_URL + path
    return settings.STATIC_URL + "missing.css"


def timed_get(session, url, **kwargs):
    began = time.perf_counter()
    answer = session.get(url, timeout=HTTP_TIMEOUT, allow_redirects=False, **kwargs)
    return (time.perf_counter() - began) * 1000, answer


def check_dashboard(answer, what, problems, expected):
    body = answer.text if answer.status_code == 200 else ""
    shown = body.count("data-figure=")
    if answer.status_code != 200 or "data-supervision" not in body or shown != expected:
        where = answer.headers.get("Location", "")
        problems.append(
            f"{what}: {answer.status_code} {where} with {shown} of {expected} figures"
            + (f": {answer.text[:300]!r}" if answer.status_code >= 500 else "")
        )
        return False
    return True


def measure(args, env, redis_url, cookie_name, cookie, public_path, problems):

    from assist.supervision.figures import FIGURES

    base = f"http://127.0.0.1:{args.port}"
    probe = static_probe_path()
    log_path = LOG_DIR / "dashboard-gunicorn.log"
    expected = len(FIGURES)
    periods = dict(bench_periods())

    def start():
        process = start_gunicorn(
            env, args.port, log_path, workers=1, timeout=HTTP_TIMEOUT, extra_args=["-k", "sync"]
        )
        wait_until(lambda: port_open(args.port), "gunicorn", process, log_path)

        def answers():
            try:
                with new_session() as session:
                    return session.get(base + probe, timeout=5).status_code in (200, 304, 404)
            except OSError:
                return False

        wait_until(answers, "gunicorn", process, log_path)
        return process

    gunicorn = None
    figures = {}
    try:
        log("starting gunicorn once (the first start compiles and caches what it may) ...")
        gunicorn = start()
        stop_group(gunicorn)
        log("cold: gunicorn stopped, Redis flushed, gunicorn started ...")
        try:
            redis.Redis.from_url(redis_url).flushdb()
        except redis.RedisError as error:
            problems.append(f"could not flush {redis_url}: {error}")
        gunicorn = start()
        with new_session() as session:
            session.cookies.set(cookie_name, cookie)
            cold_ms, answer = timed_get(session, base + "/admin/")
            check_dashboard(answer, "cold dashboard", problems, expected)
            log(f"  cold /admin/: {cold_ms:.0f} ms ({len(answer.content)} bytes)")
            by_period = {}
            for name, code in periods.items():
                params = {"period": code} if code else {}
                if name != "today":  # the cold request above was today's first
                    timed_get(session, base + "/admin/", params=params)
                times = []
                for _ in range(args.warm):
                    ms, answer = timed_get(session, base + "/admin/", params=params)
                    if not check_dashboard(answer, f"dashboard {name}", problems, expected):
                        break
                    times.append(ms)
                by_period[name] = rounded(statistics.median(times)) if times else None
                log(
                    f"  warm /admin/ {name} ({code or 'default'}): median "
                    f"{by_period[name]} ms, min {rounded(min(times, default=None))}, "
                    f"max {rounded(max(times, default=None))}"
                )
        with new_session() as public:
            timed_get(public, base + public_path)
            times = []
            for _ in range(args.warm):
                ms, answer = timed_get(public, base + public_path)
                if answer.status_code != 200:
                    problems.append(f"public page {public_path}: {answer.status_code}")
                    break
                times.append(ms)
            public_ms = rounded(statistics.median(times)) if times else None
            log(f"  public page {public_path}: median {public_ms} ms")
        figures = {
            "dashboard_cold_ms": rounded(cold_ms),
            "dashboard_warm_ms": by_period["today"],
            "public_page_ms": public_ms,
            "periods": by_period,
        }
    except Exception:
        log(log_tail(log_path))
        raise
    finally:
        stop_group(gunicorn)
    errors = log_tail(log_path, 20000)
    if "Traceback" in errors:
        log(f"gunicorn's log has errors:\n{errors[-3000:]}")
    return figures


# ---------------------------------------------------------------------------------------------
# In this process: the queries one render makes, the slowest, each figure on its own


def bench_periods(now=None):
    """(name, period code) of the periods timed: today (the default), this month, last
    month (a whole month, early in a month the heaviest), the last 30 days."""
    from django.utils import timezone

    from assist.supervision.scope import period_choices

    months = [code for code, _label in period_choices(now or timezone.now())[3:5]]
    return [("today", None), ("this-month", months[0]), ("last-month", months[1]), ("30d", "30d")]


def count_queries(problems):
    """The queries one warm render of the default dashboard makes; then, for each period,
    the database's share of a render and its five slowest queries with their plans."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.staff_security import STARTED_KEY

    supervisor = get_user_model().objects.get(username="supervisor")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = (
        TOTPDevice.objects.filter(user=supervisor, confirmed=True).first().persistent_id
    )
    session[STARTED_KEY] = time.time()
    session.save()
    client.get("/admin/")  # caches (the menu, the site) as a warm request finds them

    count = None
    slow_periods = os.environ.get("BENCH_SLOW_PERIODS", "today,last-month").split(",")
    for name, code in bench_periods():
        timings = []

        def timed(execute, sql, params, many, context, timings=timings):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(((time.perf_counter() - began) * 1000, sql, params))

        data = {"period": code} if code else {}
        client.get("/admin/", data)
        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
            answer = client.get("/admin/", data)
        if answer.status_code != 200:
            problems.append(f"in-process dashboard {name}: {answer.status_code}")
        if count is None:
            count = len(queries)
        total = sum(ms for ms, _sql, _params in timings)
        log(
            f"one warm render, {name} (in process): {len(queries)} queries, "
            f"{total:.0f} ms in the database"
        )
        if name not in slow_periods:
            continue
        log(f"  the five slowest of {name}, with their plans (EXPLAIN ANALYZE):")
        for ms, sql, params in sorted(timings, key=lambda item: item[0], reverse=True)[:5]:
            log(f"  {ms:8.1f} ms  {' '.join(sql.split())[:EXPLAIN_CHARS]}")
            if sql.lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    plan = [line for (line,) in cursor.fetchall()]
                for line in plan[:EXPLAIN_LINES]:
                    log(f"      {line}")
    return count


def time_figures():
    """Each figure function on its own, warm (run twice, the second timed), per period."""
    from django.utils import timezone

    from assist.supervision.figures import FIGURES
    from assist.supervision.scope import area_from, period_from

    now = timezone.now()
    area = area_from("city")
    periods = bench_periods(now)
    log("each figure, warm (ms): " + " / ".join(name for name, _code in periods))
    for name, make in FIGURES.items():
        shown = []
        for _name, code in periods:
            period = period_from(code, now)
            make(period, area, now)
            began = time.perf_counter()
            make(period, area, now)
            shown.append(f"{(time.perf_counter() - began) * 1000:8.1f}")
        log(f"  {name:18} {' '.join(shown)}")


if __name__ == "__main__":
    main()
