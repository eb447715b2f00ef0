"""Twilio status callbacks: signed, idempotent, forward only, 200 for an unknown id."""

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from portal.notifications.models import Message, Status

pytestmark = pytest.mark.django_db

TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC = "https://portal.example.cn"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC


def _message(provider_id="SM" + "a" * 32, status=Status.SENT, medium="sms"):
    return Message.objects.create(
        medium=medium,
        recipient="+8613800000001",
        purpose="sign_in_code",
        template="sign_in_code",
        language="zh-hans",
        body="code",
        status=status,
        provider="twilio",
        provider_id=provider_id,
        not_before=timezone.now(),
    )


def _post(client, path, fields, signature=None):
    url = PUBLIC + path
    signature = signature or RequestValidator(TOKEN).compute_signature(url, fields)
    # The portal sits behind a proxy: it is reached as "testserver" but must check
    # the signature against the public URL Twilio used.
    return client.post(path, fields, HTTP_X_TWILIO_SIGNATURE=signature)


def _sms(sid, status, **extra):
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "AccountSid": "AC" + "0" * 32,
        **extra,
    }


def test_a_signed_delivery_report_marks_the_message_delivered(client):
    message = _message()
    response = _post(client, "/phone/status/sms/", _sms(message.provider_id, "delivered"))
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_a_bad_signature_gets_403_and_changes_nothing(client):
    message = _message()
    response = _post(
        client,
        "/phone/status/sms/",
        _sms(message.provider_id, "delivered"),
        signature="bm90IGEgc2lnbmF0dXJl",
    )
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_a_missing_signature_gets_403(client):
    message = _message()
    response = client.post("/phone/status/sms/", _sms(message.provider_id, "delivered"))
    assert response.status_code == 403


def test_a_report_for_an_unknown_message_gets_200_so_twilio_stops(client):
    response = _post(client, "/phone/status/sms/", _sms("SM" + "f" * 32, "delivered"))
    assert response.status_code == 200


def test_a_late_sent_report_does_not_undo_delivered(client):
    message = _message()
    _post(client, "/phone/status/sms/", _sms(message.provider_id, "delivered"))
    _post(client, "/phone/status/sms/", _sms(message.provider_id, "sent"))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_the_same_report_twice_changes_nothing_the_second_time(client):
    message = _message()
    fields = _sms(message.provider_id, "undelivered", ErrorCode="30006")
    _post(client, "/phone/status/sms/", fields)
    first = Message.objects.get(pk=message.pk)
    _post(client, "/phone/status/sms/", fields)
    second = Message.objects.get(pk=message.pk)
    assert first.status == second.status == Status.UNDELIVERED
    assert second.error_code == "30006"
    assert second.updated_at == first.updated_at


def test_a_completed_call_counts_as_delivered(client):
    message = _message(provider_id="CA" + "b" * 32, medium="voice")
    fields = {
        "CallSid": message.provider_id,
        "CallStatus": "completed",
        "AccountSid": "AC" + "0" * 32,
    }
    assert _post(client, "/phone/status/call/", fields).status_code == 200
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_callbacks_only_accept_post(client):
    assert client.get("/phone/status/sms/").status_code == 405
