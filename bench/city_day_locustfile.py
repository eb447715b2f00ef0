"""The residents of ``bench/city_day.py``: one Locust user is one resident's day on the portal.

Not a benchmark on its own (``bench/city_day.py`` starts Locust with it, headless, in a process
group of its own). It reads its settings from the environment:

- ``CITY_DAY_FIRST_NUMBER``, ``CITY_DAY_RESIDENTS``: the residents made beforehand have the
  mobile numbers FIRST .. FIRST + RESIDENTS - 1; each user takes the next one, so every resident
  has exactly one day;
- ``CITY_DAY_TWILIO_URL``, ``CITY_DAY_TWILIO_SID``, ``CITY_DAY_TWILIO_TOKEN``: the fake Twilio,
  where the sign-in code is read from the text the portal sent (its REST list of messages);
- ``CITY_DAY_RESULTS``: where to write, on the way out, one JSON object: every request's time,
  the failures (what and how many, a few samples), and how many days got how far.

A resident's day (a pause of ``CITY_DAY_THINK`` seconds, 0.5 to 2 by default, between pages):
the home page signed out; sign in by phone code (number, then the code from the text); the
home page, the services, the taxi service page, an English page; a taxi from home (the data
question first, if asked, then the one tap) and the ride's page; a hospital visit through the
booking flow (the data question, real name and ID once, hospital, department, day and time, each
chosen at random among those offered, check, confirm) and its slip (a place someone else took
meanwhile: choose again, at most 5 times); one resident in five asks
for a call back (/help/) and looks at the request; finally the ride's page again.

Every answer is checked: its status and, for a redirect, where it goes; a page must carry what
the next step needs (the form's token, the tap's key, the choices). Anything else is a Locust
failure, and that resident's day ends there.
"""

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import gevent
from locust import HttpUser, events, task

FIRST_NUMBER = int(os.environ.get("CITY_DAY_FIRST_NUMBER", "13600000000"))
RESIDENTS = int(os.environ.get("CITY_DAY_RESIDENTS", "1"))
TWILIO_URL = os.environ.get("CITY_DAY_TWILIO_URL", "")
TWILIO_SID = os.environ.get("CITY_DAY_TWILIO_SID", "")
TWILIO_TOKEN = os.environ.get("CITY_DAY_TWILIO_TOKEN", "")
RESULTS = os.environ.get("CITY_DAY_RESULTS", "")
THINK = tuple(float(x) for x in os.environ.get("CITY_DAY_THINK", "0.5,2").split(","))
HELP_EVERY = 5  # one resident in five asks for a call back
CODE_WAIT_S = 60.0  # how long a resident waits for the text with the code
BOOKING_TRIES = 5  # a place taken meanwhile: choose again (as a resident would), 5 times at most
# Where a choice page with nothing left to choose sends a resident back to.
STEP_BACK = {
    "/hospital/choose/time/": "/hospital/choose/day/",
    "/hospital/choose/day/": "/hospital/choose/department/",
    "/hospital/choose/department/": "/hospital/choose/hospital/",
}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="key" value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="([^"]+)"')
SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")
RIDE_PATH = re.compile(r"^/taxi/rides/(\d+)/$")
SLIP_PATH = re.compile(r"^/hospital/appointments/(\d+)/$")
HELP_REQUEST_PATH = re.compile(r"^/help/requests/(\d+)/$")

_numbers = itertools.count()
timings = []  # ms of every request to the portal
timings_by_name = {}  # "METHOD name" -> [ms, ...]
failures = Counter()  # "METHOD name: what" -> how many
failure_samples = []
days = Counter()  # how far the days got
booking_retries = Counter()  # choices made again because a place was taken meanwhile
code_waits = []  # s from the number POSTed to the text with the code at the fake Twilio
finished = 0


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception=None, **_kw):
    timings.append(response_time)
    timings_by_name.setdefault(f"{request_type} {name}", []).append(response_time)
    if exception is not None:
        what = f"{request_type} {name}: {str(exception)[:160]}"
        failures[what] += 1
        if len(failure_samples) < 20:
            failure_samples.append(what)


