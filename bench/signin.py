"""Resident sign-in with a phone code: many residents at once, then one attacker guessing codes.

    .venv/bin/python bench/signin.py [--residents 50] [--guesses 1000] [--no-unthrottled]

Creates (and afterwards drops) the PostgreSQL database ``bench_signin`` on 127.0.0.1:5432. The
cache that counts codes per phone per hour is Redis database 6 (redis://127.0.0.1:6379/6, or
--redis-url), shared by all gunicorn workers; it is flushed before and after the run. There is no
Celery broker: each code is written to the outbox and "sent" by the console SMS backend inside
the gunicorn worker (eager). gunicorn (4 sync workers) runs on a free 127.0.0.1 port in its own
process group and is stopped on the way out, even after an error.

Residents (``--residents``, all started together, each in its own thread and
``requests.Session``): GET /signin/ (CSRF token), POST the phone number (the "request" step,
timed), read the code from ``notifications_message``, POST the code (the "verify" step, timed),
then check the 302 goes to the first-sign-in welcome page (or ``next``), that page answers 200
and the resident's ``last_login`` is set.

Attacker: one fresh phone, one session. Asks for a code, then POSTs ``--guesses`` random codes
back to back (never a code that was sent to that phone), asking for a new code ("Send a new
code") whenever told the code can no longer be used. Each guess is classified from the answer
and from the phone's device row (did its wrong-guess counter move?): evaluated, or refused by
throttling, by the hourly code cap (no code could be sent) or by the lock. Run with the real
rules (throttle factor 1) and, unless --no-unthrottled, again on a second gunicorn with
SIGNIN_THROTTLE_FACTOR=0 to show what the other rules do on their own.

Prints a table, then one JSON line. The exit status is 1 when a guess was accepted or not every
resident signed in.
"""

import argparse
import datetime
import json
import os
import random
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

import psycopg  # noqa: E402
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
from tests.support.live_portal import free_port  # noqa: E402

BENCH_DATABASE = "bench_signin"
BENCH_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
HTTP_TIMEOUT = 60.0

SIGNIN_PATH = "/signin/"
CODE_PATH = "/signin/code/"
WELCOME_PATH = "/signin/welcome/name/"
NEXT_PATH = "/"
# Chinese mobile numbers, typed the way residents type them (national form).
RESIDENT_FIRST_NUMBER = 13_912_340_000
WARMUP_FIRST_NUMBER = 13_712_340_000
ATTACKER_NUMBERS = {1: "13512345678", 0: "13612345678"}  # by throttle factor
WARMUP_SIGNINS = 8

# Environment the portal must not inherit from whoever runs the benchmark.
DROPPED_ENV_PREFIXES = ("CELERY_", "NOTIFY_", "SIGNIN_", "TWILIO_")
DROPPED_ENV = {"DATABASE_URL", "REDIS_URL", "SMS_BACKEND", "VOICE_BACKEND", "DJANGO_ENV"}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")
# What the code page says, in Chinese (the default at /) and in English.
OUTCOME_MARKERS = (
    ("wrong", ("验证码不对", "That code is not right")),
    ("wait", ("请等几秒钟", "Please wait a few seconds")),
    ("locked", ("暂时不能用验证码登录", "paused for this number")),
    ("new_code_needed", ("已经不能用了", "can no longer be used")),
)


class Problem(Exception):
    """Something a resident or the attacker did not get as expected."""


# -- small helpers ---------------------------------------------------------------------------------


