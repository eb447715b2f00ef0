"""Wrong staff passwords are counted (django-axes): five for one name from one address
pause that name there for 15 minutes, with a page that says so in the staff's language."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
HERE = "10.0.0.7"
ELSEWHERE = "10.0.0.8"
RIGHT = "silver-demo-editor"  # content/demo.py


@pytest.fixture(autouse=True)
def quick_passwords(settings, django_user_model):
    """A fast hasher, so dozens of password checks take no time (the count is what matters)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for user in django_user_model.objects.filter(username__in=["editor", "counter"]):
        user.set_password(f"silver-demo-{user.username}")
        user.save(update_fields=["password"])


def _try(client, password, username="editor", address=HERE, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def _guess_wrong(client, times, **where):
    """Wrong passwords; the fifth in a row is the one that pauses (and says so)."""
    responses = [_try(client, f"wrong-{n}", **where) for n in range(times)]
    assert [r.status_code for r in responses[:4]] == [200] * min(times, 4)  # the form again
    return responses[-1]


def test_axes_checks_first_then_the_model_backend_and_residents_sessions_check_no_password():
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesBackend",
        "django.contrib.auth.backends.ModelBackend",
        "portal.accounts.resident_backend.ResidentBackend",
    ]
    # The residents' backend only restores sessions: it never accepts a password.
    from portal.accounts.resident_backend import ResidentBackend

    assert ResidentBackend().authenticate(None, username="staff", password=RIGHT) is None


def test_five_wrong_passwords_pause_that_name_from_that_address(client):
    assert _guess_wrong(client, 5).status_code == 429
    response = _try(client, RIGHT)  # now even the right password waits
    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>暂停登录</h1>" in html and "登录15分钟" in html  # says how long, in Chinese
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not(client):
    _guess_wrong(client, 4)
    assert _try(client, RIGHT)["Location"] == "/admin/"


def test_a_stranger_cannot_lock_a_staff_member_out_everywhere(client):
    _guess_wrong(client, 5, address=ELSEWHERE)
    assert _try(client, RIGHT)["Location"] == "/admin/"  # from the staff member's own desk


def test_other_names_from_the_same_address_are_not_paused(client):
    _guess_wrong(client, 5)
    assert _try(client, "silver-demo-counter", username="counter")["Location"] == "/admin/"


def test_the_pause_ends_after_fifteen_minutes(client, time_machine):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    _guess_wrong(client, 5)
    time_machine.move_to("2026-11-25 09:14:00+08:00", tick=False)
    assert _try(client, RIGHT).status_code == 429
    time_machine.move_to("2026-11-25 09:30:00+08:00", tick=False)
    assert _try(client, RIGHT)["Location"] == "/admin/"


def test_signing_in_clears_the_count(client):
    _guess_wrong(client, 4)
    assert _try(client, RIGHT)["Location"] == "/admin/"
    client.post("/admin/logout/")
    _guess_wrong(client, 4)
    assert _try(client, RIGHT)["Location"] == "/admin/"


def test_behind_our_proxy_the_address_the_proxy_saw_is_what_counts(client, settings):
    """Every request comes from the proxy; the entries before the proxy's own are made up."""
    settings.BEHIND_TLS_PROXY = True
    for n in range(5):
        forged = f"198.51.100.{n}, 203.0.113.5"  # the first entry changes, the proxy's does not
        _try(client, f"wrong-{n}", address="10.0.0.1", HTTP_X_FORWARDED_FOR=forged)
    locked = _try(client, RIGHT, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    other = _try(client, RIGHT, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other["Location"] == "/admin/"  # the same proxy, another desk: not locked out


def test_the_whole_staff_sign_in_still_works_with_axes_first(client, editor):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert _try(client, RIGHT)["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == "/staff/2fa/?next=%2Fadmin%2F"
    device = TOTPDevice.objects.filter(user=editor, confirmed=True).first()
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post("/staff/2fa/", {"code": code, "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == settings.STAFF_IDLE_SECONDS
