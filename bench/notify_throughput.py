"""SMS outbox throughput through a real Celery worker, and the status-callback handler's latency.

    .venv/bin/python bench/notify_throughput.py [--messages 2000] [--callbacks 1000]

Uses DATABASE_URL when set, else creates (and afterwards drops) the PostgreSQL database
``bench_notify`` on 127.0.0.1:5432. The broker is REDIS_URL or redis://127.0.0.1:6379/5; its
database is flushed first. Starts, all on 127.0.0.1: the fake Twilio server in a process of its
own (the real one is on another machine), a real Celery worker (``-c 2 --pool prefork``),
gunicorn, and four producer processes that send as the portal's web processes would. Stops
them on the way out, even after an error.

Two rounds of ``--messages`` sign-in codes (urgent queue, distinct recipients): one with no
provider failures, one where 20 % of Twilio creates answer 503 (retried with exponential
backoff). Then ``--callbacks`` signed "delivered" callbacks are POSTed to the portal. Prints a
table, then one JSON line. Targets are reported, not asserted; the exit status is 1 only when
a message was lost or sent twice, or a callback was not applied.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.managers import BaseManager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402

from bench.benchkit import (  # noqa: E402
    START_TIMEOUT,
    cpu_seconds,
    create_database,
    drop_scratch_database,
    log,
    log_tail,
    migrate,
    new_session,
    percentile,
    pids_in_group,
    pids_named,
    portal_env,
    raise_on_sigterm,
    rounded,
    start_celery_worker,
    start_gunicorn,
    stop_group,
    wait_until,
)
from tests.support.fake_twilio import FakeTwilio  # noqa: E402
from tests.support.live_portal import answers_http, free_port  # noqa: E402

BENCH_DATABASE = "bench_notify"
BENCH_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/5"
FROM_NUMBER = "+15005550006"
STATUS_PATH = "/phone/status/sms/"
TARGET_SENT_PER_S = 200
TARGET_CALLBACK_P99_MS = 20
WARMUP_MESSAGES = 8
PRODUCERS = 4  # processes sending, as the portal's web processes would
CHUNK = 25  # messages a producer sends per turn, so the four share the work evenly
WARMUP_CALLBACKS = 10


# -- the fake Twilio, in a process of its own ------------------------------------------------------


class TwilioSide:
    """What the benchmark asks of the fake Twilio, as methods a manager's proxy can call.

    Lives in the manager's process, so serving the SDK's requests does not share an
    interpreter lock with the producers, as the real Twilio shares nothing with the portal.
    """

    def __init__(self):
        self.fake = FakeTwilio()
        self.fake.start()

    def credentials(self):
        return self.fake.base_url, self.fake.account_sid, self.fake.auth_token

    def failure_rate(self, rate, status=503, seed=None):
        self.fake.failure_rate(rate, status=status, seed=seed)

    def requests_so_far(self):
        return len(self.fake.request_log)

    def answers_since(self, start):
        return [status for _, _, status in self.fake.request_log[start:]]

    def accepted(self):
        return [(record.sid, record.to) for record in self.fake.messages]

    def send_status(self, sid, status, url):
        return self.fake.send_status(sid, status, url=url)

    def status_callback(self, sid, status, url):
        return self.fake.status_callback(sid, status, url=url)

    def errors(self):
        return [repr(error) for error in self.fake.errors]

    def pid(self):
        return os.getpid()

    def stop(self):
        self.fake.stop()


class TwilioProcess(BaseManager):
    pass


TwilioProcess.register("TwilioSide", TwilioSide)


# -- producers: processes that call api.send, as web processes would -------------------------------


def start_producer(env, ready):
    """In each producer process: Django with the portal's environment, then say so."""
    os.environ.update(env)
    import django

    django.setup()
    ready.put(os.getpid())


