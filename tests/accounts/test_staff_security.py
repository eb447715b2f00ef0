"""Staff: password plus authenticator on every staff page; 30 minutes idle, 12 hours at most."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_a_password_alone_does_not_open_the_admin(client, editor):
    client.force_login(editor)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/2fa/?next=%2Fadmin%2Fpages%2F"


def test_the_authenticator_code_opens_the_admin(client, editor):
    client.force_login(editor)
    device = TOTPDevice.objects.get(user=editor, confirmed=True)
    response = client.post("/staff/2fa/", {"code": _code(device), "next": "/admin/pages/"})
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200


def test_a_wrong_authenticator_code_is_refused_in_plain_words(client, editor):
    client.force_login(editor)
    html = client.post("/staff/2fa/", {"code": "000000"}).content.decode()
    assert "<title>错误" in html
    assert client.get("/admin/pages/").status_code == 302


def test_new_staff_enrol_an_authenticator_with_a_qr_code(client, volunteer):
    TOTPDevice.objects.filter(user=volunteer).delete()
    client.force_login(volunteer)
    html = client.get("/staff/2fa/").content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=volunteer)
    assert not device.confirmed
    client.post("/staff/2fa/", {"code": _code(device)})
    device.refresh_from_db()
    assert device.confirmed


def test_a_staff_session_ends_after_thirty_idle_minutes(client, editor, staff_login, time_machine):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(editor)
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    time_machine.move_to("2026-11-25 09:29:00+08:00", tick=False)
    assert client.get("/admin/").status_code == 200  # each request pushes it back
    time_machine.move_to("2026-11-25 09:59:30+08:00", tick=False)  # 30.5 idle minutes
    assert "/admin/login/" in client.get("/admin/")["Location"]


def test_a_staff_session_ends_after_twelve_hours_however_busy(
    client, editor, staff_login, time_machine
):
    time_machine.move_to("2026-11-25 08:00:00+08:00", tick=False)
    staff_login(editor)
    assert client.get("/admin/").status_code == 200
    for minutes in range(25, 12 * 60, 25):  # busy all day: never idle for 30 minutes
        time_machine.move_to(f"2026-11-25 {8 + minutes // 60:02d}:{minutes % 60:02d}:00+08:00")
        assert client.post("/staff/session/extend/").status_code == 204
    time_machine.move_to("2026-11-25 20:00:01+08:00", tick=False)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_admin_pages_carry_the_idle_warning_script(client, editor, staff_login):
    staff_login(editor)
    html = client.get("/admin/").content.decode()
    assert "accounts/staff-timeout.js" in html and 'data-idle-seconds="1800"' in html


def test_stay_signed_in_renews_a_staff_session(client, editor, staff_login):
    staff_login(editor)
    assert client.post("/staff/session/extend/").status_code == 204


def test_residents_are_not_asked_for_an_authenticator(client, resident):
    client.force_login(resident)
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 24 * 3600


def test_without_javascript_a_form_sent_after_the_twelve_hours_is_kept_for_after_sign_in(
    client, editor, staff_login, settings, time_machine
):
    """Only at the 12-hour limit, where the session still says who sent the form: after the
    idle time-out the sender is unknown, and a stranger's form must never be offered back."""
    from content.models import HelpPage

    settings.STAFF_SESSION_MAX_SECONDS = 10 * 60  # the 12 hours, shortened
    page = HelpPage.objects.filter(locale__language_code="zh-hans").first()
    edit = f"/admin/pages/{page.pk}/edit/"
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(editor)
    assert client.get(edit).status_code == 200
    time_machine.move_to("2026-11-25 09:11:00+08:00", tick=False)  # past the limit, not idle
    response = client.post(edit, {"title": "改过的标题", "summary": "新的摘要"})
    assert "/admin/login/" in response["Location"]
    staff_login(editor)
    assert client.get(edit)["Location"] == "/staff/resubmit/"
    html = client.get("/staff/resubmit/").content.decode()
    assert f'action="{edit}"' in html
    assert 'name="title" value="改过的标题"' in html and 'value="新的摘要"' in html
    assert client.get(edit).status_code == 200  # shown once, then the page as usual


def test_a_form_sent_after_the_idle_time_out_is_not_kept(client, editor, staff_login, time_machine):
    from content.models import HelpPage

    page = HelpPage.objects.filter(locale__language_code="zh-hans").first()
    edit = f"/admin/pages/{page.pk}/edit/"
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    staff_login(editor)
    assert client.get(edit).status_code == 200
    time_machine.move_to("2026-11-25 09:31:00+08:00", tick=False)  # 31 idle minutes
    response = client.post(edit, {"title": "改过的标题", "summary": "新的摘要"})
    assert "/admin/login/" in response["Location"]
    staff_login(editor)
    assert client.get(edit).status_code == 200
    assert client.get("/staff/resubmit/")["Location"] == "/admin/"


def test_after_wrong_codes_a_right_one_is_told_to_wait_not_that_it_is_wrong(
    client, editor, time_machine
):
    time_machine.move_to("2026-11-25 09:00:00+08:00", tick=False)
    client.force_login(editor)
    device = TOTPDevice.objects.get(user=editor, confirmed=True)
    for _ in range(3):
        client.post("/staff/2fa/", {"code": "000000"})
    html = client.post("/staff/2fa/", {"code": _code(device)}).content.decode()
    assert "秒" in html and "不对" not in html  # wait N seconds, not "that code is not right"
    assert client.get("/admin/pages/").status_code == 302
    time_machine.move_to("2026-11-25 09:01:00+08:00", tick=False)
    response = client.post("/staff/2fa/", {"code": _code(device), "next": "/admin/pages/"})
    assert response["Location"] == "/admin/pages/"
