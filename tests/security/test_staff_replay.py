"""A form sent to the admin is kept for after signing in again only when we know it is the
staff member's own: never a forged cross-site form, never from someone signed out, never a
password, and only for the same person."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from portal.accounts.staff_security import KEPT_KEY

pytestmark = pytest.mark.django_db

ADD_USER = "/admin/users/new/"
FORGED = {
    "username": "intruder",
    "password1": "Intruder-pass-2026!",
    "password2": "Intruder-pass-2026!",
    "is_superuser": "on",
}


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.get(username="admin")


@pytest.fixture
def short_sessions(settings):
    """The 12-hour limit, shortened so a test need not keep the session busy all day."""
    settings.STAFF_SESSION_MAX_SECONDS = 10 * 60


def _csrf_token(client):
    """The CSRF token the staff member's own pages carry (the cookie's secret)."""
    client.get("/admin/")
    return client.cookies["csrftoken"].value


def test_a_forged_cross_site_post_without_a_session_is_not_kept_nor_offered(admin_user):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(ADD_USER, FORGED)  # the attacker's page, in the admin's browser
    assert response.status_code in (302, 403)
    assert KEPT_KEY not in browser.session
    _sign_in(browser, admin_user)
    response = browser.get(ADD_USER)
    assert response.status_code == 200  # the form as usual, not "your changes were kept"
    assert browser.get("/staff/resubmit/")["Location"] == "/admin/"
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_a_post_from_a_signed_out_browser_keeps_nothing(client, editor, staff_login, time_machine):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(editor)
    assert client.get("/admin/").status_code == 200
    time_machine.move_to("2026-11-25 09:31:00+08:00", tick=False)  # idle: the session is gone
    response = client.post(ADD_USER, FORGED)
    assert "/admin/login/" in response["Location"]
    assert KEPT_KEY not in client.session


def test_after_twelve_hours_the_same_staff_member_gets_their_form_back_without_secrets(
    client, admin_user, staff_login, short_sessions, time_machine
):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(admin_user)
    client.get(ADD_USER)
    time_machine.move_to("2026-11-25 09:11:00+08:00", tick=False)
    response = client.post(ADD_USER, {**FORGED, "username": "xiaowang"})
    assert "/admin/login/" in response["Location"]
    kept = client.session[KEPT_KEY]
    assert kept["user"] == admin_user.pk
    names = {name for name, _values in kept["fields"]}
    assert "username" in names and not names & {"password1", "password2"}
    staff_login(admin_user)
    assert client.get(ADD_USER)["Location"] == "/staff/resubmit/"
    html = client.get("/staff/resubmit/").content.decode()
    assert 'name="username" value="xiaowang"' in html and "Intruder-pass" not in html


def test_a_kept_form_is_never_shown_to_someone_else(
    client, admin_user, editor, staff_login, short_sessions, time_machine
):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(admin_user)
    client.get(ADD_USER)
    time_machine.move_to("2026-11-25 09:11:00+08:00", tick=False)
    client.post(ADD_USER, {**FORGED, "username": "xiaowang"})
    staff_login(editor)  # someone else signs in on the same computer
    assert client.get("/staff/resubmit/")["Location"] == "/admin/"
    assert "xiaowang" not in client.get("/admin/").content.decode()
    assert KEPT_KEY not in client.session  # forgotten, not just hidden


def test_a_resident_signing_in_next_does_not_carry_a_kept_staff_form(
    client, admin_user, resident, staff_login, short_sessions, time_machine
):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(admin_user)
    client.get(ADD_USER)
    time_machine.move_to("2026-11-25 09:11:00+08:00", tick=False)
    client.post(ADD_USER, {**FORGED, "username": "xiaowang"})
    assert KEPT_KEY in client.session
    client.force_login(resident)
    client.get("/")
    assert KEPT_KEY not in client.session


def test_a_post_that_fails_the_csrf_check_at_the_twelve_hour_limit_is_not_kept(
    admin_user, short_sessions, time_machine
):
    browser = Client(enforce_csrf_checks=True)
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    _sign_in(browser, admin_user)
    _csrf_token(browser)
    time_machine.move_to("2026-11-25 09:11:00+08:00", tick=False)
    response = browser.post(ADD_USER, FORGED)  # no token: a cross-site page sent it
    assert "/admin/login/" in response["Location"]
    assert KEPT_KEY not in browser.session


def test_a_post_with_the_right_csrf_token_at_the_twelve_hour_limit_is_kept(
    admin_user, short_sessions, time_machine
):
    browser = Client(enforce_csrf_checks=True)
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    _sign_in(browser, admin_user)
    token = _csrf_token(browser)
    time_machine.move_to("2026-11-25 09:11:00+08:00", tick=False)
    browser.post(ADD_USER, {**FORGED, "username": "xiaowang", "csrfmiddlewaretoken": token})
    kept = browser.session[KEPT_KEY]
    assert kept["user"] == admin_user.pk
    assert ("username", ["xiaowang"]) in [tuple(field) for field in kept["fields"]]
    assert "csrfmiddlewaretoken" not in {name for name, _values in kept["fields"]}


def _sign_in(browser, user):
    """Password and authenticator, on a client of the test's own."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = (
        TOTPDevice.objects.filter(user=user, confirmed=True).first().persistent_id
    )
    session.save()
