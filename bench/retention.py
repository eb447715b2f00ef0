"""The nightly retention task on a big backlog: how fast it forgets, and how long it locks.

    .venv/bin/python bench/retention.py [--messages 1000000] [--rides 1000000]
        [--events-per-ride 1] [--requests 20000] [--keep 20000] [--batch 5000]

PostgreSQL only. The database is a scratch one, ``bench_retention``, on the server of
``DATABASE_URL`` when that is a PostgreSQL URL (else on 127.0.0.1:5432): created, migrated and
dropped, so the task never meets anybody's real records. With ``DATABASE_URL`` on SQLite the
bench refuses (exit status 2): a million-row backlog and its locks are a PostgreSQL question.

Set-up (not timed), with ``INSERT ... SELECT FROM generate_series`` (the columns a row needs
come from the models, so fields added later get their defaults):

- ``--rides`` finished rides (all the final statuses in turn) asked for well before
  ``KEEP_RIDES_DAYS``, each with ``--events-per-ride`` provider events;
- ``--messages`` texts and calls (sent, delivered, failed ...) made before
  ``KEEP_MESSAGES_DAYS``;
- ``--requests`` requests for help closed before ``ASSIST_KEEP_DAYS``, each with a note and a
  timeline of two notes (what gets anonymised);
- what must survive: ``--keep`` finished rides and ``--keep`` sent messages inside their
  period, and ``--keep`` // 10 live rides and queued or sending messages past it.

Then ``ANALYZE``, and the run (timed): ``portal.retention.forget_old_records()`` as the beat
task calls it, batches of ``--batch`` rows (``RETENTION_BATCH``). Each DELETE and UPDATE
statement is timed as the database runs it (``connection.execute_wrapper``); each batch's
transaction is timed by the task itself (``RetentionRun.counts``), and a batch's row locks last
exactly that long.

Figures (last line, JSON): ``rows_deleted`` (rides, their events and messages; rows cascaded
count), ``rows_anonymised`` (requests for help), ``seconds`` (the whole task), ``rows_per_s``
(both together per second), ``longest_lock_ms`` (the longest batch transaction: the longest a
row lock was held). Before it, on stderr: each kind's rows, batches and longest batch, and the
longest single statement. Exit status 1 when anything that should have survived is gone, or
anything due is left.
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.benchkit import (  # noqa: E402
    log,
    migrate,
    portal_env,
    raise_on_sigterm,
    rounded,
)

BENCH_DATABASE = "bench_retention"
PAST = 30  # days past the keep time the backlog is, at least


def database_url():
    """The scratch database's URL on ``DATABASE_URL``'s server; None when that is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return None
    return parts._replace(path=f"/{BENCH_DATABASE}").geturl()


def admin_url(url):
    return urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()


def recreate(url, *, drop_only=False):
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        if not drop_only:
            admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rides", type=int, default=1_000_000)
    parser.add_argument("--events-per-ride", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--keep", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)

    url = database_url()
    if url is None:
        log(
            "bench/retention.py needs PostgreSQL: DATABASE_URL is not a postgres:// URL. "
            "Unset it (a scratch database on 127.0.0.1:5432 is used) or point it at a server."
        )
        sys.exit(2)
    env = portal_env(dict(os.environ), DATABASE_URL=url, RETENTION_BATCH=str(args.batch))
    env.pop("CELERY_BROKER_URL", None)  # the task runs in this process, as beat would run it
    figures, problems = None, []
    try:
        log(f"creating database {BENCH_DATABASE}")
        recreate(url)
        log("migrating ...")
        migrate(env)
        os.environ.update(env)
        import django

        django.setup()
        fill(args)
        figures, problems = run(args)
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        try:
            recreate(url, drop_only=True)
        except Exception as error:  # the run's own outcome matters more
            log(f"could not drop {BENCH_DATABASE}: {error}")
    for problem in problems:
        log(f"PROBLEM: {problem}")
    print(json.dumps(figures))
    sys.exit(1 if problems else 0)


def insert_select(model, count, columns, params=()):
    """``INSERT INTO model SELECT ... FROM generate_series(1, count) AS g``; return rows.

    ``columns`` maps a column to an SQL expression (``g`` is the row number); every other
    column gets NULL when it may, else the field's default.
    """
    from django.db import connection

    names, values, defaults = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.column in columns:
            values.append(columns[field.column])
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
        f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS g"
    )
    # Expression parameters come before the defaults in the column order: keep them apart.
    ordered, expr_params = [], list(params)
    for value in values:
        if value == "%s":
            ordered.append(defaults.pop(0))
        else:
            for _ in range(value.count("%s")):
                ordered.append(expr_params.pop(0))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ordered, count])
        return cursor.rowcount


