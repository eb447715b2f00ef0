"""Typing a code, and the pages around it (issue 11, items 4 and 6): full-width digits work,
an expired code says so, GET never sends, and the phone-number change tells nobody which
numbers are registered and ends a race in words, not a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from portal.accounts import signin
from portal.notifications.models import Message
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

RESIDENT = "+8613800000001"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def _no_waiting_between_guesses(settings):
    settings.SIGNIN_THROTTLE_FACTOR = 0


def _asked(client=None):
    client = client or Client()
    client.post("/signin/", {"phone": RESIDENT})
    return client


def test_a_code_typed_in_full_width_digits_signs_in():
    client = _asked()
    typed = code_sent_to(RESIDENT).translate(FULL_WIDTH)
    assert client.post("/signin/code/", {"code": typed}).status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.parametrize("typed", ["12345a", "１２３４５", "١٢٣٤٥٦", "12 34 56 78"])
def test_anything_but_six_digits_gets_a_clear_message_and_uses_no_guess(typed):
    client = _asked()
    response = client.post("/signin/code/", {"code": typed})
    assert response.status_code == 200
    assert "验证码是 6 位数字" in response.content.decode()
    assert client.post("/signin/code/", {"code": code_sent_to(RESIDENT)}).status_code == 302


@pytest.mark.parametrize("path", ["/signin/confirm/", "/profile/phone/confirm/"])
def test_the_other_code_boxes_take_full_width_digits_too(path, resident):
    client = Client()
    client.force_login(resident)
    client.post("/signin/confirm/", {"send": "1"})
    typed = code_sent_to(RESIDENT).translate(FULL_WIDTH)
    if path == "/signin/confirm/":
        assert client.post(path, {"code": typed, "next": "/profile/"})["Location"] == "/profile/"
        return
    client.post("/signin/confirm/", {"code": code_sent_to(RESIDENT)})
    client.post("/profile/phone/", {"phone": "13900004444"})
    typed = code_sent_to("+8613900004444").translate(FULL_WIDTH)
    assert client.post(path, {"code": typed})["Location"] == "/profile/"


def test_an_expired_code_says_it_expired_and_is_not_a_wrong_guess(time_machine):
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=False)
    client = _asked()
    code = code_sent_to(RESIDENT)
    time_machine.move_to("2026-11-25 10:10:30+08:00", tick=False)
    response = client.post("/en/signin/code/", {"code": code})
    assert "This code has run out of time" in response.content.decode()
    attempt = client.session["signin"]["attempt"]
    assert signin.SignInCode.objects.get(attempt=attempt).wrong_tries == 0


def test_opening_the_confirm_page_sends_nothing(resident):
    client = Client()
    client.force_login(resident)
    for _ in range(3):
        assert client.get("/signin/confirm/?next=/profile/family/add/").status_code == 200
    assert not Message.objects.filter(recipient=RESIDENT).exists()
    client.post("/signin/confirm/", {"send": "1"})
    assert Message.objects.filter(recipient=RESIDENT).count() == 1


def _fresh(client, resident):
    client.force_login(resident)
    client.post("/signin/confirm/", {"send": "1"})
    client.post("/signin/confirm/", {"code": code_sent_to(resident.phone)})
    return client


def test_the_new_number_page_answers_alike_for_a_registered_and_a_free_number(resident, neighbour):
    client = _fresh(Client(), resident)
    taken = client.post("/profile/phone/", {"phone": neighbour.phone})
    free = client.post("/profile/phone/", {"phone": "+8613900005555"})
    assert taken.status_code == free.status_code == 302
    assert taken["Location"] == free["Location"] == "/profile/phone/confirm/"


def test_two_residents_racing_for_one_new_number_end_in_words_not_a_500(resident, neighbour):
    first, second = _fresh(Client(), resident), _fresh(Client(), neighbour)
    new = "+8613900006666"
    first.post("/profile/phone/", {"phone": new})
    first_code = code_sent_to(new)
    second.post("/profile/phone/", {"phone": new})
    second_code = code_sent_to(new)
    assert first.post("/profile/phone/confirm/", {"code": first_code})["Location"] == "/profile/"
    response = second.post("/profile/phone/confirm/", {"code": second_code})
    assert response.status_code == 200
    assert "已经用于登录另一个账户" in response.content.decode()
    assert get_user_model().objects.get(phone=new) == resident
    neighbour.refresh_from_db()
    assert neighbour.phone == "+8613800000002"


def test_the_code_page_that_shows_the_number_is_never_cached():
    client = _asked()
    assert "no-store" in client.get("/signin/code/")["Cache-Control"]


def test_the_staff_authenticator_takes_full_width_digits(client, editor):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(editor)
    device = TOTPDevice.objects.get(user=editor, confirmed=True)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    typed = f"{code[:3]}\u3000{code[3:]}".translate(FULL_WIDTH)  # with a full-width space
    response = client.post("/staff/2fa/", {"code": typed, "next": "/admin/"})
    assert response["Location"] == "/admin/"
