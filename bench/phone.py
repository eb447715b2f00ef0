"""The phone channel under load: hotline calls walked key by key and SMS commands, at once.

    .venv/bin/python bench/phone.py [--callers 300] [--over 30] [--sms 1000] [--sms-over 60]

Starts, all on 127.0.0.1 and each in its own process group (stopped on the way out, even
after an error, Ctrl-C or SIGTERM): the fake dispatch company (``tests/support/fake_dispatch``,
finding a car ``--find-after`` seconds after each order), a Celery worker (2 prefork
processes) on Redis, and gunicorn (``--workers`` sync workers, 4 by default as the README
deploys it). The fake Twilio REST API (``tests/support/fake_twilio.FakeTwilio``) runs in a
thread of this process: the outbox's texts and voice calls go there through the real SDK
(``SMS_BACKEND`` and ``VOICE_BACKEND`` are the Twilio backend, ``TWILIO_API_BASE_URL`` the
fake). Twilio's webhooks are signed with the fake's auth token over ``PUBLIC_BASE_URL``, which
is gunicorn's own address. PostgreSQL is ``DATABASE_URL`` when set, else a scratch database
``bench_phone`` (created, migrated and dropped); Redis is ``REDIS_URL`` (default
redis://127.0.0.1:6379/12, flushed before and after), broker and cache.

The desk is open all day (``ASSIST_HOURS_WORKDAY`` and ``ASSIST_HOURS_DAY_OFF`` are ``0-24``
for every process), so person callers are rung whatever the time (``desk_open`` says so).

Set-up (not timed): the Shanghai streets, ``--volunteers`` volunteers on duty with phone
numbers, each covering four streets; the callers and, apart from them, the residents who
text (nobody texts while on a call, so rides are counted per resident), all with a home
address and a street; an upcoming hospital appointment (booked through
``services.hospital.api``) for every caller who will ask for one and for a quarter of those
who text. Then calls and texts from one more resident warm up every gunicorn worker.

The run (timed): ``--callers`` calls arrive evenly over ``--over`` seconds, one thread and one
HTTP session each (``tests/support/fake_caller.FakeCaller``), pausing ``--pause`` seconds
before each action as a person would (ringing volunteers also "take" ``--pause`` seconds):

- half order a taxi: the menu, 1, then 1 to confirm. One in ten of them has the confirm
  posted twice at once, as Twilio retries a webhook that answers slowly (same ``CallSid``,
  the ride's idempotency key);
- a quarter want their appointment: 2, and the call ends; the portal queues a voice call to
  the registered number, counted when it reaches the fake Twilio;
- a quarter want a person: 0, then half are answered by a volunteer rung, half hear nobody
  answer three rounds, which opens a call-back request.

Meanwhile ``--sms`` texts arrive over ``--sms-over`` seconds from the start of the calls
(``tests/support/fake_twilio.InboundSms``), as short conversations, one per resident, with
``--pause`` seconds between texts: STATUS / 状态, HELP / 帮助, an unknown word, TAXI / 打车 then
1 or 2, TAXI, 1 then CANCEL, STOP / 退订 then START / 订阅. One text in twenty is posted again
with the same ``MessageSid`` (every other one while the first is in flight): the reply must
be the same and nothing more done.

Every POST of a webhook is timed in the client (its own thread's session, so the figure
includes this process's share of the two cores). Figures (last line, JSON): ``calls``,
``sms`` (texts, retries apart), ``rides_ordered`` (rides of the taxi callers),
``duplicate_rides`` (rides beyond one per resident who asked, by phone or text: must be 0),
``webhook_p50_ms`` and ``webhook_p99_ms`` over every webhook POST (target under 100 ms on 2
cores; Twilio gives up after 15 s), ``errors`` (non-200 answers, calls that went wrong and
exceptions: must be 0); and more: per step, gunicorn's own time from its access log,
``appointments_called_back`` (and how many of those calls read out the visit),
``help_requests_opened``, ``sms_by_command``, the retries, texts sent twice, and the CPU
seconds each part used during the run (``others``: processes that are not the benchmark's,
which make the figures noisy). Exit status 1 when ``errors`` or ``duplicate_rides`` is not
0.
"""

import argparse
import datetime
import json
import os
import random
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

import redis  # noqa: E402
import requests  # noqa: E402