def send_chunk(job):
    from django.utils import timezone

    from portal.notifications import api
    from portal.notifications.models import SECRET_MASK, Purpose

    numbered, code_base = job
    until = timezone.now() + datetime.timedelta(minutes=10)
    # As the sign-in sends them: the code apart from the text, which shows the mask.
    return [
        api.send(
            recipient,
            "sign_in_code",
            {"code": SECRET_MASK},
            purpose=Purpose.SIGN_IN_CODE,
            secret=f"{(code_base + index) % 1_000_000:06d}",
            secret_until=until,
        ).pk
        for index, recipient in numbered
    ]


def start_producers(env):
    """``PRODUCERS`` spawned processes, each with Django set up, ready to send: the pool and
    their process ids."""
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    pool = context.Pool(PRODUCERS, initializer=start_producer, initargs=(env, ready))
    return pool, [ready.get(timeout=START_TIMEOUT) for _ in range(PRODUCERS)]


# -- where the CPU goes ----------------------------------------------------------------------------


def cpu_parts(worker, producer_pids, twilio_pid):
    """The processes of each part of the pipeline, by name."""
    in_worker = pids_in_group(worker.pid)
    return {
        "producers": producer_pids,
        "worker_parent": [worker.pid],
        "worker_children": [pid for pid in in_worker if pid != worker.pid],
        "fake_twilio": [twilio_pid],
        "postgres": pids_named("postgres"),
        "redis": pids_named("redis-server"),
        "benchmark": [os.getpid()],
    }


def cpu_snapshot(parts):
    return {name: {pid: cpu_seconds([pid]) for pid in pids} for name, pids in parts.items()}


def cpu_ms_per_message(before, after, count):
    """CPU milliseconds each part spent per message between two snapshots (a process that
    started in between counts from zero)."""
    spent = {
        name: sum(seconds - before.get(name, {}).get(pid, 0.0) for pid, seconds in now.items())
        for name, now in after.items()
    }
    spent["total"] = sum(spent.values())
    return {name: rounded(seconds * 1000 / count, 2) for name, seconds in spent.items()}


# -- the benchmark proper (Django is set up by then) -----------------------------------------------


def wait_for_worker(app, worker, log_path):
    """Until the worker answers a control ping and one of its children has run a task."""
    from portal import queues

    wait_until(lambda: bool(app.control.ping(timeout=1.0)), "celery worker", worker, log_path)
    app.send_task("portal.ping", queue=queues.DEFAULT).get(timeout=START_TIMEOUT)


def enqueue(producers, recipients, code_base, chunk=CHUNK):
    """Send from the producer processes at once; return the outbox ids."""
    numbered = list(enumerate(recipients))
    starts = range(0, len(numbered), chunk)
    jobs = [(numbered[start : start + chunk], code_base) for start in starts]
    return [pk for ids in producers.imap(send_chunk, jobs) for pk in ids]


def wait_settled(ids, deadline_s):
    """Poll until no row is queued or sending; return how long that took (or the deadline)."""
    from portal.notifications.models import Message, Status

    started = time.monotonic()
    # The round's rows are the only ones written since it began: a range is cheaper to ask
    # about than thousands of ids, and this process shares the CPU with what it measures.
    mine = Message.objects.filter(pk__range=(min(ids), max(ids)))
    while True:
        pending = mine.filter(status__in=[Status.QUEUED, Status.SENDING]).count()
        elapsed = time.monotonic() - started
        if not pending or elapsed > deadline_s:
            return elapsed, pending
        time.sleep(0.2)