@events.quitting.add_listener
def write_results(environment, **_kw):
    if not RESULTS:
        return
    with open(RESULTS, "w", encoding="utf-8") as out:
        json.dump(
            {
                "timings_ms": timings,
                "timings_by_name": timings_by_name,
                "failures": dict(failures),
                "failure_samples": failure_samples,
                "days": dict(days),
                "code_waits_s": code_waits,
                "booking_retries": dict(booking_retries),
            },
            out,
        )


class Flow(Exception):
    """A step did not land where a resident's next step needs it to."""


def path_of(url):
    return urlsplit(url or "").path


def form_token(html):
    found = CSRF_FIELD.search(html)
    return found.group(1) if found else None


def id_number(serial):
    """A made-up ID number with a valid check character, one per resident."""
    body = f"3101041948{1 + serial // 28 % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


class Resident(HttpUser):
    """One resident's day, once; then the user waits, idle, until the run ends.

    It must not stop: Locust would start a new user in its place, and the residents would
    arrive faster than the spawn rate says.
    """

    done = False

    def wait_time(self):
        return 24 * 3600 if self.done else 0  # a user waiting is stopped at once at the end

    def on_start(self):
        self.index = next(_numbers)
        if self.index >= RESIDENTS:  # not expected: Locust starts exactly RESIDENTS users
            self.done = True
            return
        self.national = str(FIRST_NUMBER + self.index)
        self.phone = f"+86{self.national}"
        self.client.trust_env = False
        import requests  # after locust's gevent patching (run as a script, too)

        self.twilio = requests.Session()
        self.twilio.trust_env = False
        self.twilio.auth = (TWILIO_SID, TWILIO_TOKEN)

    # -- one step: a request, checked ------------------------------------------------------------

    def step(self, method, path, name=None, data=None, status=200, to=None, must=()):
        """``method`` ``path``; the answer must be ``status`` (for 302, to a path matching the
        regex ``to``) and a 200 page must contain every string in ``must``."""
        with self.client.request(
            method,
            path,
            data=data,
            name=name or path,
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            problem = None
            if (status is None and answer.status_code not in (200, 302)) or (
                status is not None and answer.status_code != status
            ):
                where = answer.headers.get("Location", "")
                problem = f"answered {answer.status_code}{' to ' + where if where else ''}"
                if answer.status_code == 0:  # no answer: the connection failed
                    problem = f"no answer: {type(answer.error).__name__}: {answer.error}"[:200]
            elif status == 302 and to and not re.search(to, path_of(answer.headers["Location"])):
                problem = f"sent to {answer.headers['Location']}, expected {to}"
            elif status == 200:
                missing = [text for text in must if text not in answer.text]
                if missing:
                    problem = f"the page lacks {missing[0]!r}"
            if problem:
                answer.failure(problem)
                raise Flow(f"{method} {name or path}: {problem}")
            answer.success()
            return answer

    def page(self, path, name=None, must=("</html>",)):
        return self.step("GET", path, name=name, must=must)

    def post(self, path, data, name=None, status=302, to=None, must=()):
        return self.step("POST", path, name=name, data=data, status=status, to=to, must=must)

    def think(self):
        gevent.sleep(random.uniform(*THINK))

    # -- the day ---------------------------------------------------------------------------------

    @task
    def day(self):
        global finished
        if self.done:
            return
        reached = "start"
        try:
            self.page("/")
            self.think()
            self.sign_in()
            reached = "signed_in"
            self.think()
            for path in ("/", "/services/", "/services/taxi/", "/en/services/"):
                self.page(path)
                self.think()
            reached = "read_pages"
            ride = self.call_taxi()
            reached = "taxi"
            self.think()
            self.book_hospital()
            reached = "booked"
            self.think()
            if self.index % HELP_EVERY == 0:
                self.ask_for_help()
                reached = "asked_for_help"
                self.think()
            self.page(f"/taxi/rides/{ride}/", name="/taxi/rides/[id]/")
            reached = "done"
        except Flow:
            pass
        except Exception as error:  # a broken step is a failure, not a crash
            events.request.fire(
                request_type="DAY",
                name="unexpected",
                response_time=0,
                response_length=0,
                exception=error,
                context={},
            )
            timings.pop()  # not a request to the portal
            timings_by_name["DAY unexpected"].pop()
        finally:
            self.done = True
            days[reached] += 1
            finished += 1
            if finished >= RESIDENTS:
                gevent.spawn_later(0.2, self.environment.runner.quit)

    def sign_in(self):
        page = self.page("/signin/?next=/", name="/signin/", must=('name="phone"',))
        sent_before = len(self.codes())
        asked = time.monotonic()
        self.post(
            "/signin/",
            {"csrfmiddlewaretoken": form_token(page.text), "phone": self.national, "next": "/"},
            to=r"^/signin/code/$",
        )
        page = self.page("/signin/code/", must=('name="code"',))
        code = self.wait_for_code(sent_before)
        code_waits.append(time.monotonic() - asked)
        self.think()
        answer = self.post(
            "/signin/code/",
            {"csrfmiddlewaretoken": form_token(page.text), "code": code},
            to=r"^/$|^/signin/welcome/name/$",
        )
        if path_of(answer.headers["Location"]) == "/signin/welcome/name/":
            # First sign-in: two questions, both skipped (the address is on file already).
            page = self.page("/signin/welcome/name/")
            self.post(
                "/signin/welcome/name/",
                {"csrfmiddlewaretoken": form_token(page.text), "skip": "1"},
                to=r"^/signin/welcome/home/$",
            )
            page = self.page("/signin/welcome/home/")
            self.post(
                "/signin/welcome/home/",
                {"csrfmiddlewaretoken": form_token(page.text), "skip": "1"},
                to=r"^/$",
            )

    def codes(self):
        """The six-digit codes in the texts the fake Twilio took for this phone, newest first."""
        answer = self.twilio.get(
            f"{TWILIO_URL}/2010-04-01/Accounts/{TWILIO_SID}/Messages.json",
            params={"To": self.phone},
            timeout=10,
        )
        answer.raise_for_status()
        return [
            found.group(1)
            for message in answer.json()["messages"]
            if (found := SIX_DIGITS.search(message.get("body", "")))
        ]

    def wait_for_code(self, seen):
        deadline = time.monotonic() + CODE_WAIT_S
        while time.monotonic() < deadline:
            codes = self.codes()
            if len(codes) > seen:
                return codes[0]
            gevent.sleep(0.25)
        events.request.fire(
            request_type="SMS",
            name="sign-in code",
            response_time=CODE_WAIT_S * 1000,
            response_length=0,
            exception=Flow(f"no code texted within {CODE_WAIT_S:.0f} s"),
            context={},
        )
        timings.pop()
        timings_by_name["SMS sign-in code"].pop()
        raise Flow("no code")

    def agree(self, location, purpose, back):
        """The data question before a service's first use: yes, then back to ``back``."""
        page = self.page(location, name=f"/privacy/agree/{purpose}/", must=('value="yes"',))
        self.post(
            f"/privacy/agree/{purpose}/",
            {"csrfmiddlewaretoken": form_token(page.text), "answer": "yes", "next": back},
            to=f"^{re.escape(back)}$",
        )

    def call_taxi(self):
        page = self.step("GET", "/taxi/", status=None)
        if page.status_code == 302:  # before the first taxi: the data question
            if path_of(page.headers["Location"]) != "/privacy/agree/taxi/":
                raise self.flow_failure("GET", "/taxi/", f"sent to {page.headers['Location']}")
            self.think()
            self.agree(page.headers["Location"], "taxi", "/taxi/")
            page = self.page("/taxi/", must=('name="key"',))
        elif 'name="key"' not in page.text:
            raise self.flow_failure("GET", "/taxi/", "no tap button")
        self.think()
        answer = self.post(
            "/taxi/",
            {
                "csrfmiddlewaretoken": form_token(page.text),
                "key": KEY_FIELD.search(page.text).group(1),
            },
            to=RIDE_PATH.pattern,
        )
        ride = RIDE_PATH.match(path_of(answer.headers["Location"])).group(1)
        self.page(f"/taxi/rides/{ride}/", name="/taxi/rides/[id]/")
        return ride

    def book_hospital(self):
        answer = self.step("GET", "/hospital/", status=302)
        where = path_of(answer.headers["Location"])
        tries = 0
        for _ in range(20):
            self.think()
            if where.startswith("/privacy/agree/hospital/"):
                query = parse_qs(urlsplit(answer.headers["Location"]).query)
                back = query.get("next", ["/hospital/"])[0]
                self.agree(answer.headers["Location"], "hospital", back)
                where = back
                continue
            if where == "/hospital/real-name/":
                page = self.page(where, must=('name="id_number"',))
                answer = self.post(
                    where,
                    {
                        "csrfmiddlewaretoken": form_token(page.text),
                        "real_name": "王秀英",
                        "id_number": id_number(self.index),
                    },
                    to=r"^/hospital/",
                )
                where = path_of(answer.headers["Location"])
                continue
            if where.startswith("/hospital/choose/"):
                page = self.page(where)
                choices = CHOICE.findall(page.text)
                if not choices:  # all taken since the step before offered it: a step back
                    tries = self.retry("nothing_left_to_choose", tries, where)
                    where = STEP_BACK.get(where, "/hospital/choose/hospital/")
                    continue
                answer = self.step(
                    "POST",
                    where,
                    data={
                        "csrfmiddlewaretoken": form_token(page.text),
                        "choice": random.choice(choices),
                    },
                    status=None,
                )
                if answer.status_code == 200:
                    if 'class="error-summary"' not in answer.text:
                        raise self.flow_failure("POST", where, "answered 200 without saying why")
                    # Taken meanwhile (the page says so and offers what is left): again.
                    tries = self.retry("choice_taken_meanwhile", tries, where)
                    continue
                where = path_of(answer.headers.get("Location", ""))
                if not where.startswith("/hospital/"):
                    raise self.flow_failure("POST", where, f"sent to {where}")
                continue
            if where == "/hospital/check/":
                page = self.page(where, must=("</html>",))
                key = KEY_FIELD.search(page.text)
                if key is None:  # refused before the button (the session filled meanwhile)
                    tries = self.retry("refused_at_check", tries, where)
                    where = "/hospital/choose/day/"
                    continue
                answer = self.step(
                    "POST",
                    "/hospital/confirm/",
                    data={"csrfmiddlewaretoken": form_token(page.text), "key": key.group(1)},
                    status=None,
                )
                found = SLIP_PATH.match(path_of(answer.headers.get("Location", "")))
                if answer.status_code == 302 and found:
                    self.page(
                        f"/hospital/appointments/{found.group(1)}/",
                        name="/hospital/appointments/[id]/",
                    )
                    return found.group(1)
                if answer.status_code != 200 or 'class="error-summary"' not in answer.text:
                    raise self.flow_failure(
                        "POST", "/hospital/confirm/", f"answered {answer.status_code}"
                    )
                tries = self.retry("refused_at_confirm", tries, where)
                where = "/hospital/choose/day/"
                continue
            raise self.flow_failure("GET", "/hospital/", f"the flow went to {where}")
        raise self.flow_failure("GET", "/hospital/", "the flow did not end")

    def retry(self, why, tries, where):
        """Choose again (a place taken by someone else meanwhile), at most BOOKING_TRIES."""
        booking_retries[why] += 1
        if tries + 1 >= BOOKING_TRIES:
            raise self.flow_failure("GET", where, f"{why}, {BOOKING_TRIES} times")
        return tries + 1

    def flow_failure(self, method, name, what):
        events.request.fire(
            request_type=method,
            name=f"{name} (flow)",
            response_time=0,
            response_length=0,
            exception=Flow(what),
            context={},
        )
        timings.pop()
        timings_by_name[f"{method} {name} (flow)"].pop()
        return Flow(what)

    def ask_for_help(self):
        page = self.page("/help/", must=('name="when"',))
        self.think()
        answer = self.post(
            "/help/",
            {
                "csrfmiddlewaretoken": form_token(page.text),
                "when": "now",
                "topic": random.choice(["taxi", "hospital", "other"]),
                "note": "",
            },
            to=HELP_REQUEST_PATH.pattern,
        )
        self.page(path_of(answer.headers["Location"]), name="/help/requests/[id]/")


if __name__ == "__main__":  # ``make bench`` runs every bench/*.py: this one is not a benchmark
    print("the residents of bench/city_day.py: run that instead")
