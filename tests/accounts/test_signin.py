"""Resident sign-in with a phone number and a 6-digit code (elder-ux.md, "signing in")."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.accounts import signin
from portal.accounts.models import SignInCode
from portal.notifications.backends import backend_for
from portal.notifications.models import Message
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

RESIDENT = "+8613800000001"  # a demo resident who has signed in before
NEWCOMER = "+8613900001234"


@pytest.fixture(autouse=True)
def memory_backend(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    settings.SIGNIN_THROTTLE_FACTOR = 0  # the growing delay has its own test
    backend_for.cache_clear()
    yield
    backend_for.cache_clear()


def _last_code(phone):
    return code_sent_to(phone)


def _ask(client, phone, **extra):
    return client.post("/signin/", {"phone": phone, **extra})


def _enter(client, code):
    return client.post("/signin/code/", {"code": code})


def test_a_resident_signs_in_with_the_code_from_the_sms(client):
    get_user_model().objects.filter(phone=RESIDENT).update(last_login=timezone.now())
    assert _ask(client, "138 0000 0001", next="/services/taxi/")["Location"] == "/signin/code/"
    session_before = client.session.session_key
    response = _enter(client, _last_code(RESIDENT))
    assert response.status_code == 302 and response["Location"] == "/services/taxi/"
    assert client.session["_auth_user_id"]
    assert client.session.session_key != session_before  # rotated at sign-in


def test_the_code_box_allows_paste_and_one_time_code_autofill(client):
    _ask(client, RESIDENT)
    html = client.get("/signin/code/").content.decode()
    assert html.count('autocomplete="one-time-code"') == 1
    assert "maxlength" in html and "onpaste" not in html


def test_spaces_in_a_pasted_code_are_ignored(client):
    get_user_model().objects.filter(phone=RESIDENT).update(last_login=timezone.now())
    _ask(client, RESIDENT)
    code = _last_code(RESIDENT)
    assert _enter(client, f" {code[:3]} {code[3:]} ").status_code == 302


def test_the_first_sign_in_creates_the_resident_and_asks_two_skippable_questions(client):
    _ask(client, "139 0000 1234", next="/services/")
    response = _enter(client, _last_code(NEWCOMER))
    assert response["Location"] == "/signin/welcome/name/"
    assert get_user_model().objects.get(phone=NEWCOMER).is_resident
    client.post("/signin/welcome/name/", {"preferred_name": "孙奶奶"})
    response = client.post("/signin/welcome/home/", {"skip": "1", "home_address": "ignored"})
    assert response["Location"] == "/services/"
    newcomer = get_user_model().objects.get(phone=NEWCOMER)
    assert newcomer.preferred_name == "孙奶奶" and newcomer.home_address == ""


def test_registered_and_unknown_numbers_get_the_same_answer(client):
    answers = []
    for phone in (RESIDENT, "+8613700007777"):
        client.cookies.clear()
        response = _ask(client, phone)
        page = client.get(response["Location"]).content.decode()
        answers.append((response.status_code, response["Location"], page.replace(phone, "N")))
    first, second = answers
    assert first[:2] == second[:2]
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
    assert strip.sub("", first[2]) == strip.sub("", second[2])


def test_a_number_we_cannot_call_gets_a_translated_error_and_nothing_is_sent(client):
    response = _ask(client, "12345")
    html = response.content.decode()
    assert response.status_code == 200 and "<title>错误" in html
    assert Message.objects.count() == 0


def test_a_code_is_refused_at_exactly_ten_minutes(client, time_machine):
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=False)
    _ask(client, RESIDENT)
    code = _last_code(RESIDENT)
    time_machine.move_to("2026-11-25 10:09:59+08:00", tick=False)
    entry = SignInCode.objects.get(attempt=client.session["signin"]["attempt"])
    assert entry.valid_until - timezone.now() == datetime.timedelta(seconds=1)
    time_machine.move_to("2026-11-25 10:10:00+08:00", tick=False)
    response = _enter(client, code)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # It says the code ran out, and that was not a wrong guess.
    assert "这个验证码已经过期了" in response.content.decode()
    assert SignInCode.objects.get(pk=entry.pk).wrong_tries == 0


def test_a_code_works_once(client):
    _ask(client, RESIDENT)
    code = _last_code(RESIDENT)
    attempt = client.session["signin"]["attempt"]
    assert _enter(client, code).status_code == 302
    # The same code, for the same attempt, a second time: refused.
    outcome, _ = signin.verify_code(RESIDENT, attempt, code)
    assert outcome is signin.Outcome.NEW_CODE_NEEDED


def test_a_code_only_works_for_the_attempt_that_asked_for_it(client):
    from django.test import Client

    _ask(client, RESIDENT)
    code = _last_code(RESIDENT)
    intruder = Client()
    intruder.post("/signin/", {"phone": "+8613700000000"})
    session = intruder.session
    session["signin"] = {"phone": RESIDENT, "attempt": "guessed"}
    session.save()
    assert intruder.post("/signin/code/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in intruder.session


def test_five_wrong_tries_end_the_code(client):
    _ask(client, RESIDENT)
    code = _last_code(RESIDENT)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        _enter(client, wrong)
    response = _enter(client, code)
    assert "这个验证码已经不能用了" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_each_wrong_guess_makes_the_next_wait_longer(client, settings, time_machine):
    settings.SIGNIN_THROTTLE_FACTOR = 1
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=False)
    _ask(client, RESIDENT)
    code = _last_code(RESIDENT)
    wrong = "000000" if code != "000000" else "111111"
    assert signin.verify_code(RESIDENT, client.session["signin"]["attempt"], wrong)[0] is (
        signin.Outcome.WRONG
    )
    attempt = client.session["signin"]["attempt"]
    assert signin.verify_code(RESIDENT, attempt, wrong)[0] is signin.Outcome.WAIT
    time_machine.move_to("2026-11-25 10:00:01+08:00", tick=False)
    assert signin.verify_code(RESIDENT, attempt, wrong)[0] is signin.Outcome.WRONG
    time_machine.move_to("2026-11-25 10:00:02+08:00", tick=False)
    assert signin.verify_code(RESIDENT, attempt, code)[0] is signin.Outcome.WAIT  # needs 2 s
    time_machine.move_to("2026-11-25 10:00:03+08:00", tick=False)
    assert signin.verify_code(RESIDENT, attempt, code)[0] is signin.Outcome.SIGNED_IN


def test_at_most_five_codes_a_phone_an_hour_from_one_device(client, settings):
    settings.SIGNIN_CODES_PER_SESSION = settings.SIGNIN_CODES_PER_CLIENT = 100
    for _ in range(7):
        _ask(client, RESIDENT)
    assert Message.objects.filter(recipient=RESIDENT).count() == 5


def test_a_thousand_guesses_get_nowhere_and_the_resident_still_signs_in(client, settings):
    # As if the attack went on for hours from many devices: only the per-code rules remain.
    settings.SIGNIN_CODES_PER_CLIENT = settings.SIGNIN_CODES_PER_SESSION = 10_000
    settings.SIGNIN_CODES_PER_NUMBER_PER_CLIENT = settings.SIGNIN_CODES_PER_NUMBER = 10_000
    settings.SIGNIN_GUESSES_PER_CLIENT = 10_000
    from django.test import Client

    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _ask(attacker, RESIDENT)
    accepted = 0
    for guess in range(1000):
        attempt = attacker.session["signin"]["attempt"]
        if signin.verify_code(RESIDENT, attempt, f"{guess:06d}")[0] is signin.Outcome.SIGNED_IN:
            accepted += 1
        if guess % 5 == 4:  # the attacker asks for a fresh code each time one is used up
            _ask(attacker, RESIDENT)
    assert accepted == 0
    # The resident, on their own phone, is not slowed down or locked out by any of it.
    get_user_model().objects.filter(phone=RESIDENT).update(last_login=timezone.now())
    _ask(client, RESIDENT)
    assert _enter(client, _last_code(RESIDENT)).status_code == 302
    assert client.session["_auth_user_id"]


def test_the_code_can_come_by_a_voice_call_instead(client):
    _ask(client, RESIDENT, by_voice="1")
    assert Message.objects.get(recipient=RESIDENT).medium == "voice"
    client.post("/signin/code/", {"action": "call"})
    assert Message.objects.filter(recipient=RESIDENT, medium="voice").count() == 2


def test_a_resident_stays_signed_in_for_thirty_days_renewed_on_use(client, settings, time_machine):
    assert settings.SESSION_COOKIE_AGE == 30 * 24 * 3600
    time_machine.move_to("2026-11-01 09:00:00+08:00", tick=False)
    _ask(client, RESIDENT)
    _enter(client, _last_code(RESIDENT))
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)  # 24 days on: still in
    assert client.get("/profile/").status_code == 200
    time_machine.move_to("2026-12-20 09:00:00+08:00", tick=False)  # 25 days after that use
    assert client.get("/profile/").status_code == 200
    time_machine.move_to("2027-01-25 09:00:00+08:00", tick=False)  # 36 days unused: out
    assert client.get("/profile/")["Location"].startswith("/signin/")


def test_signing_out_needs_a_post_and_ends_the_session(client):
    _ask(client, RESIDENT)
    _enter(client, _last_code(RESIDENT))
    assert client.get("/signout/").status_code == 405
    client.post("/signout/")
    assert "_auth_user_id" not in client.session