from bench.benchkit import (  # noqa: E402
    cpu_seconds,
    database_for,
    flush_own_redis,
    let_go_of_database,
    log,
    log_tail,
    migrate,
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
from bench.taxi import start_fake_dispatch  # noqa: E402
from tests.support.fake_caller import (  # noqa: E402
    CallError,
    HttpTransport,
    SignedPoster,
    parse_twiml,
)
from tests.support.fake_twilio import FakeTwilio  # noqa: E402
from tests.support.live_portal import answers_http, free_port  # noqa: E402

BENCH_DATABASE = "bench_phone"
HOSPITAL = "基准医院"  # the hospital every appointment is at: a call-back must name it
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
ALL_DAY = "0-24"
HOTLINE = "+862162000000"  # the number called and texted, and the outbox's sender
TWILIO_GIVES_UP_S = 15.0  # Twilio's webhook timeout
FIRST_CALLER = 13_720_000_000
FIRST_TEXTER = 13_730_000_000
FIRST_VOLUNTEER = 13_950_000_000
WARM_UP_NUMBER = 13_719_999_000
TARGET_P99_MS = 100
RETRY_TAXI_EVERY = 10  # one taxi caller in ten has the confirm posted twice
RETRY_SMS_EVERY = 20  # one text in twenty is posted again with its MessageSid
SEED = 20261202
# What the warm-up resident (who has an appointment too) texts: every command's code path.
WARM_UP_TEXTS = ("hello", "STATUS", "HELP", "TAXI", "1", "CANCEL", "TAXI", "2")

# The SMS conversations: what a resident texts, one text after another, and how often
# (weights). Chinese and English words alike.
CONVERSATIONS = {
    "status": ((("STATUS",), ("状态",)), 4),
    "help": ((("HELP",), ("帮助",)), 1),
    "unknown": ((("hello",), ("你好",)), 2),
    "taxi_yes": ((("TAXI", "1"), ("打车", "1")), 3),
    "taxi_no": ((("TAXI", "2"), ("打车", "2")), 1),
    "taxi_cancel": ((("TAXI", "1", "CANCEL"), ("打车", "1", "取消")), 1),
    "stop_start": ((("STOP", "START"), ("退订", "订阅")), 1),
}
BOOKS_A_RIDE = {"taxi_yes", "taxi_cancel"}
# The command each text is, to time the texts per command.
COMMAND_OF = {
    "STATUS": "status",
    "状态": "status",
    "HELP": "help",
    "帮助": "help",
    "hello": "unknown",
    "你好": "unknown",
    "TAXI": "taxi",
    "打车": "taxi",
    "1": "answer",
    "2": "answer",
    "CANCEL": "cancel",
    "取消": "cancel",
    "STOP": "stop",
    "退订": "stop",
    "START": "start",
    "订阅": "start",
}


class Unexpected(Exception):
    """The portal answered 200 with TwiML, but not what the caller or texter needed."""


# -- timing every webhook --------------------------------------------------------------------------


class Stats:
    """What every thread reports: each POST's time, and what went wrong."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = []  # (step, HTTP status, ms, when it was sent: time.monotonic())
        self.failures = []  # (what, description)
        self.outcomes = Counter()

    def post(self, step, status, ms, sent_at):
        with self.lock:
            self.posts.append((step, status, ms, sent_at))

    def failure(self, what, description):
        with self.lock:
            self.failures.append((what, description))

    def outcome(self, name):
        with self.lock:
            self.outcomes[name] += 1


class TimedTransport:
    """An ``HttpTransport`` (one session, one thread) that times each POST into ``stats``."""

    def __init__(self, base_url, stats, label=""):
        self.inner = HttpTransport(base_url, timeout=TWILIO_GIVES_UP_S)
        self.stats = stats
        self.label = label
        self.non_200 = 0

    def post(self, path, params, headers):
        step = path.split("?", 1)[0].removeprefix("/phone/").strip("/")
        if step == "sms":
            step += " " + COMMAND_OF.get(params.get("Body"), "other")
        step += self.label
        sent_at, began = time.monotonic(), time.perf_counter()
        try:
            status, text = self.inner.post(path, params, headers)
        except requests.RequestException as error:
            self.stats.failure(step, f"{type(error).__name__}: {error}")
            raise
        self.stats.post(step, status, (time.perf_counter() - began) * 1000, sent_at)
        if status != 200:
            self.non_200 += 1
            self.stats.failure(step, f"HTTP {status}: {text[:300]!r}")
        return status, text

    def close(self):
        self.inner.close()


# -- the plan --------------------------------------------------------------------------------------


@dataclass
class Caller:
    index: int
    number: str
    kind: str  # "taxi", "appointment" or "person"
    retry: bool = False  # taxi: the confirm is posted twice at once
    answered: bool = False  # person: a volunteer picks up


@dataclass
class Texter:
    index: int
    number: str
    kind: str  # a key of CONVERSATIONS
    texts: tuple
    retries: dict = field(default_factory=dict)  # text index -> "parallel" or "after"
    appointment: bool = False


def plan_callers(count):
    callers = []
    taxis = 0
    for index in range(count):
        kind = ("taxi", "taxi", "appointment", "person")[index % 4]
        caller = Caller(index, f"+86{FIRST_CALLER + index}", kind)
        if kind == "taxi":
            caller.retry = taxis % RETRY_TAXI_EVERY == RETRY_TAXI_EVERY - 1
            taxis += 1
        caller.answered = kind == "person" and (index // 4) % 2 == 0
        callers.append(caller)
    return callers


def plan_texters(texts, rng):
    """Conversations until ``texts`` texts (the last one cut short if need be)."""
    kinds = list(CONVERSATIONS)
    weights = [CONVERSATIONS[kind][1] for kind in kinds]
    texters, total, retried = [], 0, 0
    while total < texts:
        kind = rng.choices(kinds, weights)[0]
        words = rng.choice(CONVERSATIONS[kind][0])[: texts - total]
        index = len(texters)
        texter = Texter(index, f"+86{FIRST_TEXTER + index}", kind, words)
        for position in range(len(words)):
            if (total + position) % RETRY_SMS_EVERY == RETRY_SMS_EVERY - 1:
                texter.retries[position] = ("parallel", "after")[retried % 2]
                retried += 1
        texter.appointment = index % 4 == 0
        texters.append(texter)
        total += len(words)
    return texters


# -- set-up, through Django in this process --------------------------------------------------------


def id_number(serial):
    """A made-up ID number with a valid check character (as bench/booking_race.py)."""
    body = f"3101051950{1 + serial // 28 % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def make_volunteers(count, streets, rng):
    """``count`` volunteers on duty, with phone numbers, each covering four streets."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from portal.accounts.duty import set_on_duty

    User = get_user_model()
    group = Group.objects.get(name="Volunteers")
    for index in range(count):
        number = f"+86{FIRST_VOLUNTEER + index}"
        person = User.objects.create_user(f"bench-volunteer-{index}", phone=number, is_staff=True)
        person.groups.add(group)
        person = User.objects.get(pk=person.pk)  # no cached permissions
        duty = set_on_duty(person, True)
        duty.streets.set(rng.sample(streets, min(4, len(streets))))


def make_residents(numbers, streets, rng):
    """Registered residents with these numbers, a home address and a street: {number: pk}."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    made = User.objects.bulk_create(
        [
            User(
                username=number,
                phone=number,
                preferred_name=f"居民{number[-4:]}",
                home_address=f"上海市黄浦区测试路{int(number[-3:]) + 1}号",
                street=rng.choice(streets),
            )
            for number in numbers
        ],
        batch_size=500,
    )
    return {user.phone: user.pk for user in made}


def book_appointments(resident_ids):
    """An upcoming appointment for each of these residents, booked as a resident books."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from portal.acting import Acting
    from services.hospital import api
    from services.hospital.models import Department, Doctor, Hospital, Session

    if not resident_ids:
        return 0
    hospital = Hospital.objects.create(
        name=HOSPITAL,
        name_en="Bench Hospital",
        district="黄浦区",
        address="黄浦区瑞金二路197号",
        what_to_bring="身份证、医保卡",
    )
    department = Department.objects.create(hospital=hospital, name="内科", name_en="Medicine")
    doctor = Doctor.objects.create(department=department, name="张伟明")
    session = Session.objects.create(
        department=department,
        doctor=doctor,
        date=timezone.localdate() + datetime.timedelta(days=2),
        period="morning",
        starts_at=datetime.time(8, 30),
        ends_at=datetime.time(11, 30),
        capacity=len(resident_ids),
    )
    booked = 0
    for serial, user in enumerate(get_user_model().objects.filter(pk__in=resident_ids)):
        acting = Acting.by_resident(user)
        api.save_identity(acting, "王小华", id_number(serial))
        api.book(session, acting, idempotency_key=f"bench-phone-{user.pk}")
        booked += 1
    return booked


def set_up(args, callers, texters, rng):
    from django.apps import apps

    from portal.accounts.roles import ensure_roles
    from portal.areas.models import Street
    from portal.areas.shanghai import load_shanghai

    ensure_roles(apps, strict=False)
    load_shanghai()
    streets = list(Street.objects.all())
    log(f"{args.volunteers} volunteers on duty, {len(callers)} callers, {len(texters)} texters")
    make_volunteers(args.volunteers, streets, rng)
    numbers = [c.number for c in callers] + [t.number for t in texters]
    numbers.append(f"+86{WARM_UP_NUMBER}")
    ids = make_residents(numbers, streets, rng)
    wanted = [ids[f"+86{WARM_UP_NUMBER}"]]
    wanted += [ids[c.number] for c in callers if c.kind == "appointment"]
    wanted += [ids[t.number] for t in texters if t.appointment]
    log(f"booking {len(wanted)} hospital appointments")
    return ids, book_appointments(wanted) - 1


def wait_for_outbox(deadline_s):
    """Until no message that is due waits to be sent (the set-up's confirmations)."""
    from django.utils import timezone

    from portal.notifications.models import Message, Status

    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        waiting = Message.objects.filter(
            status__in=[Status.QUEUED, Status.SENDING], not_before__lte=timezone.now()
        ).count()
        if not waiting:
            return
        time.sleep(0.5)
    log("the outbox did not drain before the run; going on")


# -- the calls and the texts -----------------------------------------------------------------------


class Portal:
    """What every caller and texter needs to reach the portal."""

    def __init__(self, base_url, fake, stats, pause):
        self.base_url = base_url
        self.fake = fake
        self.stats = stats
        self.pause = pause

    def transport(self, label=""):
        return TimedTransport(self.base_url, self.stats, label)

    def caller(self, transport):
        return self.fake.caller(transport, public_base_url=self.base_url)

    def inbound_sms(self, transport):
        return self.fake.inbound_sms(transport, public_base_url=self.base_url, to=HOTLINE)


def record_failure(portal, transport, what, error, transcript=""):
    """An exception ending a call or a conversation; a non-200 answer was counted already."""
    if isinstance(error, requests.RequestException):
        return  # counted by the transport
    if isinstance(error, CallError) and transport.non_200:
        return
    portal.stats.failure(what, f"{type(error).__name__}: {str(error)[:1500]}{transcript}")


def place_call(portal, plan):
    transport = portal.transport()
    call = None
    try:
        call = portal.caller(transport).dial(from_=plan.number, to=HOTLINE)
        if call.gather is None:
            raise Unexpected("no menu")
        time.sleep(portal.pause)
        if plan.kind == "taxi":
            call.press("1")
            if call.gather is None:
                raise Unexpected("no taxi question")
            time.sleep(portal.pause)
            if plan.retry:
                confirm_twice(portal, call)
            else:
                call.press("1")
            if not call.over:
                raise Unexpected("the call went on after the taxi was confirmed")
            portal.stats.outcome("taxi")
        elif plan.kind == "appointment":
            call.press("2")
            if not call.over:
                raise Unexpected("the call went on after the appointment was asked for")
            portal.stats.outcome("appointment")
        else:
            call.press("0")
            if call.over:  # the desk is closed (or nobody on duty): a call-back at once
                portal.stats.outcome("person_call_back_at_once")
                return
            if call.dialing is None:
                raise Unexpected("nobody rung after 0")
            if plan.answered:
                time.sleep(portal.pause)
                call.answered_by(call.ringing[0])
                portal.stats.outcome("person_talked")
            else:
                rounds = 0
                while call.dialing is not None and rounds < 10:
                    time.sleep(portal.pause)
                    call.nobody_answered()
                    rounds += 1
                portal.stats.outcome(f"person_nobody_{rounds}_rounds")
            if not call.over:
                raise Unexpected("the call went on after the person part")
    except Exception as error:  # every failure is counted, none stops the run
        transcript = "\n" + call.transcript() if call is not None else ""
        record_failure(portal, transport, f"call {plan.kind}", error, transcript)
    finally:
        transport.close()


def confirm_twice(portal, call):
    """Press 1 to confirm the taxi while Twilio posts the same webhook again (a retry of a
    slow answer): both in flight at once, each on its own connection."""
    gather = call.gather
    params = {**call.params, "Digits": "1"}  # what call.press("1") posts
    retry_transport = portal.transport(" (retry)")
    poster = SignedPoster(retry_transport, portal.fake.auth_token, portal.base_url)
    answer = {}

    def retry():
        try:
            status, text, _ = poster.post(gather.action, params)
            answer["status"], answer["text"] = status, text
        except Exception as error:  # counted below
            answer["error"] = error

    thread = threading.Thread(target=retry, daemon=True)
    thread.start()
    try:
        call.press("1")
    finally:
        thread.join()
        retry_transport.close()
    portal.stats.outcome("taxi_confirm_retried")
    if "error" in answer:
        if not isinstance(answer["error"], requests.RequestException):
            portal.stats.failure("taxi retry", repr(answer["error"]))
    elif answer["status"] == 200:
        try:
            parse_twiml(answer["text"])
        except ValueError as error:
            portal.stats.failure("taxi retry", f"not TwiML: {error}")


def converse(portal, plan, replies):
    """One resident's texts, ``pause`` seconds apart; retried ones compared."""
    transport = portal.transport()
    sms = portal.inbound_sms(transport)
    try:
        for position, body in enumerate(plan.texts):
            if position:
                time.sleep(portal.pause)
            retry = plan.retries.get(position)
            if retry == "parallel":
                reply, retried = text_twice_at_once(portal, sms, plan.number, body)
            else:
                reply, retried = sms.send(plan.number, body), None
                if retry == "after" and reply.status == 200:
                    other = portal.transport(" (retry)")
                    try:
                        retried = portal.inbound_sms(other).resend(reply)
                    except Exception as error:  # counted, the conversation goes on
                        record_failure(portal, other, "sms (retry)", error)
                    finally:
                        other.close()
            if reply.status != 200:
                return  # counted by the transport
            words = reply.messages  # AssertionError when not TwiML
            replies.append((plan.kind, body, words[0] if words else ""))
            if retry:
                portal.stats.outcome("sms_retried")
                if retried is not None and retried.status == 200 and retried.messages != words:
                    portal.stats.outcome("sms_retry_changed_reply")
                    portal.stats.failure(
                        "sms (retry)", f"{body!r}: {words!r} then {retried.messages!r}"
                    )
        portal.stats.outcome(f"sms_{plan.kind}")
    except Exception as error:  # every failure is counted, none stops the run
        record_failure(portal, transport, f"sms {plan.kind}", error)
    finally:
        transport.close()


def text_twice_at_once(portal, sms, number, body):
    """The same text (one MessageSid) posted twice at once, each on its own connection, as
    when Twilio retries a webhook still being answered: (the reply, the retry's reply)."""
    sid = "SM" + secrets.token_hex(16)
    other = portal.transport(" (retry)")
    twin = {}

    def again():
        try:
            twin["reply"] = portal.inbound_sms(other).send(number, body, message_sid=sid)
        except Exception as error:  # counted below
            twin["error"] = error

    thread = threading.Thread(target=again, daemon=True)
    thread.start()
    try:
        reply = sms.send(number, body, message_sid=sid)
    finally:
        thread.join()
        other.close()
    if "error" in twin:
        record_failure(portal, other, "sms (retry)", twin["error"])
    return reply, twin.get("reply")


def warm_up(portal, workers):
    """Calls and texts down every path (nothing booked, nothing opened), so every gunicorn
    worker has imported and connected everything before the timed run."""
    number = f"+86{WARM_UP_NUMBER}"
    for _ in range(workers * 3):
        transport = HttpTransport(portal.base_url, timeout=60)
        try:
            call = portal.caller(transport).dial(from_=number, to=HOTLINE)
            call.press("1")  # the taxi question
            call.press("2")  # no taxi: back at the menu
            call.press("0")  # a person
            call.answered_by(call.ringing[0])
            sms = portal.inbound_sms(transport)
            for body in WARM_UP_TEXTS:
                if sms.send(number, body).status != 200:
                    raise RuntimeError(f"the warm-up text {body!r} was not answered 200")
        finally:
            transport.close()


def run_load(portal, callers, texters, args):
    """Start every call and conversation at its time; wait for them all. Returns the seconds
    from the first arrival to the last answer, the launcher's worst lateness (s) and the
    replies to the texts."""
    jobs = [
        (index * args.over / len(callers), place_call, (portal, c))
        for index, c in enumerate(callers)
    ]
    replies = []
    jobs += [
        (index * args.sms_over / len(texters), converse, (portal, t, replies))
        for index, t in enumerate(texters)
    ]
    jobs.sort(key=lambda job: job[0])
    threads, late = [], 0.0
    start = time.monotonic() + 0.2
    for offset, target, job_args in jobs:
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            late = max(late, -delay)
        thread = threading.Thread(target=target, args=job_args, daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=1.0)
    return time.monotonic() - start, late, replies


# -- counting --------------------------------------------------------------------------------------


def wait_for_call_backs(fake, numbers, deadline_s):
    """Until each of ``numbers`` had a call placed to it (or the deadline): those that had."""
    deadline = time.monotonic() + deadline_s
    while True:
        called = {record.to for record in fake.calls} & set(numbers)
        if len(called) == len(numbers) or time.monotonic() > deadline:
            return called
        time.sleep(0.5)


def count_results(ids, callers, texters, fake, args):
    from django.db.models import Count

    from assist.models import HelpRequest, InboundText
    from portal.notifications.models import Message, Status
    from services.taxi.models import Ride

    taxi_ids = [ids[c.number] for c in callers if c.kind == "taxi"]
    riders = taxi_ids + [ids[t.number] for t in texters if t.kind in BOOKS_A_RIDE]
    per_resident = Counter(
        dict(
            Ride.objects.filter(resident_id__in=riders)
            .values("resident_id")
            .annotate(n=Count("pk"))
            .values_list("resident_id", "n")
        )
    )
    taxi_set = set(taxi_ids)
    everyone = {ids[person.number] for person in [*callers, *texters]}
    not_asked = Ride.objects.filter(resident_id__in=everyone - set(riders)).count()
    appointment_numbers = [c.number for c in callers if c.kind == "appointment"]
    log(f"waiting for the call-backs to {len(appointment_numbers)} numbers")
    called = wait_for_call_backs(fake, appointment_numbers, args.deadline)
    calls_to = Counter(record.to for record in fake.calls)
    naming = {r.to for r in fake.calls if r.to in called and HOSPITAL in (r.twiml or "")}
    person_ids = [ids[c.number] for c in callers if c.kind == "person"]
    texter_ids = [ids[t.number] for t in texters]
    participants = [c.number for c in callers] + [t.number for t in texters]
    # The same words to the same number twice (the outbox's duplicate check let them through).
    twice = (
        Message.objects.filter(recipient__in=participants)
        .exclude(status=Status.CANCELLED)
        .values("recipient", "medium", "purpose", "body")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    handled = InboundText.objects.filter(from_number__in=[t.number for t in texters])
    return {
        "rides_ordered": sum(per_resident[pk] for pk in taxi_set),
        "duplicate_rides": sum(max(0, n - 1) for n in per_resident.values()),
        "taxi_callers_without_ride": sum(1 for pk in taxi_set if not per_resident[pk]),
        "rides_not_asked_for": not_asked,
        "sms_rides": sum(n for pk, n in per_resident.items() if pk not in taxi_set),
        "appointments_called_back": len(called),
        "call_backs_beyond_one": sum(max(0, calls_to[n] - 1) for n in appointment_numbers),
        "call_backs_naming_the_visit": len(naming),
        "help_requests_opened": HelpRequest.objects.filter(
            resident_id__in=person_ids, channel="phone"
        ).count(),
        "sms_help_requests": HelpRequest.objects.filter(
            resident_id__in=texter_ids, channel="sms"
        ).count(),
        "sms_handled": handled.count(),
        "sms_by_command": dict(
            handled.values("command").annotate(n=Count("pk")).values_list("command", "n")
        ),
        "texts_sent_twice": sum(row["n"] - 1 for row in twice),
        "texts_sent_twice_samples": [
            f"{row['n']}x {row['medium']} ({row['purpose']}) to {row['recipient']}:"
            f" {row['body'][:80]}"
            for row in twice[:10]
        ],
    }


def server_times(access_log):
    """gunicorn's own time (ms) per /phone/ webhook, from its access log."""
    times = []
    for line in Path(access_log).read_text(errors="replace").splitlines():
        parts = line.split()
        if (
            len(parts) == 3
            and parts[0] == "POST"
            and parts[1].startswith("/phone/")
            and parts[2].isdigit()
        ):
            times.append(int(parts[2]) / 1000)
    return times


def cpu_snapshot(groups):
    """CPU seconds so far of each process of each part: the benchmark's own process (callers,
    texters, the fake Twilio), gunicorn, the Celery worker, the fake dispatch company,
    PostgreSQL and Redis; and the whole machine's busy seconds (/proc/stat)."""
    parts = {"this_process": [os.getpid()], "postgres": pids_named("postgres")}
    parts |= {name: pids_in_group(process.pid) for name, process in groups.items()}
    parts["redis"] = pids_named("redis-server")
    snapshot = {name: {pid: cpu_seconds([pid]) for pid in pids} for name, pids in parts.items()}
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    busy = sum(int(value) for index, value in enumerate(fields) if index not in (3, 4))
    return snapshot, busy / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def cpu_spent(before, after, seconds):
    """CPU seconds each part used between two snapshots (a process started in between counts
    from zero, one gone in between is missed), the machine's, and the rest: other work."""
    (parts_before, busy_before), (parts_after, busy_after) = before, after
    spent = {
        name: sum(now - parts_before.get(name, {}).get(pid, 0.0) for pid, now in pids.items())
        for name, pids in parts_after.items()
    }
    spent["machine"] = busy_after - busy_before
    spent["others"] = spent["machine"] - sum(v for k, v in spent.items() if k != "machine")
    spent["machine_capacity"] = seconds * (os.cpu_count() or 1)
    return {name: rounded(value, 1) for name, value in spent.items()}


def by_step(posts):
    steps = defaultdict(list)
    for step, _, ms, _ in posts:
        steps[step].append(ms)
    return {
        step: {
            "n": len(values),
            "p50_ms": rounded(percentile(values, 50)),
            "p99_ms": rounded(percentile(values, 99)),
        }
        for step, values in sorted(steps.items())
    }


# -- main ------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--callers", type=int, default=300, help="calls to the hotline")
    parser.add_argument("--over", type=float, default=30.0, help="seconds the calls arrive over")
    parser.add_argument("--sms", type=int, default=1000, help="texts (retries apart)")
    parser.add_argument("--sms-over", type=float, default=60.0, help="seconds the texts come over")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds before each action")
    parser.add_argument("--volunteers", type=int, default=20, help="volunteers on duty")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--find-after", type=float, default=2.0, help="seconds the fake takes to find a car"
    )
    parser.add_argument(
        "--deadline", type=float, default=90.0, help="seconds to wait for the call-backs"
    )
    args = parser.parse_args()
    if args.callers < 4 or args.sms < 1:
        parser.error("--callers must be at least 4 (one of each kind) and --sms at least 1")
    if min(args.over, args.sms_over) <= 0 or args.pause < 0 or args.volunteers < 1:
        parser.error("--over and --sms-over must be positive, --volunteers at least 1")
    return args


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    began = time.monotonic()
    load_start = round(os.getloadavg()[0], 2)
    scratch_database = False
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    dispatch = worker = gunicorn = None
    workdir = tempfile.TemporaryDirectory(prefix="bench-phone-")
    logs = {name: Path(workdir.name) / f"{name}.log" for name in ("dispatch", "worker", "gunicorn")}
    access_log = Path(workdir.name) / "access.log"
    port, dispatch_port = free_port(), free_port()
    base_url, dispatch_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{dispatch_port}"
    secret, api_key = secrets.token_hex(16), secrets.token_hex(8)
    fake = FakeTwilio()
    fake.start()
    rng = random.Random(SEED)
    callers = plan_callers(args.callers)
    texters = plan_texters(args.sms, rng)
    try:
        database_url, scratch_database = database_for(BENCH_DATABASE)
        redis.Redis.from_url(redis_url).flushdb()
        env = portal_env(
            os.environ,
            ASSIST_HOURS_WORKDAY=ALL_DAY,
            ASSIST_HOURS_DAY_OFF=ALL_DAY,
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=redis_url,
            REDIS_URL=redis_url,
            PUBLIC_BASE_URL=base_url,
            SMS_BACKEND="portal.notifications.backends.twilio.TwilioBackend",
            VOICE_BACKEND="portal.notifications.backends.twilio.TwilioBackend",
            TWILIO_ACCOUNT_SID=fake.account_sid,
            TWILIO_AUTH_TOKEN=fake.auth_token,
            TWILIO_FROM_NUMBER=HOTLINE,
            TWILIO_API_BASE_URL=fake.base_url,
            TWILIO_TIMEOUT_SECONDS="5",
            TAXI_PROVIDER="services.taxi.providers.http.HttpDispatchProvider",
            TAXI_HTTP_BASE_URL=dispatch_url,
            TAXI_HTTP_API_KEY=api_key,
            TAXI_HTTP_WEBHOOK_SECRET=secret,
            NOTIFY_MAX_PER_HOUR="1000000",
            NOTIFY_MAX_PER_RECIPIENT_PER_HOUR="1000",
        )
        log("migrating")
        migrate(env)
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
            timeout=60,
            extra_args=(
                "--backlog",
                "2048",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(m)s %(U)s %(D)s",
            ),
        )

        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from assist.opening import is_open
        from portal.celery import app

        ids, appointments = set_up(args, callers, texters, rng)
        connection.close()
        log("waiting for the celery worker and gunicorn")
        wait_until(lambda: bool(app.control.ping(timeout=1.0)), "celery", worker, logs["worker"])
        wait_until(lambda: answers_http(port), "gunicorn", gunicorn, logs["gunicorn"])
        wait_for_outbox(60.0)
        stats = Stats()
        portal = Portal(base_url, fake, stats, args.pause)
        warm_up(portal, args.workers)
        desk_open = is_open()
        connection.close()
        time.sleep(0.5)  # gunicorn writes its access-log line after answering
        warmed = len(server_times(access_log))

        log(
            f"{len(callers)} calls over {args.over:.0f} s and {args.sms} texts"
            f" ({len(texters)} conversations) over {args.sms_over:.0f} s"
        )
        groups = {"gunicorn": gunicorn, "celery": worker, "fake_dispatch": dispatch}
        cpu_before = cpu_snapshot(groups)
        started = time.monotonic()
        load_s, late, replies = run_load(portal, callers, texters, args)
        cpu = cpu_spent(cpu_before, cpu_snapshot(groups), time.monotonic() - started)
        log(f"every call and text answered after {load_s:.1f} s; counting")
        result = count_results(ids, callers, texters, fake, args)
        time.sleep(0.5)  # gunicorn's last access-log lines
        server_ms = server_times(access_log)[warmed:]

        timings = [ms for _, _, ms, _ in stats.posts]
        statuses = Counter(status for _, status, _, _ in stats.posts)
        failures = stats.failures
        errors = len(failures)
        outcomes = stats.outcomes
        summary = {
            "calls": len(callers),
            "sms": sum(len(t.texts) for t in texters),
            "rides_ordered": result["rides_ordered"],
            "duplicate_rides": result["duplicate_rides"],
            "webhook_p50_ms": rounded(percentile(timings, 50)),
            "webhook_p99_ms": rounded(percentile(timings, 99)),
            "errors": errors,
            "webhooks": len(timings),
            "webhook_max_ms": rounded(max(timings, default=None)),
            "server_p50_ms": rounded(percentile(server_ms, 50)),
            "server_p99_ms": rounded(percentile(server_ms, 99)),
            "webhook_answers": {str(status): n for status, n in sorted(statuses.items())},
            "webhook_ms_by_step": by_step(stats.posts),
            "calls_by_kind": dict(Counter(c.kind for c in callers)),
            "call_outcomes": {k: v for k, v in sorted(outcomes.items()) if not k.startswith("sms")},
            "taxi_callers_without_ride": result["taxi_callers_without_ride"],
            "rides_not_asked_for": result["rides_not_asked_for"],
            "taxi_confirms_retried": outcomes["taxi_confirm_retried"],
            "appointments_called_back": result["appointments_called_back"],
            "call_backs_beyond_one": result["call_backs_beyond_one"],
            "call_backs_naming_the_visit": result["call_backs_naming_the_visit"],
            "help_requests_opened": result["help_requests_opened"],
            "help_requests_expected": sum(
                1 for c in callers if c.kind == "person" and not c.answered
            ),
            "desk_open": desk_open,
            "sms_conversations": dict(Counter(t.kind for t in texters)),
            "sms_by_command": result["sms_by_command"],
            "sms_handled": result["sms_handled"],
            "sms_retries": outcomes["sms_retried"],
            "sms_retries_changed_reply": outcomes["sms_retry_changed_reply"],
            "sms_rides": result["sms_rides"],
            "sms_help_requests": result["sms_help_requests"],
            "texts_sent_twice": result["texts_sent_twice"],
            "appointments_booked": appointments,
            "errors_by_step": dict(Counter(what for what, _ in failures)),
            "load_s": rounded(load_s, 1),
            "cpu_s_during_load": cpu,
            "launch_late_max_s": rounded(late, 2),
            "runtime_s": rounded(time.monotonic() - began, 1),
            "workers": args.workers,
            "host": {
                "cpus": os.cpu_count(),
                "load_start": load_start,
                "load_end": round(os.getloadavg()[0], 2),
            },
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        slowest = sorted(stats.posts, key=lambda post: -post[2])[:10]
        log(
            "slowest webhooks: "
            + ", ".join(
                f"{step} {ms:.0f} ms at {at - started:.1f} s" for step, _, ms, at in slowest
            )
        )
        for sample in result["texts_sent_twice_samples"]:
            log(f"sent twice: {sample}")
        for what, description in failures[:5]:
            log(f"--- error ({what}) ---\n{description}")
        if statuses.keys() - {200}:
            log(f"--- gunicorn log ---\n{log_tail(logs['gunicorn'], 6000)}")
        replies_seen = Counter((kind, body, reply[:60]) for kind, body, reply in replies)
        log(
            "replies: "
            + json.dumps([[*key, n] for key, n in replies_seen.most_common(12)], ensure_ascii=False)
        )
        p99 = summary["webhook_p99_ms"]
        print(
            f"\nPhone channel: {len(callers)} calls over {args.over:.0f} s and {summary['sms']}"
            f" texts over {args.sms_over:.0f} s, gunicorn {args.workers} sync workers,"
            f" Celery (2 processes), PostgreSQL, Redis\n"
            f"  webhooks {len(timings)}   p50 {summary['webhook_p50_ms']} ms"
            f"   p99 {p99} ms   max {summary['webhook_max_ms']} ms"
            f"   (gunicorn's own p50 {summary['server_p50_ms']} ms,"
            f" p99 {summary['server_p99_ms']} ms)\n"
            f"  target p99 < {TARGET_P99_MS} ms:"
            f" {'met' if p99 is not None and p99 < TARGET_P99_MS else 'NOT MET'}\n"
            f"  rides ordered by phone {summary['rides_ordered']}, duplicates"
            f" {summary['duplicate_rides']}; call-backs {summary['appointments_called_back']};"
            f" help requests {summary['help_requests_opened']}; errors {errors}\n",
            file=sys.stderr,
        )
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        return 1 if errors or summary["duplicate_rides"] else 0
    except Exception:
        for name, path in logs.items():
            log(f"--- {name} log ---\n{log_tail(path)}")
        raise
    finally:
        for process in (gunicorn, worker, dispatch):
            stop_group(process)
        fake.stop()
        let_go_of_database(BENCH_DATABASE, scratch_database)
        flush_own_redis(redis_url, DEFAULT_REDIS_URL)
        workdir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
