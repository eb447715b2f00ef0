"""Resident sign-in with a phone code: many residents at once, then attackers.

    .venv/bin/python bench/signin.py [--residents 50] [--guesses 1000] [--no-unthrottled]

Creates (and afterwards drops) the PostgreSQL database ``bench_signin`` on 127.0.0.1:5432. The
cache that counts codes and guesses per client and per session (django-ratelimit) and the
portal's hourly code budget is Redis database 6 (redis://127.0.0.1:6379/6, or --redis-url),
shared by all gunicorn workers; it is flushed before and after the run and before each attacker
scenario, so each starts with the client's budgets whole. There is no Celery broker: each code
is written to the outbox and "sent" by the console SMS backend inside the gunicorn worker
(eager). The outbox row shows a mask, never the code: the bench reads codes from what the fake
phone received, the JSON lines the console backend writes to ``CONSOLE_PHONE_INBOX`` (one file
per gunicorn, in the bench's temporary directory), newest line to the number first. gunicorn (4
sync workers) runs on a free 127.0.0.1 port in its own process group and is stopped on the way
out, even after an error.

Residents (``--residents``, all started together, each in its own thread and
``requests.Session``, all from 127.0.0.1, so that gunicorn runs with the per-client limits
raised: SIGNIN_CODES_PER_CLIENT and SIGNIN_GUESSES_PER_CLIENT 100000): GET /signin/ (CSRF
token), POST the phone number (the "request" step, timed), read the code from the phone inbox,
POST the code (the "verify" step, timed), then check the 302 goes to the first-sign-in welcome
page (or ``next``), that page answers 200 and the resident's ``last_login`` is set.

Everything else runs on a second gunicorn with the DEFAULT limits (no SIGNIN_* limit set):

- Attacker guessing: one fresh phone, one session from 127.0.0.1. Asks for a code, then POSTs
  ``--guesses`` random codes back to back (never a code that was sent to that phone), asking
  for a new code ("Send a new code") whenever told the code can no longer be used. Each guess is
  classified from the database (did the wrong-guess count of the phone's codes move?) and the
  answer: evaluated, or refused by the client's guess limit (its counter in Redis passed the
  limit), by the code's own growing wait (throttling), or because no code was live (the code
  requests were refused). Run with throttle factor 1 and, unless --no-unthrottled, again on a
  third gunicorn with SIGNIN_THROTTLE_FACTOR=0 to show what the other limits do on their own.
- SMS pumping: one session from 127.0.0.1 asks for codes for 200 different valid mainland
  mobile numbers (no residents) as fast as it can; counted is what the phones received. Then
  the same with a new session (no cookies) for each number.
- Victim: a resident signs in once from their own phone (source address 127.0.0.2). An attacker
  from 127.0.0.1 asks for codes for the resident's number until refused, then guesses wrong
  codes, 50 HTTP requests in all. Then the resident (a new session from 127.0.0.2) tries to get
  a code and sign in, again every few seconds, for up to a minute. Then the same for a second
  resident with several attackers (127.0.0.3, ...: just enough of them that their per-client
  budgets add up to the number's hourly ceiling, SIGNIN_CODES_PER_NUMBER), each asking for
  codes until refused, no guesses: ``victim_locked_out_distributed``.

Prints a table, then one JSON line. The exit status is 1 when a guess was accepted, not every
resident signed in, or the victim of the single attacker could not sign in (the distributed
case is reported, not judged).
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
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
from requests.adapters import HTTPAdapter  # noqa: E402

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
CODE_PATH_EN = "/en/signin/code/"  # the same page in English, to read why no code went
WELCOME_PATH = "/signin/welcome/name/"
NEXT_PATH = "/"
# Chinese mobile numbers, typed the way residents type them (national form).
RESIDENT_FIRST_NUMBER = 13_912_340_000
WARMUP_FIRST_NUMBER = 13_712_340_000
ATTACKER_NUMBERS = {1: "13512345678", 0: "13612345678"}  # by throttle factor
PUMPING_FIRST_NUMBERS = (13_987_650_000, 13_987_660_000)  # one session; a session per number
PUMPING_NUMBERS = 200
VICTIM_NUMBERS = ("13312345678", "13312345679")  # one attacker; several
WARMUP_SIGNINS = 8

# Two "clients": gunicorn listens on 127.0.0.1, and loopback answers any 127.x.y.z source.
ATTACKER_ADDRESS = "127.0.0.1"
VICTIM_ADDRESS = "127.0.0.2"
DISTRIBUTED_FIRST_ADDRESS = 3  # 127.0.0.3, 127.0.0.4, ...: attackers that share out the work
VICTIM_ATTACKER_REQUESTS = 50
VICTIM_WITHIN_S = 60.0
VICTIM_RETRY_S = 5.0

# The residents all come from 127.0.0.1: their gunicorn lets one client ask and guess often.
RESIDENTS_LIMITS = {"SIGNIN_CODES_PER_CLIENT": "100000", "SIGNIN_GUESSES_PER_CLIENT": "100000"}
# The limits the portal runs with, as its settings read them (printed in the report).
LIMIT_SETTINGS = (
    "SIGNIN_CODES_PER_CLIENT",
    "SIGNIN_CODES_PER_SESSION",
    "SIGNIN_CODES_PER_NUMBER_PER_CLIENT",
    "SIGNIN_CODES_PER_NUMBER",
    "SIGNIN_GUESSES_PER_CLIENT",
    "SIGNIN_MAX_WRONG_TRIES",
    "NOTIFY_MAX_CODES_PER_HOUR",
)

# Environment the portal must not inherit from whoever runs the benchmark.
DROPPED_ENV_PREFIXES = ("CELERY_", "NOTIFY_", "SIGNIN_", "TWILIO_")
DROPPED_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "SMS_BACKEND",
    "VOICE_BACKEND",
    "DJANGO_ENV",
    "CONSOLE_PHONE_INBOX",
    "BEHIND_TLS_PROXY",
}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")
CODE_STATUS = re.compile(r'data-code-status="([a-z]*)"')
# What the code page says after a code was POSTed, in Chinese (the default at /) and in English.
OUTCOME_MARKERS = (
    ("wrong", ("验证码不对", "That code is not right")),
    ("wait", ("请等几秒钟", "Please wait a few seconds")),
    ("too_many", ("输入验证码的次数太多", "Too many codes were typed")),
    ("expired", ("has run out of time",)),
    ("new_code_needed", ("已经不能用了", "can no longer be used")),
)
# Why no code went, as the English page (CODE_PATH_EN) says it (accounts/_code_status.html).
REFUSAL_MARKERS = (
    ("client", "asked for too often from this device"),
    ("number", "this number has had several codes"),
    ("number_ceiling", "this number has had very many codes"),
    ("busy", "very many are being sent"),
)


class Problem(Exception):
    """Something a resident or an attacker did not get as expected."""


# -- small helpers ---------------------------------------------------------------------------------


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen loopback address, so the portal sees another client."""

    def __init__(self, source_ip, **kwargs):
        self.source_ip = source_ip
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