def serves_signin(base_url):
    try:
        with new_session() as session:
            return session.get(base_url + SIGNIN_PATH, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def csrf_token(html):
    found = CSRF_FIELD.search(html)
    if not found:
        raise Problem("no CSRF token in the form")
    return found.group(1)


def outcome_of(html):
    for outcome, markers in OUTCOME_MARKERS:
        if any(marker in html for marker in markers):
            return outcome
    return "unknown"


def location_path(response):
    return urlsplit(response.headers.get("Location", "")).path


# -- database and cache ----------------------------------------------------------------------------


def flush_cache(redis_url):
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


class BenchDatabase:
    """The bench database as the SMS recipient sees it (the outbox) and the device rows.

    One autocommit connection shared by all threads, one query at a time.
    """

    def __init__(self, url):
        self.connection = psycopg.connect(url, autocommit=True)
        self.lock = threading.Lock()

    def close(self):
        self.connection.close()

    def _rows(self, sql, params):
        with self.lock:
            return self.connection.execute(sql, params).fetchall()

    def codes(self, phone):
        """Every 6-digit code sent to ``phone``, oldest first."""
        rows = self._rows(
            "SELECT body FROM notifications_message WHERE recipient = %s ORDER BY created_at, id",
            (phone,),
        )
        return [found.group(1) for (body,) in rows if (found := SIX_DIGITS.search(body))]

    def latest_code(self, phone):
        rows = self._rows(
            "SELECT body FROM notifications_message WHERE recipient = %s "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            (phone,),
        )
        found = SIX_DIGITS.search(rows[0][0]) if rows else None
        return found.group(1) if found else None

    def message_statuses(self, phone):
        rows = self._rows(
            "SELECT status, count(*) FROM notifications_message WHERE recipient = %s "
            "GROUP BY status",
            (phone,),
        )
        return dict(rows)

    def device(self, phone):
        rows = self._rows(
            "SELECT d.failures_since_unlock, d.wrong_tries, d.locked, "
            "d.throttling_failure_count, d.throttling_failure_timestamp "
            "FROM accounts_phonecodedevice d JOIN accounts_user u ON u.id = d.user_id "
            "WHERE u.phone = %s",
            (phone,),
        )
        if not rows:
            return None
        failures, wrong_tries, locked, throttle_count, throttle_at = rows[0]
        return {
            "failures_since_unlock": failures,
            "wrong_tries": wrong_tries,
            "locked": locked,
            "throttling_failure_count": throttle_count,
            "throttling_failure_timestamp": throttle_at,
        }

    def signed_in_count(self, phones):
        rows = self._rows(
            "SELECT count(*) FROM accounts_user WHERE phone = ANY(%s) AND last_login IS NOT NULL",
            (list(phones),),
        )
        return rows[0][0]


# -- the portal ------------------------------------------------------------------------------------


class Portal:
    """gunicorn serving the portal on a free loopback port, with its log and access log."""

    def __init__(self, env, workdir, name, workers):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(workdir) / f"{name}.log"
        self.access_log = Path(workdir) / f"{name}-access.log"
        self.access_log.touch()
        self.process = start_gunicorn(
            {**env, "PUBLIC_BASE_URL": self.base_url},
            self.port,
            self.log_path,
            workers=workers,
            timeout=60,
            extra_args=(
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s",
            ),
        )

    def wait_ready(self):
        wait_until(lambda: serves_signin(self.base_url), "gunicorn", self.process, self.log_path)

    def stop(self):
        stop_group(self.process)

    def access_log_size(self):
        return self.access_log.stat().st_size

    def server_times_ms(self, start_offset, end_offset):
        """gunicorn's own time (ms) per (method, path) for the access-log bytes in the range."""
        with open(self.access_log, "rb") as handle:
            handle.seek(start_offset)
            text = handle.read(end_offset - start_offset).decode(errors="replace")
        times = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[3].isdigit():
                times.setdefault((parts[0], parts[1]), []).append(int(parts[3]) / 1000)
        return times


# -- residents -------------------------------------------------------------------------------------


def sign_in(base_url, national, database, start=None):
    """One resident's sign-in; returns the two step times and whether it worked."""
    phone = "+86" + national
    result = {"phone": phone, "request_ms": None, "verify_ms": None, "signed_in": False}
    result["error"] = None
    try:
        with new_session() as session:
            if start is not None:
                start.wait(timeout=HTTP_TIMEOUT)
            page = session.get(
                base_url + SIGNIN_PATH, params={"next": NEXT_PATH}, timeout=HTTP_TIMEOUT
            )
            if page.status_code != 200:
                raise Problem(f"GET {SIGNIN_PATH} answered {page.status_code}")
            token = csrf_token(page.text)

            began = time.perf_counter()
            answer = session.post(
                base_url + SIGNIN_PATH,
                data={"csrfmiddlewaretoken": token, "phone": national, "next": NEXT_PATH},
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
            )
            result["request_ms"] = (time.perf_counter() - began) * 1000
            if answer.status_code != 302 or location_path(answer) != CODE_PATH:
                raise Problem(
                    f"POST {SIGNIN_PATH} answered {answer.status_code} "
                    f"to {answer.headers.get('Location')!r}"
                )

            code = database.latest_code(phone)
            if code is None:
                raise Problem("no code in the outbox")

            began = time.perf_counter()
            answer = session.post(
                base_url + CODE_PATH,
                data={"csrfmiddlewaretoken": token, "code": code},
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
            )
            result["verify_ms"] = (time.perf_counter() - began) * 1000
            landing = location_path(answer)
            if answer.status_code != 302 or landing not in (WELCOME_PATH, NEXT_PATH):
                raise Problem(
                    f"POST {CODE_PATH} answered {answer.status_code} "
                    f"({outcome_of(answer.text)}) to {answer.headers.get('Location')!r}"
                )
            page = session.get(base_url + landing, allow_redirects=False, timeout=HTTP_TIMEOUT)
            if page.status_code != 200:
                raise Problem(f"after signing in, GET {landing} answered {page.status_code}")
            result["landing"] = landing
            result["signed_in"] = True
    except (Problem, requests.RequestException, threading.BrokenBarrierError) as error:
        result["error"] = f"{phone}: {type(error).__name__}: {error}"
    return result


def sign_in_many(base_url, database, first_number, count):
    start = threading.Barrier(count)
    numbers = [str(first_number + index) for index in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        began = time.monotonic()
        futures = [pool.submit(sign_in, base_url, number, database, start) for number in numbers]
        results = [future.result() for future in futures]
        wall_s = time.monotonic() - began
    return results, wall_s, ["+86" + number for number in numbers]


def run_residents(portal, database, count):
    log(f"residents: {count} sign-ins at once")
    offset = portal.access_log_size()
    results, wall_s, phones = sign_in_many(portal.base_url, database, RESIDENT_FIRST_NUMBER, count)
    time.sleep(0.5)  # let gunicorn write its last access-log lines
    server = portal.server_times_ms(offset, portal.access_log_size())
    request_ms = [r["request_ms"] for r in results if r["request_ms"] is not None]
    verify_ms = [r["verify_ms"] for r in results if r["verify_ms"] is not None]
    server_request = server.get(("POST", SIGNIN_PATH), [])
    server_verify = server.get(("POST", CODE_PATH), [])
    errors = [r["error"] for r in results if r["error"]]
    return {
        "residents": count,
        "signed_in": sum(1 for r in results if r["signed_in"]),
        "last_login_set": database.signed_in_count(phones),
        "landings": dict(Counter(r.get("landing") for r in results if r["signed_in"])),
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": rounded(wall_s, 2),
        "request_p50_ms": rounded(percentile(request_ms, 50)),
        "request_p99_ms": rounded(percentile(request_ms, 99)),
        "request_max_ms": rounded(max(request_ms, default=None)),
        "verify_p50_ms": rounded(percentile(verify_ms, 50)),
        "verify_p99_ms": rounded(percentile(verify_ms, 99)),
        "verify_max_ms": rounded(max(verify_ms, default=None)),
        "server_request_p50_ms": rounded(percentile(server_request, 50)),
        "server_request_p99_ms": rounded(percentile(server_request, 99)),
        "server_verify_p50_ms": rounded(percentile(server_verify, 50)),
        "server_verify_p99_ms": rounded(percentile(server_verify, 99)),
    }


def warm_up(portal, database):
    """A few sign-ins first, so every worker has imported, connected and rendered; not counted."""
    results, _, _ = sign_in_many(portal.base_url, database, WARMUP_FIRST_NUMBER, WARMUP_SIGNINS)
    failed = [r["error"] for r in results if not r["signed_in"]]
    if failed:
        raise RuntimeError(f"warm-up sign-ins failed: {failed[:3]}\n{log_tail(portal.log_path)}")


# -- the attacker ----------------------------------------------------------------------------------


def attack(portal, database, national, guesses, throttle_factor, seed):
    """One session guessing codes for one phone as fast as the portal answers."""
    phone = "+86" + national
    rng = random.Random(seed)
    answers, refused, problems = Counter(), Counter(), []
    evaluated = accepted = http_requests = 0
    log(f"attacker (throttle factor {throttle_factor}): {guesses} guesses at {phone}")
    began = time.monotonic()
    with new_session() as session:
        signin_url = portal.base_url + SIGNIN_PATH
        page = session.get(signin_url, timeout=HTTP_TIMEOUT)
        token = csrf_token(page.text)
        answer = session.post(
            signin_url,
            data={"csrfmiddlewaretoken": token, "phone": national, "next": NEXT_PATH},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        http_requests += 2
        if answer.status_code != 302:
            raise Problem(f"the attacker's code request answered {answer.status_code}")
        sent = database.codes(phone)
        code_requests, code_live = 1, bool(sent)
        requests_refused = 0 if code_live else 1
        before = database.device(phone)
        code_url = portal.base_url + CODE_PATH
        guessed = 0
        for _ in range(guesses):
            guessed += 1
            guess = f"{rng.randrange(1_000_000):06d}"
            while guess in sent:  # never a code that was sent: only wrong or random guesses
                guess = f"{rng.randrange(1_000_000):06d}"
            answer = session.post(
                code_url,
                data={"csrfmiddlewaretoken": token, "code": guess},
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
            )
            http_requests += 1
            if answer.status_code == 302:
                accepted += 1
                problems.append(f"guess {guess} accepted: 302 to {answer.headers.get('Location')}")
                break
            outcome = outcome_of(answer.text) if answer.status_code == 200 else "unknown"
            answers[outcome] += 1
            after = database.device(phone)
            if after["failures_since_unlock"] > before["failures_since_unlock"]:
                evaluated += 1
            elif outcome == "wait":
                refused["throttling"] += 1
            elif outcome == "locked":
                refused["lock"] += 1
            elif outcome == "new_code_needed":
                refused["hourly_cap" if not code_live else "code_unusable"] += 1
            else:
                refused["unexpected_answer"] += 1
                problems.append(f"guess answered {answer.status_code} ({outcome})")
            before = after
            if outcome == "new_code_needed":
                answer = session.post(
                    code_url,
                    data={"csrfmiddlewaretoken": token, "action": "resend"},
                    allow_redirects=False,
                    timeout=HTTP_TIMEOUT,
                )
                http_requests += 1
                code_requests += 1
                if answer.status_code != 200:
                    problems.append(f"asking for a new code answered {answer.status_code}")
                now_sent = database.codes(phone)
                code_live = len(now_sent) > len(sent)
                requests_refused += 0 if code_live else 1
                sent = now_sent
    duration_s = time.monotonic() - began
    device = database.device(phone)
    wait_s = next_in_s = None
    if throttle_factor and device["throttling_failure_count"]:
        wait_s = throttle_factor * 2 ** (device["throttling_failure_count"] - 1)
        since = datetime.datetime.now(datetime.UTC) - device["throttling_failure_timestamp"]
        next_in_s = max(0.0, wait_s - since.total_seconds())
    refusals = sum(refused.values())
    stopped_by = max(refused, key=refused.get) if refusals else "nothing"
    return {
        "throttle_factor": throttle_factor,
        "phone": phone,
        "guesses": guessed,
        "guesses_accepted": accepted,
        "guesses_evaluated": evaluated,
        "refused_throttling": refused["throttling"],
        "refused_hourly_cap": refused["hourly_cap"],
        "refused_lock": refused["lock"],
        "refused_other": refused["code_unusable"] + refused["unexpected_answer"],
        "mostly_stopped_by": stopped_by,
        "answers": dict(answers),
        "code_requests": code_requests,
        "codes_sent": len(sent),
        "code_requests_refused": requests_refused,
        "messages_by_status": database.message_statuses(phone),
        "wrong_guesses_recorded": device["failures_since_unlock"],
        "throttle_failures": device["throttling_failure_count"],
        "throttle_wait_s": wait_s,
        "next_guess_allowed_in_s": rounded(next_in_s),
        "locked": device["locked"],
        "http_requests": http_requests,
        "duration_s": rounded(duration_s, 2),
        "problems": problems[:5],
        "problem_count": len(problems),
    }


# -- report ----------------------------------------------------------------------------------------


def format_report(residents, attackers, meta):
    r = residents
    lines = [
        f"Resident sign-in: {r['residents']} residents at once, gunicorn {meta['workers']} sync "
        f"workers, PostgreSQL {BENCH_DATABASE}, Redis cache {meta['redis_url']}, "
        "console SMS (eager)",
        f"host: {meta['host']['cpus']} CPUs, load average {meta['host']['load_start']} at start, "
        f"{meta['host']['load_end']} at end; {WARMUP_SIGNINS} warm-up sign-ins not counted",
        "",
        f"{'':34}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'server p50':>12}{'server p99':>12}",
        f"{'request code  POST /signin/':34}{r['request_p50_ms']!s:>10}{r['request_p99_ms']!s:>10}"
        f"{r['request_max_ms']!s:>10}{r['server_request_p50_ms']!s:>12}"
        f"{r['server_request_p99_ms']!s:>12}",
        f"{'verify code   POST /signin/code/':34}{r['verify_p50_ms']!s:>10}"
        f"{r['verify_p99_ms']!s:>10}"
        f"{r['verify_max_ms']!s:>10}{r['server_verify_p50_ms']!s:>12}"
        f"{r['server_verify_p99_ms']!s:>12}",
        "(client time includes waiting for a free worker; server time is gunicorn's access log)",
        f"{'signed in':34}{r['signed_in']}/{r['residents']}  (last_login set: "
        f"{r['last_login_set']}; landed on {json.dumps(r['landings'])})",
        f"{'errors':34}{r['errors']}",
        f"{'wall time s':34}{r['wall_s']}",
    ]
    lines += [f"  {sample}" for sample in r["error_samples"]]
    if attackers:
        guesses = attackers[0]["guesses"]
        lines += [
            "",
            f"Attacker: one fresh phone, up to {guesses} guesses back to back (never a code that "
            "was sent), a new code asked for whenever told the code can no longer be used",
            f"{'':34}" + "".join(f"{'factor ' + str(a['throttle_factor']):>14}" for a in attackers),
        ]
        rows = [
            ("guesses sent", "guesses"),
            ("guesses ACCEPTED", "guesses_accepted"),
            ("guesses evaluated (wrong)", "guesses_evaluated"),
            ("refused: throttling (wait)", "refused_throttling"),
            ("refused: hourly code cap", "refused_hourly_cap"),
            ("refused: lock", "refused_lock"),
            ("refused: other", "refused_other"),
            ("mostly stopped by", "mostly_stopped_by"),
            ("code requests", "code_requests"),
            ("codes sent", "codes_sent"),
            ("code requests refused (cap)", "code_requests_refused"),
            ("wrong guesses on the device", "wrong_guesses_recorded"),
            ("throttle: wait after last s", "throttle_wait_s"),
            ("throttle: next guess in s", "next_guess_allowed_in_s"),
            ("phone locked", "locked"),
            ("HTTP requests", "http_requests"),
            ("duration s", "duration_s"),
        ]
        for label, key in rows:
            lines.append(f"{label:34}" + "".join(f"{a[key]!s:>14}" for a in attackers))
        for attacker in attackers:
            lines += [f"  factor {attacker['throttle_factor']}: {p}" for p in attacker["problems"]]
    lines.append(f"runtime {meta['runtime_s']} s")
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=50, help="residents signing in at once")
    parser.add_argument("--guesses", type=int, default=1000, help="the attacker's guesses")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="flushed before and after")
    parser.add_argument("--seed", type=int, default=20260101, help="the attacker's guesses seed")
    parser.add_argument(
        "--no-unthrottled",
        action="store_true",
        help="skip the second attacker run with SIGNIN_THROTTLE_FACTOR=0",
    )
    args = parser.parse_args()
    if args.residents < 1 or args.guesses < 1 or args.workers < 1:
        parser.error("--residents, --guesses and --workers must be at least 1")
    return args


def signin_env(redis_url, throttle_factor):
    return portal_env(
        environ_without(DROPPED_ENV, DROPPED_ENV_PREFIXES),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=BENCH_DATABASE_URL,
        REDIS_URL=redis_url,  # the hourly code count, shared by every worker
        SIGNIN_THROTTLE_FACTOR=str(throttle_factor),
    )


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    portals = []
    database = None
    created_database = False
    workdir = tempfile.TemporaryDirectory(prefix="bench-signin-")
    try:
        log(f"creating database {BENCH_DATABASE}")
        create_database(BENCH_DATABASE)
        created_database = True
        flush_cache(args.redis_url)
        env = signin_env(args.redis_url, 1)
        log("migrating")
        migrate(env)
        database = BenchDatabase(BENCH_DATABASE_URL)

        portal = Portal(env, workdir.name, "gunicorn", args.workers)
        portals.append(portal)
        portal.wait_ready()
        warm_up(portal, database)
        residents = run_residents(portal, database, args.residents)
        log(f"residents: {json.dumps(residents, ensure_ascii=False)}")

        attackers = [attack(portal, database, ATTACKER_NUMBERS[1], args.guesses, 1, args.seed)]
        portal.stop()
        if not args.no_unthrottled:
            portal = Portal(
                signin_env(args.redis_url, 0), workdir.name, "unthrottled", args.workers
            )
            portals.append(portal)
            portal.wait_ready()
            attackers.append(
                attack(portal, database, ATTACKER_NUMBERS[0], args.guesses, 0, args.seed + 1)
            )
            portal.stop()
        for attacker in attackers:
            log(f"attacker: {json.dumps(attacker, ensure_ascii=False, default=str)}")

        runtime_s = round(time.monotonic() - began, 1)
        meta = {
            "workers": args.workers,
            "redis_url": args.redis_url,
            "runtime_s": runtime_s,
            "host": {
                "cpus": os.cpu_count(),
                "load_start": load_start,
                "load_end": round(os.getloadavg()[0], 2),
            },
        }
        print(format_report(residents, attackers, meta))
        guesses_accepted = sum(a["guesses_accepted"] for a in attackers)
        errors = residents["errors"] + sum(a["problem_count"] for a in attackers)
        summary = {
            "request_p50_ms": residents["request_p50_ms"],
            "request_p99_ms": residents["request_p99_ms"],
            "verify_p50_ms": residents["verify_p50_ms"],
            "verify_p99_ms": residents["verify_p99_ms"],
            "guesses_accepted": guesses_accepted,
            "signed_in": residents["signed_in"],
            "residents": residents["residents"],
            "errors": errors,
            "attacker": attackers[0],
            "attacker_unthrottled": attackers[1] if len(attackers) > 1 else None,
            "residents_detail": residents,
            "gunicorn_workers": args.workers,
            "runtime_s": runtime_s,
            "host": meta["host"],
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
        return 1 if guesses_accepted or residents["signed_in"] != args.residents else 0
    finally:
        for portal in portals:
            portal.stop()
        if database is not None:
            database.close()
        if created_database:
            drop_scratch_database(BENCH_DATABASE)
        try:
            flush_cache(args.redis_url)
        except redis.RedisError as error:
            log(f"could not flush {args.redis_url}: {error}")
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
