"""Staff see messages read-only in the admin; the console phone shows what it received."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.notifications.backends.console import ConsoleBackend
from portal.notifications.models import Message, Status

pytestmark = pytest.mark.django_db


def _message(**fields):
    values = {
        "medium": "sms",
        "recipient": "+8613800000001",
        "purpose": "sign_in_code",
        "template": "sign_in_code",
        "language": "zh-hans",
        "body": "【长者服务门户】验证码 1",
        "not_before": timezone.now(),
        **fields,
    }
    return Message.objects.create(**values)


def test_staff_with_the_view_permission_see_messages_filtered_by_status(
    client, counter_staff, staff_login
):
    _message(status=Status.FAILED, error_code="21610", error_permanent=True)
    _message(recipient="+8613800000002", status=Status.DELIVERED)
    staff_login(counter_staff)
    html = client.get("/admin/messages/?status=failed").content.decode()
    assert "+8613800000001" in html and "+8613800000002" not in html
    assert "对方已退订消息" in html


def test_nobody_can_edit_or_delete_a_message(client, counter_staff, staff_login):
    message = _message()
    staff_login(counter_staff)
    assert client.get(f"/admin/messages/edit/{message.pk}/").status_code in (302, 403, 404)
    assert client.post(f"/admin/messages/delete/{message.pk}/").status_code in (302, 403, 404)
    assert Message.objects.filter(pk=message.pk).exists()


def test_a_volunteer_without_the_permission_cannot_see_messages(
    client, django_user_model, staff_login
):
    staff_login(django_user_model.objects.get(username="volunteer"))
    assert client.get("/admin/messages/").status_code in (302, 403)


def test_last_message_prints_what_the_console_phone_received(settings, tmp_path):
    """The embedded default's stand-in for a phone shows the code, as a phone would."""
    settings.CONSOLE_PHONE_INBOX = str(tmp_path / "phone.jsonl")
    for text in ("旧消息", "您的登录验证码是123456"):
        message = Message(recipient="+8613800000001", medium="sms", body=text)
        ConsoleBackend().send(message)
    out = io.StringIO()
    call_command("last_message", "138 0000 0001", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "您的登录验证码是123456"


def test_last_message_says_so_when_nothing_was_received(settings, tmp_path):
    settings.CONSOLE_PHONE_INBOX = str(tmp_path / "phone.jsonl")
    with pytest.raises(CommandError, match="received nothing"):
        call_command("last_message", "13800000009", stdout=io.StringIO())


def test_last_message_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="development only"):
        call_command("last_message", "13800000001", stdout=io.StringIO())