def client_session(source_ip=ATTACKER_ADDRESS):
    """A ``requests`` session whose connections come from ``source_ip`` (a 127.x.y.z)."""
    session = new_session()
    if source_ip != "127.0.0.1":
        session.mount("http://", SourceAddressAdapter(source_ip))
    return session


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


def signin_token(session, base_url):
    """GET /signin/ and return its CSRF token."""
    page = session.get(base_url + SIGNIN_PATH, params={"next": NEXT_PATH}, timeout=HTTP_TIMEOUT)
    if page.status_code != 200:
        raise Problem(f"GET {SIGNIN_PATH} answered {page.status_code}")
    return csrf_token(page.text)


def ask_for_code(session, base_url, token, national):
    """POST the phone number on /signin/; it always redirects to the code page."""
    answer = session.post(
        base_url + SIGNIN_PATH,
        data={"csrfmiddlewaretoken": token, "phone": national, "next": NEXT_PATH},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    if answer.status_code != 302 or location_path(answer) != CODE_PATH:
        raise Problem(
            f"POST {SIGNIN_PATH} answered {answer.status_code} "
            f"to {answer.headers.get('Location')!r}"
        )
    return answer


def ask_again(session, base_url, token):
    """ "Send a new code" on the code page; it redirects back to the code page."""
    answer = session.post(
        base_url + CODE_PATH,
        data={"csrfmiddlewaretoken": token, "action": "resend"},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    if answer.status_code != 302 or location_path(answer) != CODE_PATH:
        raise Problem(f"asking for a new code answered {answer.status_code}")
    return answer


def post_code(session, base_url, token, code):
    return session.post(
        base_url + CODE_PATH,
        data={"csrfmiddlewaretoken": token, "code": code},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )


def code_page_status(session, base_url):
    """What the code page says about the last code asked for: (state, refusal reason)."""
    page = session.get(base_url + CODE_PATH_EN, allow_redirects=False, timeout=HTTP_TIMEOUT)
    found = CODE_STATUS.search(page.text) if page.status_code == 200 else None
    state = found.group(1) if found else f"http {page.status_code}"
    reason = None
    if state == "refused":
        reason = next((name for name, text in REFUSAL_MARKERS if text in page.text), "unknown")
    return state, reason


def random_guess(rng, sent):
    """A random 6-digit code that was never sent to the phone."""
    while True:
        guess = f"{rng.randrange(1_000_000):06d}"
        if guess not in sent:
            return guess


# -- what the phones received, the database and the cache ---------------------------------------


class PhoneInbox:
    """The console backend's phone: one JSON line {"to", "kind", "text", "at"} per text."""

    def __init__(self, path):
        self.path = Path(path)

    def entries(self):
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        entries = []
        for line in text.splitlines():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:  # a line a worker is still writing
                continue
        return entries

    def texts_to(self, phone):
        """Every text ``phone`` (E.164) received, oldest first."""
        return [entry["text"] for entry in self.entries() if entry.get("to") == phone]

    def codes_to(self, phone):
        return [
            found.group(1) for text in self.texts_to(phone) if (found := SIX_DIGITS.search(text))
        ]

    def count_to(self, phones):
        phones = set(phones)
        return sum(1 for entry in self.entries() if entry.get("to") in phones)

    def new_code(self, phone, seen, wait_s=5.0):
        """The code in the newest text to ``phone`` once it has more than ``seen`` texts."""
        deadline = time.monotonic() + wait_s
        while True:
            texts = self.texts_to(phone)
            if len(texts) > seen:
                found = SIX_DIGITS.search(texts[-1])
                return found.group(1) if found else None
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)


def flush_cache(redis_url):
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


class GuessCounter:
    """How many code POSTs the portal has counted for a client in its current 10 minutes.

    ``code_limits.guessing_too_fast`` counts them with django-ratelimit (group
    ``signin-guesses-client``, key ``ip``, rate ``<limit>/10m``) in the default cache; this
    reads that counter from Redis, building the key as django-ratelimit 4 and django-redis do
    (key prefix ``portal``, version 1). ``None`` when there is no such key.
    """

    GROUP = "signin-guesses-client"
    PERIOD = 600

    def __init__(self, redis_url, limit):
        self.client = redis.Redis.from_url(redis_url)
        self.limit = limit

    def close(self):
        self.client.close()

    def count(self, ip):
        now = int(time.time())
        window = now - now % self.PERIOD + zlib.crc32(ip.encode()) % self.PERIOD
        if window < now:
            window += self.PERIOD
        parts = f"{self.GROUP}{self.limit}/{self.PERIOD}s{ip}{window}"
        raw = self.client.get(f"portal:1:rl:{hashlib.sha256(parts.encode()).hexdigest()}")
        return None if raw is None else int(raw)


class BenchDatabase:
    """The bench database: sign-in codes, the outbox and accounts.

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

    def code_count(self, phone):
        """How many codes were made for ``phone`` (each code request that went makes one)."""
        return self._rows("SELECT count(*) FROM accounts_signincode WHERE phone = %s", (phone,))[0][
            0
        ]

    def wrong_tries(self, phone):
        """Wrong guesses recorded against all of ``phone``'s codes."""
        rows = self._rows(
            "SELECT coalesce(sum(wrong_tries), 0) FROM accounts_signincode WHERE phone = %s",
            (phone,),
        )
        return int(rows[0][0])

    def codes(self, phone):
        """``phone``'s code rows, oldest first."""
        rows = self._rows(
            "SELECT client, wrong_tries, code_hash = '', throttling_failure_count, "
            "throttling_failure_timestamp FROM accounts_signincode WHERE phone = %s "
            "ORDER BY created_at, id",
            (phone,),
        )
        keys = ("client", "wrong_tries", "finished", "throttle_count", "throttle_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def throttle_until(self, phone, factor):
        """When the newest code of ``phone`` takes a guess again (None: now)."""
        rows = self._rows(
            "SELECT throttling_failure_count, throttling_failure_timestamp "
            "FROM accounts_signincode WHERE phone = %s ORDER BY created_at DESC, id DESC LIMIT 1",
            (phone,),
        )
        if not rows or not factor or not rows[0][0] or rows[0][1] is None:
            return None
        count, at = rows[0]
        return at + datetime.timedelta(seconds=factor * 2 ** (count - 1))

    def message_statuses(self, phones):
        rows = self._rows(
            "SELECT status, count(*) FROM notifications_message WHERE recipient = ANY(%s) "
            "GROUP BY status",
            (list(phones),),
        )
        return dict(rows)

    def message_errors(self, phones):
        rows = self._rows(
            "SELECT error_code, count(*) FROM notifications_message WHERE recipient = ANY(%s) "
            "AND status = 'cancelled' GROUP BY error_code",
            (list(phones),),
        )
        return dict(rows)

    def accounts(self, phones):
        rows = self._rows(
            "SELECT count(*) FROM accounts_user WHERE phone = ANY(%s)", (list(phones),)
        )
        return rows[0][0]

    def signed_in_count(self, phones):
        rows = self._rows(
            "SELECT count(*) FROM accounts_user WHERE phone = ANY(%s) AND last_login IS NOT NULL",
            (list(phones),),
        )
        return rows[0][0]


# -- the portal ------------------------------------------------------------------------------------


class Portal:
    """gunicorn serving the portal on a free loopback port, with its log, access log and the
    file its console phone writes what it received to."""

    def __init__(self, env, workdir, name, workers):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(workdir) / f"{name}.log"
        self.access_log = Path(workdir) / f"{name}-access.log"
        self.access_log.touch()
        self.inbox = PhoneInbox(Path(workdir) / f"{name}-phone.jsonl")
        self.process = start_gunicorn(
            {**env, "PUBLIC_BASE_URL": self.base_url, "CONSOLE_PHONE_INBOX": str(self.inbox.path)},
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


def sign_in(portal, national, database, start=None, source_ip=ATTACKER_ADDRESS, browser=None):
    """One resident's sign-in; returns the two step times and whether it worked.

    ``browser`` is a session to sign in with and keep (the resident's own phone, whose cookies
    stay); without one, a new session from ``source_ip`` is used and closed.
    """
    phone = "+86" + national
    base_url = portal.base_url
    result = {"phone": phone, "request_ms": None, "verify_ms": None, "signed_in": False}
    result.update(error=None, code_sent=False, code_status=None)
    try:
        with contextlib.nullcontext(browser) if browser else client_session(source_ip) as session:
            if start is not None:
                start.wait(timeout=HTTP_TIMEOUT)
            token = signin_token(session, base_url)
            codes_before = database.code_count(phone)
            texts_before = len(portal.inbox.texts_to(phone))

            began = time.perf_counter()
            ask_for_code(session, base_url, token, national)
            result["request_ms"] = (time.perf_counter() - began) * 1000

            if database.code_count(phone) == codes_before:
                state, reason = code_page_status(session, base_url)
                result["code_status"] = state if reason is None else f"{state} ({reason})"
                raise Problem(f"no code went: the code page says {result['code_status']}")
            result["code_sent"] = True
            code = portal.inbox.new_code(phone, texts_before)
            if code is None:
                raise Problem("the phone received no code")

            began = time.perf_counter()
            answer = post_code(session, base_url, token, code)
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


def sign_in_many(portal, database, first_number, count):
    start = threading.Barrier(count)
    numbers = [str(first_number + index) for index in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        began = time.monotonic()
        futures = [pool.submit(sign_in, portal, number, database, start) for number in numbers]
        results = [future.result() for future in futures]
        wall_s = time.monotonic() - began
    return results, wall_s, ["+86" + number for number in numbers]


def run_residents(portal, database, count):
    log(f"residents: {count} sign-ins at once")
    offset = portal.access_log_size()
    results, wall_s, phones = sign_in_many(portal, database, RESIDENT_FIRST_NUMBER, count)
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
        "codes_received": portal.inbox.count_to(phones),
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
    results, _, _ = sign_in_many(portal, database, WARMUP_FIRST_NUMBER, WARMUP_SIGNINS)
    failed = [r["error"] for r in results if not r["signed_in"]]
    if failed:
        raise RuntimeError(f"warm-up sign-ins failed: {failed[:3]}\n{log_tail(portal.log_path)}")


# -- the attacker guessing codes -------------------------------------------------------------------


class CodeRequests:
    """One session's code requests for one phone: how many went, how many were refused, why."""

    def __init__(self, portal, database, session, phone):
        self.portal, self.database, self.session, self.phone = portal, database, session, phone
        self.asked = self.refused = 0
        self.refused_by = Counter()

    def ask(self, send, read_status=True):
        """Make a code request with ``send()``; True if a code went."""
        before = self.database.code_count(self.phone)
        send()
        self.asked += 1
        if self.database.code_count(self.phone) > before:
            return True
        self.refused += 1
        if read_status:
            _, reason = code_page_status(self.session, self.portal.base_url)
            self.refused_by[reason or "not refused?"] += 1
        return False


def classify_wait(guess_counter, sent_at, throttle_until):
    """Why a guess was answered "wait": the client's guess limit or the code's own wait."""
    count = guess_counter.count(ATTACKER_ADDRESS)
    if count is not None:
        return "guess_limit" if count > guess_counter.limit else "throttling"
    # No counter to read: the code's own wait if it was still running when the guess went.
    return (
        "throttling" if throttle_until is not None and sent_at < throttle_until else "guess_limit"
    )


def attack(portal, database, guess_counter, national, guesses, throttle_factor, seed):
    """One session guessing codes for one phone as fast as the portal answers."""
    phone = "+86" + national
    base_url = portal.base_url
    rng = random.Random(seed)
    answers, refused, problems = Counter(), Counter(), []
    evaluated = accepted = http_requests = guessed = 0
    log(f"attacker (throttle factor {throttle_factor}): {guesses} guesses at {phone}")
    began = time.monotonic()
    with client_session(ATTACKER_ADDRESS) as session:
        token = signin_token(session, base_url)
        code_requests = CodeRequests(portal, database, session, phone)
        code_live = code_requests.ask(lambda: ask_for_code(session, base_url, token, national))
        http_requests += 2 + (not code_live)
        sent = set(portal.inbox.codes_to(phone))
        for _ in range(guesses):
            guessed += 1
            guess = random_guess(rng, sent)
            wrong_before = database.wrong_tries(phone)
            throttle_until = database.throttle_until(phone, throttle_factor)
            sent_at = datetime.datetime.now(datetime.UTC)
            answer = post_code(session, base_url, token, guess)
            http_requests += 1
            if answer.status_code == 302:
                accepted += 1
                problems.append(f"guess {guess} accepted: 302 to {answer.headers.get('Location')}")
                break
            outcome = outcome_of(answer.text) if answer.status_code == 200 else "unknown"
            answers[outcome] += 1
            if database.wrong_tries(phone) > wrong_before:
                evaluated += 1
            elif outcome == "wait":
                refused[classify_wait(guess_counter, sent_at, throttle_until)] += 1
            elif outcome == "too_many":
                refused["guess_limit"] += 1
            elif outcome == "new_code_needed":
                refused["no_code" if not code_live else "code_unusable"] += 1
            elif outcome == "expired":
                refused["expired"] += 1
            else:
                refused["unexpected_answer"] += 1
                problems.append(f"guess answered {answer.status_code} ({outcome})")
            if outcome in ("new_code_needed", "expired"):
                code_live = code_requests.ask(lambda: ask_again(session, base_url, token))
                http_requests += 1 + (not code_live)
                sent = set(portal.inbox.codes_to(phone))
    duration_s = time.monotonic() - began
    codes = database.codes(phone)
    wait_s = next_in_s = None
    last = codes[-1] if codes else None
    if throttle_factor and last and last["throttle_count"]:
        wait_s = throttle_factor * 2 ** (last["throttle_count"] - 1)
        since = datetime.datetime.now(datetime.UTC) - last["throttle_at"]
        next_in_s = max(0.0, wait_s - since.total_seconds())
    refusals = sum(refused.values())
    stopped_by = max(refused, key=refused.get) if refusals else "nothing"
    return {
        "throttle_factor": throttle_factor,
        "phone": phone,
        "guesses": guessed,
        "guesses_accepted": accepted,
        "guesses_evaluated": evaluated,
        "guesses_refused": refusals,
        "refused_guess_limit": refused["guess_limit"],
        "refused_throttling": refused["throttling"],
        "refused_no_code": refused["no_code"],
        "refused_other": refused["code_unusable"]
        + refused["expired"]
        + refused["unexpected_answer"],
        "mostly_stopped_by": stopped_by,
        "answers": dict(answers),
        "code_requests": code_requests.asked,
        "codes_sent": len(portal.inbox.texts_to(phone)),
        "code_requests_refused": code_requests.refused,
        "code_requests_refused_by": dict(code_requests.refused_by),
        "messages_by_status": database.message_statuses([phone]),
        "wrong_guesses_recorded": sum(code["wrong_tries"] for code in codes),
        "throttle_failures": last["throttle_count"] if last else None,
        "throttle_wait_s": wait_s,
        "next_guess_allowed_in_s": rounded(next_in_s),
        "guess_counter": guess_counter.count(ATTACKER_ADDRESS),
        "http_requests": http_requests,
        "duration_s": rounded(duration_s, 2),
        "problems": problems[:5],
        "problem_count": len(problems),
    }


# -- SMS pumping -----------------------------------------------------------------------------------


def pump(portal, database, first_number, count, session_per_number):
    """One client asking for codes for ``count`` different numbers as fast as it can."""
    numbers = [str(first_number + index) for index in range(count)]
    phones = ["+86" + number for number in numbers]
    how = "a new session for each number" if session_per_number else "one session"
    log(f"pumping: codes for {count} numbers from {ATTACKER_ADDRESS}, {how}")
    problems, went = [], []
    http_requests = 0
    began = time.monotonic()
    session = token = None
    try:
        for number in numbers:
            if session is None or session_per_number:
                if session is not None:
                    session.close()
                session = client_session(ATTACKER_ADDRESS)
                token = signin_token(session, portal.base_url)
                http_requests += 1
            try:
                ask_for_code(session, portal.base_url, token, number)
            except Problem as error:
                problems.append(f"+86{number}: {error}")
            http_requests += 1
            went.append(database.code_count("+86" + number) > 0)
    finally:
        if session is not None:
            session.close()
    duration_s = time.monotonic() - began
    time.sleep(0.2)  # the last texts reach the phone inbox before the answer, but be sure
    statuses = database.message_statuses(phones)
    refused_at = [index + 1 for index, ok in enumerate(went) if not ok]
    return {
        "numbers": count,
        "session_per_number": session_per_number,
        "codes_sent": portal.inbox.count_to(phones),
        "code_requests_refused": len(refused_at),
        "first_refused_request": refused_at[0] if refused_at else None,
        "outbox_not_cancelled": sum(n for status, n in statuses.items() if status != "cancelled"),
        "messages_by_status": statuses,
        "cancelled_because": database.message_errors(phones),
        "accounts_created": database.accounts(phones),
        "http_requests": http_requests,
        "duration_s": rounded(duration_s, 2),
        "within_a_minute": duration_s <= 60,
        "problems": problems[:5],
        "problem_count": len(problems),
    }


# -- a resident's number under attack --------------------------------------------------------------


def attack_number(portal, database, national, address, rng, max_requests):
    """From ``address``: ask for codes for ``national`` until refused, then guess wrong codes
    until ``max_requests`` HTTP requests were made (``None``: stop at the first refusal)."""
    phone = "+86" + national
    base_url = portal.base_url
    found = Counter()
    with client_session(address) as session:
        token = signin_token(session, base_url)
        found["http_requests"] = 1
        code_requests = CodeRequests(portal, database, session, phone)
        code_live = code_requests.ask(
            lambda: ask_for_code(session, base_url, token, national), read_status=False
        )
        found["http_requests"] += 1
        limit = max_requests or float("inf")
        while code_live and found["http_requests"] < limit:
            code_live = code_requests.ask(
                lambda: ask_again(session, base_url, token), read_status=False
            )
            found["http_requests"] += 1
        sent = set(portal.inbox.codes_to(phone))
        while max_requests and found["http_requests"] < max_requests:
            wrong_before = database.wrong_tries(phone)
            answer = post_code(session, base_url, token, random_guess(rng, sent))
            found["http_requests"] += 1
            found["guesses"] += 1
            if answer.status_code == 302:
                found["accepted"] += 1
            elif database.wrong_tries(phone) > wrong_before:
                found["evaluated"] += 1
            else:
                found["refused"] += 1
                found[f"answer_{outcome_of(answer.text)}"] += 1
    found["code_requests"] = code_requests.asked
    found["code_requests_refused"] = code_requests.refused
    return found


def victim(portal, database, national, seed, attacker_addresses, max_requests):
    """Attackers use up their budgets for a resident's number; can the resident still sign in?

    The resident signs in once from their own phone (``VICTIM_ADDRESS``) so the account exists;
    then each address in ``attacker_addresses`` in turn asks for codes until refused (and
    guesses, up to ``max_requests`` requests); then the resident tries to sign in, again every
    few seconds, for up to ``VICTIM_WITHIN_S``.
    """
    phone = "+86" + national
    problems = []
    log(f"victim: {phone} signs in from {VICTIM_ADDRESS} first")
    # The resident's own phone: one browser, whose cookies stay, as a phone's do.
    phone_browser = client_session(VICTIM_ADDRESS)
    first = sign_in(portal, national, database, browser=phone_browser)
    if not first["signed_in"]:
        problems.append(f"the resident's first sign-in failed: {first['error']}")

    log(f"victim: attackers from {', '.join(attacker_addresses)}")
    rng = random.Random(seed)
    attacker = Counter()
    attacker_began = time.monotonic()
    for address in attacker_addresses:
        attacker.update(attack_number(portal, database, national, address, rng, max_requests))
    attacker_s = time.monotonic() - attacker_began
    if attacker["accepted"]:
        problems.append(f"{attacker['accepted']} of the attackers' guesses were accepted")
    attacker_codes = [code for code in database.codes(phone) if code["client"] != VICTIM_ADDRESS]

    log(f"victim: {phone} tries to sign in from {VICTIM_ADDRESS} for up to {VICTIM_WITHIN_S:.0f} s")
    tries, outcome = [], None
    began = time.monotonic()
    while time.monotonic() - began < VICTIM_WITHIN_S:
        outcome = sign_in(portal, national, database, browser=phone_browser)
        tries.append(outcome["error"] or "signed in")
        if outcome["signed_in"]:
            break
        time.sleep(min(VICTIM_RETRY_S, max(0.0, VICTIM_WITHIN_S - (time.monotonic() - began))))
    signed_in = bool(outcome and outcome["signed_in"])
    phone_browser.close()
    return {
        "phone": phone,
        "first_sign_in": first["signed_in"],
        "attacker_addresses": list(attacker_addresses),
        "attacker_http_requests": attacker["http_requests"],
        "attacker_code_requests": attacker["code_requests"],
        "attacker_codes_sent": len(attacker_codes),
        "attacker_code_requests_refused": attacker["code_requests_refused"],
        "attacker_guesses": attacker["guesses"],
        "attacker_guesses_accepted": attacker["accepted"],
        "attacker_guesses_evaluated": attacker["evaluated"],
        "attacker_guesses_refused": attacker["refused"],
        "attacker_refusal_answers": {
            key.removeprefix("answer_"): n
            for key, n in attacker.items()
            if key.startswith("answer_")
        },
        "attacker_duration_s": rounded(attacker_s, 2),
        "victim_tries": len(tries),
        "victim_code_sent": bool(outcome and outcome["code_sent"]),
        "victim_code_status": outcome["code_status"] if outcome else None,
        "victim_signed_in": signed_in,
        "victim_landing": outcome.get("landing") if outcome else None,
        "victim_signin_s": rounded(time.monotonic() - began, 2) if signed_in else None,
        "victim_verify_ms": rounded(outcome["verify_ms"]) if outcome else None,
        "victim_errors": [error for error in tries if error != "signed in"][:5],
        "codes_to_number": len(portal.inbox.texts_to(phone)),
        "locked_out": not signed_in,
        "problems": problems[:5],
        "problem_count": len(problems),
    }


# -- report ----------------------------------------------------------------------------------------


def format_report(residents, attackers, pumps, targets, meta):
    r = residents
    lines = [
        f"Resident sign-in: {r['residents']} residents at once, gunicorn {meta['workers']} sync "
        f"workers, PostgreSQL {BENCH_DATABASE}, Redis cache {meta['redis_url']}, "
        "console SMS (eager), codes read from the console phone's inbox file",
        f"host: {meta['host']['cpus']} CPUs, load average {meta['host']['load_start']} at start, "
        f"{meta['host']['load_end']} at end; {WARMUP_SIGNINS} warm-up sign-ins not counted; "
        f"per-client limits raised for the residents: {json.dumps(RESIDENTS_LIMITS)}",
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
        f"{r['last_login_set']}; codes received: {r['codes_received']}; "
        f"landed on {json.dumps(r['landings'])})",
        f"{'errors':34}{r['errors']}",
        f"{'wall time s':34}{r['wall_s']}",
    ]
    lines += [f"  {sample}" for sample in r["error_samples"]]
    lines += ["", f"Default limits for everything below: {json.dumps(meta['limits'])}"]
    if attackers:
        guesses = attackers[0]["guesses"]
        lines += [
            "",
            f"Attacker from {ATTACKER_ADDRESS}: one fresh phone, up to {guesses} guesses back to "
            "back (never a code that was sent), a new code asked for whenever told the code can "
            "no longer be used",
            f"{'':34}" + "".join(f"{'factor ' + str(a['throttle_factor']):>14}" for a in attackers),
        ]
        rows = [
            ("guesses sent", "guesses"),
            ("guesses ACCEPTED", "guesses_accepted"),
            ("guesses evaluated (wrong)", "guesses_evaluated"),
            ("guesses refused", "guesses_refused"),
            ("refused: client guess limit", "refused_guess_limit"),
            ("refused: code's wait (throttle)", "refused_throttling"),
            ("refused: no code (not sent)", "refused_no_code"),
            ("refused: other", "refused_other"),
            ("mostly stopped by", "mostly_stopped_by"),
            ("code requests", "code_requests"),
            ("codes sent", "codes_sent"),
            ("code requests refused", "code_requests_refused"),
            ("wrong guesses on the codes", "wrong_guesses_recorded"),
            ("throttle: wait after last s", "throttle_wait_s"),
            ("throttle: next guess in s", "next_guess_allowed_in_s"),
            ("guess counter (Redis)", "guess_counter"),
            ("HTTP requests", "http_requests"),
            ("duration s", "duration_s"),
        ]
        for label, key in rows:
            lines.append(f"{label:34}" + "".join(f"{a[key]!s:>14}" for a in attackers))
        lines.append(
            f"{'code requests refused by':34}"
            + "   ".join(json.dumps(a["code_requests_refused_by"]) for a in attackers)
        )
        for attacker in attackers:
            lines += [f"  factor {attacker['throttle_factor']}: {p}" for p in attacker["problems"]]
    lines += [
        "",
        f"SMS pumping from {ATTACKER_ADDRESS}: codes asked for {pumps[0]['numbers']} different "
        "numbers, back to back",
        f"{'':34}{'one session':>14}{'session each':>14}",
    ]
    rows = [
        ("codes sent (phone inbox)", "codes_sent"),
        ("outbox rows not cancelled", "outbox_not_cancelled"),
        ("code requests refused", "code_requests_refused"),
        ("first refused request", "first_refused_request"),
        ("accounts created", "accounts_created"),
        ("HTTP requests", "http_requests"),
        ("duration s", "duration_s"),
    ]
    for label, key in rows:
        lines.append(f"{label:34}" + "".join(f"{p[key]!s:>14}" for p in pumps))
    for pump_run in pumps:
        lines += [f"  {p}" for p in pump_run["problems"]]
    for v in targets:
        lines += [
            "",
            f"Victim {v['phone']}: signed in first from {VICTIM_ADDRESS} "
            f"({'ok' if v['first_sign_in'] else 'FAILED'}); then attackers from "
            f"{', '.join(v['attacker_addresses'])}: {v['attacker_http_requests']} requests in "
            f"{v['attacker_duration_s']} s",
            f"{'attacker codes sent / refused':34}{v['attacker_codes_sent']} / "
            f"{v['attacker_code_requests_refused']} (of {v['attacker_code_requests']} requests)",
            f"{'attacker guesses eval. / refused':34}{v['attacker_guesses_evaluated']} / "
            f"{v['attacker_guesses_refused']} (of {v['attacker_guesses']}; accepted "
            f"{v['attacker_guesses_accepted']}; refusals answered "
            f"{json.dumps(v['attacker_refusal_answers'])})",
            f"{'resident then: code sent':34}{v['victim_code_sent']} "
            f"(code page: {v['victim_code_status'] or 'sent'})",
            f"{'resident then: signed in':34}{v['victim_signed_in']} after {v['victim_tries']} "
            f"tries, {v['victim_signin_s']} s (landed on {v['victim_landing']})",
            f"{'victim locked out':34}{v['locked_out']}",
        ]
        lines += [f"  {error}" for error in v["victim_errors"]]
        lines += [f"  {p}" for p in v["problems"]]
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


def signin_env(redis_url, throttle_factor, **limits):
    """The portal's environment: the default limits unless ``limits`` sets some."""
    return portal_env(
        environ_without(DROPPED_ENV, DROPPED_ENV_PREFIXES),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=BENCH_DATABASE_URL,
        REDIS_URL=redis_url,  # the limits' counters, shared by every worker
        SIGNIN_THROTTLE_FACTOR=str(throttle_factor),
        **limits,
    )


def distributed_addresses(limits):
    """Just enough attacker addresses for their per-client budgets to fill the number's."""
    per_client = limits["SIGNIN_CODES_PER_NUMBER_PER_CLIENT"]
    clients = min(50, -(-limits["SIGNIN_CODES_PER_NUMBER"] // per_client))
    return [f"127.0.0.{DISTRIBUTED_FIRST_ADDRESS + index}" for index in range(clients)]


def portal_limits(env):
    """The limits as the portal's settings read them from ``env``."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(LIMIT_SETTINGS)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"could not read the portal's limits:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    portals = []
    database = guess_counter = None
    created_database = False
    workdir = tempfile.TemporaryDirectory(prefix="bench-signin-")
    try:
        log(f"creating database {BENCH_DATABASE}")
        create_database(BENCH_DATABASE)
        created_database = True
        flush_cache(args.redis_url)
        env = signin_env(args.redis_url, 1)
        limits = portal_limits(env)
        log(f"default limits: {json.dumps(limits)}")
        log("migrating")
        migrate(env)
        database = BenchDatabase(BENCH_DATABASE_URL)
        guess_counter = GuessCounter(args.redis_url, limits["SIGNIN_GUESSES_PER_CLIENT"])

        portal = Portal(
            signin_env(args.redis_url, 1, **RESIDENTS_LIMITS),
            workdir.name,
            "residents",
            args.workers,
        )
        portals.append(portal)
        portal.wait_ready()
        warm_up(portal, database)
        residents = run_residents(portal, database, args.residents)
        log(f"residents: {json.dumps(residents, ensure_ascii=False)}")
        portal.stop()

        # The default limits from here on; each scenario starts with the cache's counts at 0.
        portal = Portal(env, workdir.name, "default-limits", args.workers)
        portals.append(portal)
        portal.wait_ready()
        flush_cache(args.redis_url)
        attackers = [
            attack(portal, database, guess_counter, ATTACKER_NUMBERS[1], args.guesses, 1, args.seed)
        ]
        pumps = []
        for first_number, session_per_number in zip(
            PUMPING_FIRST_NUMBERS, (False, True), strict=True
        ):
            flush_cache(args.redis_url)
            pumps.append(pump(portal, database, first_number, PUMPING_NUMBERS, session_per_number))
        flush_cache(args.redis_url)
        targets = [
            victim(
                portal,
                database,
                VICTIM_NUMBERS[0],
                args.seed + 2,
                [ATTACKER_ADDRESS],
                VICTIM_ATTACKER_REQUESTS,
            )
        ]
        flush_cache(args.redis_url)
        targets.append(
            victim(
                portal,
                database,
                VICTIM_NUMBERS[1],
                args.seed + 3,
                distributed_addresses(limits),
                None,
            )
        )
        portal.stop()
        if not args.no_unthrottled:
            flush_cache(args.redis_url)
            portal = Portal(
                signin_env(args.redis_url, 0), workdir.name, "unthrottled", args.workers
            )
            portals.append(portal)
            portal.wait_ready()
            attackers.append(
                attack(
                    portal,
                    database,
                    guess_counter,
                    ATTACKER_NUMBERS[0],
                    args.guesses,
                    0,
                    args.seed + 1,
                )
            )
            portal.stop()
        for attacker in attackers:
            log(f"attacker: {json.dumps(attacker, ensure_ascii=False, default=str)}")
        for pump_run in pumps:
            log(f"pumping: {json.dumps(pump_run, ensure_ascii=False, default=str)}")
        for target in targets:
            log(f"victim: {json.dumps(target, ensure_ascii=False, default=str)}")

        runtime_s = round(time.monotonic() - began, 1)
        meta = {
            "workers": args.workers,
            "redis_url": args.redis_url,
            "runtime_s": runtime_s,
            "limits": limits,
            "host": {
                "cpus": os.cpu_count(),
                "load_start": load_start,
                "load_end": round(os.getloadavg()[0], 2),
            },
        }
        print(format_report(residents, attackers, pumps, targets, meta))
        guesses_accepted = sum(a["guesses_accepted"] for a in attackers)
        guesses_accepted += sum(t["attacker_guesses_accepted"] for t in targets)
        errors = (
            residents["errors"]
            + sum(a["problem_count"] for a in attackers)
            + sum(p["problem_count"] for p in pumps)
            + sum(t["problem_count"] for t in targets)
        )
        summary = {
            "request_p50_ms": residents["request_p50_ms"],
            "request_p99_ms": residents["request_p99_ms"],
            "verify_p50_ms": residents["verify_p50_ms"],
            "verify_p99_ms": residents["verify_p99_ms"],
            "guesses_accepted": guesses_accepted,
            "guesses_evaluated": attackers[0]["guesses_evaluated"],
            "guesses_refused": attackers[0]["guesses_refused"],
            "signed_in": residents["signed_in"],
            "residents": residents["residents"],
            "pumping_codes_sent": pumps[0]["codes_sent"],
            "pumping_codes_sent_session_per_number": pumps[1]["codes_sent"],
            "victim_locked_out": targets[0]["locked_out"],
            "victim_locked_out_distributed": targets[1]["locked_out"],
            "errors": errors,
            "attacker": attackers[0],
            "attacker_unthrottled": attackers[1] if len(attackers) > 1 else None,
            "pumping": pumps[0],
            "pumping_session_per_number": pumps[1],
            "victim": targets[0],
            "victim_distributed": targets[1],
            "residents_detail": residents,
            "limits": limits,
            "gunicorn_workers": args.workers,
            "runtime_s": runtime_s,
            "host": meta["host"],
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
        failed = (
            guesses_accepted or residents["signed_in"] != args.residents or targets[0]["locked_out"]
        )
        return 1 if failed else 0
    finally:
        for portal in portals:
            portal.stop()
        if database is not None:
            database.close()
        if guess_counter is not None:
            guess_counter.close()
        if created_database:
            drop_scratch_database(BENCH_DATABASE)
        try:
            flush_cache(args.redis_url)
        except redis.RedisError as error:
            log(f"could not flush {args.redis_url}: {error}")
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
