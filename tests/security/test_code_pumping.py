"""Asking for sign-in codes: pumping is cut short, nobody can lock a resident out, and the
page only ever says what really happened (issue 11, item 3)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from portal.notifications.models import Message, Status
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

RESIDENT = "+8613800000001"


def _client(address="198.51.100.7", **headers):
    return Client(REMOTE_ADDR=address, **headers)


def _ask(client, phone, language=""):
    return client.post(f"{language}/signin/", {"phone": phone}, follow=True)


def _said(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture(autouse=True)
def _no_waiting_between_guesses(settings):
    settings.SIGNIN_THROTTLE_FACTOR = 0  # the growing wait has its own test


@pytest.fixture(autouse=True)
def _english_after(settings):
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _codes_to(phones):
    return Message.objects.filter(recipient__in=phones).exclude(status=Status.CANCELLED).count()


def test_one_client_asking_for_200_numbers_gets_five_codes_out(settings):
    pumper = _client()
    phones = [f"+86139{n:08d}" for n in range(200)]
    for phone in phones:
        _ask(pumper, phone)
    assert _codes_to(phones) == settings.SIGNIN_CODES_PER_SESSION == 5


def test_a_client_that_drops_its_cookies_is_still_one_client(settings):
    phones = [f"+86139{n:08d}" for n in range(30)]
    for phone in phones:
        _ask(_client(), phone)  # a new session every time
    assert _codes_to(phones) == settings.SIGNIN_CODES_PER_CLIENT


def test_one_browser_session_gets_five_codes_in_ten_minutes_even_from_many_addresses(settings):
    settings.BEHIND_TLS_PROXY = True
    browser = _client()
    phones = [f"+86139{n:08d}" for n in range(8)]
    for n, phone in enumerate(phones):
        browser.post("/signin/", {"phone": phone}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _codes_to(phones) == settings.SIGNIN_CODES_PER_SESSION == 5


def test_x_forwarded_for_is_ignored_unless_behind_our_proxy(settings):
    settings.SIGNIN_CODES_PER_SESSION = 100
    phones = [f"+86139{n:08d}" for n in range(12)]
    for n, phone in enumerate(phones):
        _client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post("/signin/", {"phone": phone})
    assert _codes_to(phones) == 10  # every request counted as the one real address


def test_behind_our_proxy_the_address_it_forwards_is_the_client(settings):
    settings.BEHIND_TLS_PROXY = True
    phones = [f"+86139{n:08d}" for n in range(12)]
    for n, phone in enumerate(phones):
        # The client may put anything first; our proxy appends the real address last.
        _client(HTTP_X_FORWARDED_FOR=f"6.6.6.6, 203.0.113.{n}").post("/signin/", {"phone": phone})
    assert _codes_to(phones) == 12


def test_a_refused_code_is_never_described_as_sent():
    pumper = _client()
    for n in range(5):
        _ask(pumper, f"+86139{n:08d}")
    response = _ask(pumper, "+8613900009999", language="/en")
    said = _said(response)
    assert "We have not sent you a code" in said
    assert "We did not send a new code: codes were asked for too often from this device." in said
    assert re.search(r"Please wait \d+ minutes?, then try again", said)
    assert "Or call the hotline 962 200, or visit a community service centre" in said
    assert "We sent" not in said and "on its way" not in said
    assert 'id="id_code"' not in said
    assert not Message.objects.filter(recipient="+8613900009999").exists()


@pytest.mark.parametrize(
    ("number", "what"),
    [
        ("+14155550123", "a number outside the regions the portal serves"),
        ("+8816123456", "a satellite number"),
        ("+864001234567", "a shared-cost (400) number"),
        ("+869501234567", "a shared-cost (95) number"),
    ],
)
def test_codes_go_only_to_mobile_and_home_numbers_in_the_regions_served(number, what):
    response = _client().post("/signin/", {"phone": number})
    assert response.status_code == 200, what
    assert "<title>错误" in response.content.decode()
    assert not Message.objects.filter(recipient=number).exists()


@pytest.mark.parametrize("number", ["+85291234567", "+85366123456", "+886912345678"])
def test_hong_kong_macao_and_taiwan_numbers_get_codes(number):
    assert _client().post("/signin/", {"phone": number})["Location"] == "/signin/code/"
    assert Message.objects.filter(recipient=number).exists()


def test_asking_for_a_code_makes_no_account_confirming_it_does():
    newcomer = _client()
    _ask(newcomer, "+8613900001111")
    assert not get_user_model().objects.filter(phone="+8613900001111").exists()
    newcomer.post("/signin/code/", {"code": code_sent_to("+8613900001111")})
    assert get_user_model().objects.filter(phone="+8613900001111").exists()


def test_bulk_messages_at_the_portal_cap_do_not_stop_sign_in_codes(settings, memory_backend):
    from portal.notifications import api
    from portal.notifications.models import Purpose

    settings.NOTIFY_MAX_PER_HOUR = 2
    for n in range(3):
        api.send(f"+86138000001{n:02d}", "notice", {"text": "明天看病"}, purpose=Purpose.REMINDER)
    assert Message.objects.filter(error_code="total_cap").count() == 1
    _ask(_client(), RESIDENT)
    assert Message.objects.get(recipient=RESIDENT).status != Status.CANCELLED


def test_codes_have_their_own_hourly_budget_and_the_page_says_when_it_is_used_up(settings):
    settings.NOTIFY_MAX_CODES_PER_HOUR = 1
    _ask(_client("198.51.100.1"), "+8613900002001")
    response = _ask(_client("198.51.100.2"), "+8613900002002", language="/en")
    refused = Message.objects.get(recipient="+8613900002002")
    assert (refused.status, refused.error_code) == (Status.CANCELLED, "codes_cap")
    assert "We could not send a code just now because very many are being sent." in _said(response)


def test_knowing_a_residents_number_does_not_lock_them_out(settings):
    """The attacker asks for codes until refused, and guesses; the resident signs in."""
    get_user_model().objects.filter(phone=RESIDENT).update(last_login="2026-11-01T09:00Z")
    attacker = _client("203.0.113.66")
    for _ in range(8):
        _ask(attacker, RESIDENT)
        for guess in ("000000", "111111", "222222", "333333"):
            attacker.post("/signin/code/", {"code": guess})
    assert "_auth_user_id" not in attacker.session
    resident = _client("198.51.100.20")
    response = _ask(resident, RESIDENT, language="/en")
    assert "We did not send" not in _said(response)
    response = resident.post("/en/signin/code/", {"code": code_sent_to(RESIDENT)})
    assert response.status_code == 302
    assert resident.session["_auth_user_id"]


def test_a_strangers_code_request_does_not_cancel_the_residents_code():
    resident = _client("198.51.100.20")
    _ask(resident, RESIDENT)
    residents_code = code_sent_to(RESIDENT)
    _ask(_client("203.0.113.66"), RESIDENT)  # a stranger asks a moment later
    assert resident.post("/signin/code/", {"code": residents_code}).status_code == 302


def test_a_new_code_starts_a_fresh_count_of_wrong_guesses():
    resident = _client()
    _ask(resident, RESIDENT)
    for guess in ("000000", "111111", "222222", "333333"):
        resident.post("/signin/code/", {"code": guess})
    resident.post("/signin/code/", {"action": "resend"})
    resident.post("/signin/code/", {"code": "444444"})  # a fifth wrong guess, at the new code
    assert resident.post("/signin/code/", {"code": code_sent_to(RESIDENT)}).status_code == 302


@pytest.fixture
def memory_backend(settings, django_capture_on_commit_callbacks):
    from portal.notifications.backends import backend_for, memory

    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    backend_for.cache_clear()
    yield memory
    backend_for.cache_clear()


def test_strangers_on_many_addresses_cannot_keep_the_resident_out_of_their_own_browser(
    settings,
):
    """Four addresses fill the number's hourly ceiling; the browser the resident signed in
    on before is not held by it (a signed "known device" cookie)."""
    get_user_model().objects.filter(phone=RESIDENT).update(last_login="2026-11-01T09:00Z")
    residents_browser = _client("198.51.100.20")
    _ask(residents_browser, RESIDENT)
    residents_browser.post("/signin/code/", {"code": code_sent_to(RESIDENT)})
    residents_browser.post("/signout/")
    for n in range(settings.SIGNIN_CODES_PER_NUMBER):
        _ask(_client(f"203.0.113.{n // 5}"), RESIDENT)
    # A stranger's browser is refused, and told so without "use the last code you received".
    said = _said(_ask(_client("198.51.100.99"), RESIDENT, language="/en"))
    assert "this number has had very many codes in the last hour" in said
    assert "Use the last code" not in said
    response = _ask(residents_browser, RESIDENT, language="/en")
    assert "We did not send" not in _said(response)
    assert residents_browser.post("/signin/code/", {"code": code_sent_to(RESIDENT)})["Location"]