def fill(args):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from assist.models import HelpRequest, RequestEvent, State
    from portal.notifications.models import Message
    from portal.notifications.models import Status as MessageStatus
    from services.taxi.models import FINAL_STATUSES, Ride, RideEvent

    users = get_user_model().objects
    resident = users.create_user("bench-resident", phone="+8613800009999")
    helper = users.create_user("bench-volunteer", is_staff=True)
    final = sorted(FINAL_STATUSES)
    sent = [MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.UNDELIVERED]
    sent += [MessageStatus.FAILED, MessageStatus.CANCELLED]
    status_of = "(%s::text[])[1 + g %% %s]"

    def rides(count, age_days, statuses, prefix):
        # Spread over a day, one row a second at most, ``age_days`` and more ago.
        when = f"now() - interval '{age_days} days' - (g %% 86400) * interval '1 second'"
        return insert_select(
            Ride,
            count,
            {
                "resident_id": str(resident.pk),
                "requested_by_id": str(resident.pk),
                "channel": "'web'",
                "acting_role": "'resident'",
                "pickup_address": "'幸福路' || g || '号'",
                "destination": "'瑞金医院'",
                "status": status_of,
                "car_plate": "'沪A' || (10000 + g %% 90000)",
                "driver_phone": "'+86139' || lpad((g %% 100000000)::text, 8, '0')",
                "provider": "'bench'",
                "provider_order_id": "'order-' || g",
                "idempotency_key": f"'{prefix}-' || g",
                "created_at": when,
                "updated_at": when,
            },
            [[str(status) for status in statuses], len(statuses)],
        )

    def messages(count, age_days, statuses):
        when = f"now() - interval '{age_days} days' - (g %% 86400) * interval '1 second'"
        return insert_select(
            Message,
            count,
            {
                "medium": "'sms'",
                "recipient": "'+86138' || lpad((g %% 100000000)::text, 8, '0')",
                "purpose": "'taxi'",
                "template": "'taxi.arrived'",
                "language": "'zh-hans'",
                "body": "'您叫的车到了：沪A12345，白色。'",
                "status": status_of,
                "created_at": when,
                "not_before": when,
                "sent_at": when,
                "updated_at": when,
            },
            [[str(status) for status in statuses], len(statuses)],
        )

    past_rides = settings.KEEP_RIDES_DAYS + PAST
    past_messages = settings.KEEP_MESSAGES_DAYS + PAST
    live = max(1, args.keep // 10)
    began = time.monotonic()
    with transaction.atomic():
        log(f"{args.rides} finished rides {past_rides}+ days old ...")
        rides(args.rides, past_rides, final, "old")
        log(f"{args.keep} finished rides inside the year, {live} live rides past it ...")
        rides(args.keep, 10, final, "young")
        rides(live, past_rides, ["looking", "car_found", "on_trip"], "live")
        log(f"{args.events_per_ride} event(s) per ride ...")
        with connection.cursor() as cursor:
            cursor.execute(  # table names from the models
                f"INSERT INTO {RideEvent._meta.db_table} "  # noqa: S608
                "(ride_id, provider, event_id, kind, data, applied, received_at) "
                "SELECT r.id, 'bench', r.id || '-' || k, r.status, '{}'::jsonb, true, r.created_at "
                f"FROM {Ride._meta.db_table} r, generate_series(1, %s) AS k",
                [args.events_per_ride],
            )
        log(f"{args.messages} messages {past_messages}+ days old ...")
        messages(args.messages, past_messages, sent)
        log(f"{args.keep} messages inside the period, {live} queued or sending past it ...")
        messages(args.keep, 10, sent)
        messages(live, past_messages, [MessageStatus.QUEUED, MessageStatus.SENDING])

        log(f"{args.requests} requests for help closed long ago ...")
        closed = f"now() - interval '{settings.ASSIST_KEEP_DAYS + PAST} days'"
        insert_select(
            HelpRequest,
            args.requests,
            {
                "resident_id": str(resident.pk),
                "kind": "'call_back'",
                "topic": "'taxi'",
                "channel": "'web'",
                "note": "'腿脚不便，女儿的电话 139…'",
                "state": f"'{State.CLOSED}'",
                "opened_at": closed,
                "contact_due": closed,
                "closed_at": closed,
                "outcome": "'done'",
            },
        )
        with connection.cursor() as cursor:
            for what in ("opened", "closed"):
                cursor.execute(  # table names from the models
                    f'INSERT INTO {RequestEvent._meta.db_table} (request_id, "at", actor_id, '  # noqa: S608
                    "what, note) SELECT id, closed_at, %s, %s, '她说腿疼' "
                    f"FROM {HelpRequest._meta.db_table}",
                    [helper.pk, what],
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"set-up took {time.monotonic() - began:.0f} s")


def run(args):
    from django.db import connection

    from assist.models import HelpRequest
    from portal.audit.models import RetentionRun
    from portal.notifications.models import Message
    from portal.retention import DELETED, forget_old_records
    from services.taxi.models import FINAL_STATUSES, Ride, RideEvent

    statements = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if sql.startswith(("DELETE", "UPDATE")):
                statements.append(((time.perf_counter() - began) * 1000, sql[:60]))

    log(f"running the retention task, batches of {args.batch} ...")
    with connection.execute_wrapper(timed):
        began = time.perf_counter()
        counts = forget_old_records()
        seconds = time.perf_counter() - began
    retention_run = RetentionRun.objects.order_by("-pk").first()
    deleted = anonymised = 0
    longest_lock = 0.0
    for name, kind in retention_run.counts.items():
        if kind["action"] == DELETED:
            deleted += kind["rows"]
        else:
            anonymised += kind["rows"]
        longest_lock = max(longest_lock, kind["longest_batch_ms"])
        log(
            f"  {name}: {kind['rows']} rows {kind['action']} in {kind['batches']} batches, "
            f"longest {kind['longest_batch_ms']} ms; {kind['by_model']}"
        )
    longest_statement, which = max(statements, default=(0.0, ""))
    log(f"  {len(statements)} statements; longest {longest_statement:.1f} ms: {which} ...")
    if os.environ.get("BENCH_STATEMENTS"):
        for ms, sql in statements:
            log(f"    {ms:8.1f} ms {sql}")
    log(f"  counts: {counts}; failed: {retention_run.failed}")

    problems = list(retention_run.failed)
    live = max(1, args.keep // 10)
    survivors = {
        "finished rides inside the period": (
            Ride.objects.filter(idempotency_key__startswith="young-").count(),
            args.keep,
        ),
        "live rides past the period": (
            Ride.objects.filter(idempotency_key__startswith="live-").count(),
            live,
        ),
        "events of the surviving rides": (
            RideEvent.objects.count(),
            (args.keep + live) * args.events_per_ride,
        ),
        "messages inside the period or still going": (Message.objects.count(), args.keep + live),
        "finished rides past the period": (
            Ride.objects.filter(
                status__in=FINAL_STATUSES, idempotency_key__startswith="old-"
            ).count(),
            0,
        ),
        "requests still with notes": (HelpRequest.objects.exclude(note="").count(), 0),
    }
    for what, (found, expected) in survivors.items():
        log(f"  {what}: {found} (expected {expected})")
        if found != expected:
            problems.append(f"{what}: {found}, expected {expected}")
    figures = {
        "rows_deleted": deleted,
        "rows_anonymised": anonymised,
        "seconds": rounded(seconds, 2),
        "rows_per_s": round((deleted + anonymised) / seconds) if seconds else None,
        "longest_lock_ms": rounded(longest_lock, 1),
    }
    return figures, problems


if __name__ == "__main__":
    main()