def run_round(fake, producers, parts, name, count, first_number, failure_rate, seed, deadline_s):
    """One round; ``parts()`` names the processes whose CPU time is counted."""
    from django.utils import timezone

    from portal.notifications.models import Message, Status

    fake.failure_rate(failure_rate, status=503, seed=seed)
    requests_before = fake.requests_so_far()
    recipients = [f"+86138{number:08d}" for number in range(first_number, first_number + count)]
    log(f"round {name}: enqueueing {count} messages ({failure_rate:.0%} provider failures)")
    cpu_before = cpu_snapshot(parts())
    started_at = timezone.now()
    started = time.monotonic()
    ids = enqueue(producers, recipients, random.randrange(1_000_000))
    enqueue_s = time.monotonic() - started
    enqueued_at = timezone.now()
    log(f"round {name}: enqueued in {enqueue_s:.1f} s, waiting for the worker")
    _, pending = wait_settled(ids, deadline_s)
    cpu = cpu_ms_per_message(cpu_before, cpu_snapshot(parts()), count)
    fake.failure_rate(0)

    rows = list(
        Message.objects.filter(pk__in=ids).values(
            "recipient", "status", "attempts", "provider_id", "created_at", "sent_at", "updated_at"
        )
    )
    sent = [row for row in rows if row["status"] == Status.SENT]
    statuses = Counter(row["status"] for row in rows)
    latencies_ms = [(row["sent_at"] - row["created_at"]).total_seconds() * 1000 for row in sent]
    finished_at = max((row["sent_at"] or row["updated_at"] for row in rows), default=timezone.now())
    wall_s = (finished_at - started_at).total_seconds()
    if pending:
        wall_s = time.monotonic() - started  # never settled: the whole wait counts
    # The worker's own pace once the producer has stopped (the backlog it still had to send).
    drained = sum(1 for row in sent if row["sent_at"] > enqueued_at)
    drain_s = (finished_at - enqueued_at).total_seconds()

    wanted = set(recipients)
    accepted = [(sid, to) for sid, to in fake.accepted() if to in wanted]
    by_sid = dict(accepted)
    duplicates = len(accepted) - len({to for _, to in accepted})
    mismatched = sum(1 for row in sent if by_sid.get(row["provider_id"]) != row["recipient"])
    answered = Counter(fake.answers_since(requests_before))
    return ids, {
        "messages": count,
        "failure_rate": failure_rate,
        "sent": len(sent),
        "sent_per_s": rounded(len(sent) / wall_s if wall_s > 0 else None),
        "wall_s": rounded(wall_s, 2),
        "enqueue_s": rounded(enqueue_s, 2),
        "enqueue_per_s": rounded(count / enqueue_s if enqueue_s > 0 else None),
        "sent_after_enqueue": drained,
        "drain_per_s": rounded(drained / drain_s if drained and drain_s > 0 else None),
        "p50_ms": rounded(percentile(latencies_ms, 50)),
        "p99_ms": rounded(percentile(latencies_ms, 99)),
        "max_ms": rounded(max(latencies_ms, default=None)),
        "provider_requests": sum(answered.values()),
        "provider_503": answered.get(503, 0),
        "retries": sum(row["attempts"] for row in rows) - len(rows),
        "max_attempts": max((row["attempts"] for row in rows), default=0),
        "duplicates": duplicates,
        "lost": count - len(sent),
        "sid_mismatches": mismatched,
        "statuses": dict(statuses),
        "cpu_ms_per_message": cpu,
    }


def warm_up(fake, producers):
    """A few messages through every producer and both worker children first (imports,
    connections); not counted."""
    from portal.notifications.models import Message, Status

    fake.failure_rate(0)
    recipients = [f"+86139{number:08d}" for number in range(WARMUP_MESSAGES)]
    ids = enqueue(producers, recipients, random.randrange(1_000_000), chunk=1)
    _, pending = wait_settled(ids, START_TIMEOUT)
    if pending:
        raise RuntimeError("the worker did not deliver the warm-up messages")
    return list(
        Message.objects.filter(pk__in=ids, status=Status.SENT).values_list("provider_id", flat=True)
    )


def server_times_ms(access_log, count):
    """gunicorn's own time (ms) for the last ``count`` status callbacks in its access log."""
    times = []
    for line in Path(access_log).read_text(errors="replace").splitlines():
        method, _, rest = line.partition(" ")
        path, _, micros = rest.rpartition(" ")
        if method == "POST" and path.startswith(STATUS_PATH) and micros.isdigit():
            times.append(int(micros) / 1000)
    return times[-count:] if count else []


def run_callbacks(fake, base_url, ids, count, warmup_sids, access_log):
    from portal.notifications.models import Message, Status

    url = base_url + STATUS_PATH
    # Warm both gunicorn workers (URLconf, database connection). "sent" on a row that is
    # already sent changes nothing.
    for index in range(WARMUP_CALLBACKS):
        fake.send_status(warmup_sids[index % len(warmup_sids)], "sent", url=url)
    chosen = list(
        Message.objects.filter(pk__in=ids, status=Status.SENT)
        .order_by("pk")
        .values_list("pk", "provider_id")[:count]
    )
    log(f"callbacks: POSTing {len(chosen)} signed 'delivered' callbacks to {url}")
    timings_ms, answers = [], Counter()
    started = time.monotonic()
    for _, sid in chosen:
        # Signed in the fake's process, POSTed from here: only the POST is timed. A new
        # connection each time, as Twilio's callbacks come.
        target, form, headers = fake.status_callback(sid, "delivered", url)
        with new_session() as session:
            before = time.perf_counter()
            response = session.post(target, data=form, headers=headers, allow_redirects=False)
            timings_ms.append((time.perf_counter() - before) * 1000)
        answers[response.status_code] += 1
    elapsed = time.monotonic() - started
    delivered = Message.objects.filter(
        pk__in=[pk for pk, _ in chosen], status=Status.DELIVERED
    ).count()
    time.sleep(0.5)  # let gunicorn write its last access-log lines
    server_ms = server_times_ms(access_log, len(chosen))
    return {
        "callbacks": len(chosen),
        "per_s": rounded(len(chosen) / elapsed if elapsed > 0 else None),
        "callback_p50_ms": rounded(percentile(timings_ms, 50), 2),
        "callback_p99_ms": rounded(percentile(timings_ms, 99), 2),
        "callback_max_ms": rounded(max(timings_ms, default=None), 2),
        "server_p50_ms": rounded(percentile(server_ms, 50), 2),
        "server_p99_ms": rounded(percentile(server_ms, 99), 2),
        "answers": {str(status): number for status, number in sorted(answers.items())},
        "delivered": delivered,
        "not_applied": len(chosen) - delivered,
    }


# -- report ----------------------------------------------------------------------------------------


def format_report(rounds, callbacks, meta):
    names = list(rounds)
    lines = [
        f"Notification outbox: {meta['messages']} messages per round, Celery worker -c 2 prefork, "
        f"{PRODUCERS} producer processes, Twilio SDK -> fake Twilio (own process), "
        f"{meta['database']}",
        f"host: {meta['host']['cpus']} CPUs, load average {meta['host']['load_start']} at start, "
        f"{meta['host']['load_end']} at end",
        "",
        f"{'':24}" + "".join(f"{name:>16}" for name in names),
    ]
    rows = [
        ("provider failures", lambda r: f"{r['failure_rate']:.0%}"),
        ("sent / messages", lambda r: f"{r['sent']}/{r['messages']}"),
        ("wall time s", lambda r: r["wall_s"]),
        ("sent per s", lambda r: r["sent_per_s"]),
        ("enqueue per s", lambda r: r["enqueue_per_s"]),
        ("sent after enqueue", lambda r: r["sent_after_enqueue"]),
        ("  their rate per s", lambda r: r["drain_per_s"]),
        ("latency p50 ms", lambda r: r["p50_ms"]),
        ("latency p99 ms", lambda r: r["p99_ms"]),
        ("latency max ms", lambda r: r["max_ms"]),
        ("provider requests", lambda r: r["provider_requests"]),
        ("provider 503s", lambda r: r["provider_503"]),
        ("retries", lambda r: r["retries"]),
        ("max attempts", lambda r: r["max_attempts"]),
        ("duplicates", lambda r: r["duplicates"]),
        ("lost", lambda r: r["lost"]),
    ]
    rows.append(("CPU ms per message", lambda r: ""))
    for part in rounds[names[0]]["cpu_ms_per_message"]:
        rows.append((f"  {part}", lambda r, part=part: r["cpu_ms_per_message"][part]))
    for label, value in rows:
        lines.append(f"{label:24}" + "".join(f"{value(rounds[name])!s:>16}" for name in names))
    lines += [
        "",
        f"Status callbacks (gunicorn, 2 sync workers; client-side time per signed POST; "
        f"{WARMUP_CALLBACKS} warm-up requests not counted)",
        f"{'callbacks':24}{callbacks['callbacks']:>16}",
        f"{'p50 ms':24}{callbacks['callback_p50_ms']!s:>16}",
        f"{'p99 ms':24}{callbacks['callback_p99_ms']!s:>16}",
        f"{'max ms':24}{callbacks['callback_max_ms']!s:>16}",
        f"{'server p50 ms':24}{callbacks['server_p50_ms']!s:>16}   (gunicorn access log)",
        f"{'server p99 ms':24}{callbacks['server_p99_ms']!s:>16}",
        f"{'per s (sequential)':24}{callbacks['per_s']!s:>16}",
        f"{'HTTP answers':24}{json.dumps(callbacks['answers']):>16}",
        f"{'rows now delivered':24}{callbacks['delivered']:>16}",
        "",
    ]
    first = rounds[names[0]]
    verdict = [
        (
            f"sent per s (0% failures) >= {TARGET_SENT_PER_S}",
            (first["sent_per_s"] or 0) >= TARGET_SENT_PER_S,
        ),
        (
            f"callback p99 < {TARGET_CALLBACK_P99_MS} ms",
            (callbacks["callback_p99_ms"] or 1e9) < TARGET_CALLBACK_P99_MS,
        ),
    ]
    for label, met in verdict:
        lines.append(f"target  {label:40} {'met' if met else 'NOT MET'}")
    lines.append(f"runtime {meta['runtime_s']} s")
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages per round")
    parser.add_argument("--callbacks", type=int, default=1000, help="status callbacks to time")
    parser.add_argument("--failure-rate", type=float, default=0.2, help="second round's rate")
    parser.add_argument("--seed", type=int, default=20260101, help="failure injection seed")
    parser.add_argument(
        "--deadline", type=float, default=600.0, help="seconds a round may take to settle"
    )
    args = parser.parse_args()
    if args.messages < 1 or args.callbacks < 0:
        parser.error("--messages must be at least 1 and --callbacks at least 0")
    return args


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    database_url = os.environ.get("DATABASE_URL")
    created_database = False
    broker_url = os.environ.get("REDIS_URL") or DEFAULT_BROKER_URL
    worker = gunicorn = producers = None
    workdir = tempfile.TemporaryDirectory(prefix="bench-notify-")
    worker_log = Path(workdir.name) / "worker.log"
    gunicorn_log = Path(workdir.name) / "gunicorn.log"
    access_log = Path(workdir.name) / "access.log"
    twilio_process = TwilioProcess()
    twilio_process.start()
    fake = twilio_process.TwilioSide()
    try:
        if not database_url:
            log(f"creating database {BENCH_DATABASE}")
            create_database(BENCH_DATABASE)
            created_database = True
            database_url = BENCH_DATABASE_URL
        redis.Redis.from_url(broker_url).flushdb()
        twilio_url, account_sid, auth_token = fake.credentials()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = portal_env(
            os.environ,
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=broker_url,
            REDIS_URL=broker_url,
            PUBLIC_BASE_URL=base_url,
            SMS_BACKEND="portal.notifications.backends.twilio.TwilioBackend",
            TWILIO_ACCOUNT_SID=account_sid,
            TWILIO_AUTH_TOKEN=auth_token,
            TWILIO_FROM_NUMBER=FROM_NUMBER,
            TWILIO_API_BASE_URL=twilio_url,
            TWILIO_TIMEOUT_SECONDS="5",
            NOTIFY_MAX_PER_HOUR="1000000",
            NOTIFY_MAX_CODES_PER_HOUR="1000000",
            NOTIFY_MAX_PER_RECIPIENT_PER_HOUR="1000",
            NOTIFY_MAX_ATTEMPTS="12",
        )
        log("migrating")
        migrate(env)

        worker = start_celery_worker(env, worker_log)
        gunicorn = start_gunicorn(
            env,
            port,
            gunicorn_log,
            workers=2,
            timeout=60,
            extra_args=(
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(m)s %(U)s %(D)s",
            ),
        )

        # Django in this process, with the same environment, for api.send and the checks.
        os.environ.update(env)
        import django

        django.setup()
        from portal.celery import app

        log("waiting for the celery worker and gunicorn")
        wait_for_worker(app, worker, worker_log)
        wait_until(lambda: answers_http(port), "gunicorn", gunicorn, gunicorn_log)
        log(f"starting {PRODUCERS} producer processes")
        producers, producer_pids = start_producers(env)
        twilio_pid = fake.pid()
        warmup_sids = warm_up(fake, producers)

        def parts():
            return cpu_parts(worker, producer_pids, twilio_pid)

        rounds = {}
        all_ids = []
        plan = [("0%", 0.0), (f"{args.failure_rate:.0%}", args.failure_rate)]
        for index, (name, rate) in enumerate(plan):
            ids, result = run_round(
                fake,
                producers,
                parts,
                name,
                args.messages,
                index * args.messages,
                rate,
                args.seed,
                args.deadline,
            )
            rounds[name] = result
            all_ids += ids
            log(f"round {name}: {json.dumps(result)}")
        callbacks = run_callbacks(fake, base_url, all_ids, args.callbacks, warmup_sids, access_log)
        if set(callbacks["answers"]) - {"200"}:
            log(f"callbacks not answered 200; gunicorn's log ends:\n{log_tail(gunicorn_log)}")
        if errors := fake.errors():
            log(f"fake Twilio raised {len(errors)} errors, e.g. {errors[0]}")

        first = rounds[plan[0][0]]
        duplicates = sum(r["duplicates"] for r in rounds.values())
        lost = sum(r["lost"] for r in rounds.values())
        runtime_s = round(time.monotonic() - began, 1)
        meta = {
            "messages": args.messages,
            "database": "PostgreSQL "
            + (BENCH_DATABASE if created_database else "from DATABASE_URL"),
            "runtime_s": runtime_s,
            "host": {
                "cpus": os.cpu_count(),
                "load_start": load_start,
                "load_end": round(os.getloadavg()[0], 2),
            },
        }
        print(format_report(rounds, callbacks, meta))
        summary = {
            "sent_per_s": first["sent_per_s"],
            "p50_ms": first["p50_ms"],
            "p99_ms": first["p99_ms"],
            "duplicates": duplicates,
            "lost": lost,
            # CPU of every process of the pipeline (producers, worker, fake Twilio, PostgreSQL,
            # Redis, this one) per message, in the round without failures.
            "cpu_ms_per_message": first["cpu_ms_per_message"]["total"],
            "callback_p50_ms": callbacks["callback_p50_ms"],
            "callback_p99_ms": callbacks["callback_p99_ms"],
            "callback_server_p50_ms": callbacks["server_p50_ms"],
            "callback_server_p99_ms": callbacks["server_p99_ms"],
            "callbacks": callbacks["callbacks"],
            "callbacks_not_applied": callbacks["not_applied"],
            "messages_per_round": args.messages,
            "rounds": rounds,
            "targets": {
                "sent_per_s": TARGET_SENT_PER_S,
                "callback_p99_ms": TARGET_CALLBACK_P99_MS,
            },
            "runtime_s": runtime_s,
            "host": meta["host"],
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        failed = duplicates or lost or callbacks["not_applied"]
        failed = failed or any(r["sid_mismatches"] for r in rounds.values())
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        return 1 if failed else 0
    finally:
        if producers is not None:
            producers.terminate()
            producers.join()
        stop_group(gunicorn)
        stop_group(worker)
        fake.stop()
        twilio_process.shutdown()
        if created_database:
            drop_scratch_database(BENCH_DATABASE)
        elif "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if broker_url == DEFAULT_BROKER_URL:
            try:
                redis.Redis.from_url(broker_url).flushdb()
            except redis.RedisError as error:
                log(f"could not flush {broker_url}: {error}")
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
