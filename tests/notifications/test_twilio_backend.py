"""The real Twilio SDK against a fake Twilio server on 127.0.0.1."""

import datetime
import re
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from portal.notifications import api
from portal.notifications.backends import backend_for
from portal.notifications.models import SECRET_MASK, Message, Purpose, Status
from tests.support.fake_twilio import FakeTwilio, send_through

FROM = "+14155550100"


@pytest.fixture
def fake_twilio(settings):
    with FakeTwilio() as fake:
        send_through(fake, settings, from_number=FROM)
        settings.PUBLIC_BASE_URL = "https://portal.example.cn"
        settings.NOTIFY_MAX_PER_HOUR = 100_000
        yield fake
        backend_for.cache_clear()


def _in_ten_minutes():
    return timezone.now() + datetime.timedelta(minutes=10)


def _send(capture, number="+8613800000001", medium="sms", code="482913", language="zh-hans"):
    with capture(execute=True):
        message = api.send(
            number,
            "sign_in_code",
            {"code": SECRET_MASK},
            purpose=Purpose.SIGN_IN_CODE,
            medium=medium,
            language=language,
            secret=code,
            secret_until=_in_ten_minutes(),
        )
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_an_sms_goes_through_twilio_messages(fake_twilio, django_capture_on_commit_callbacks):
    message = _send(django_capture_on_commit_callbacks)
    [sent] = fake_twilio.sent_to("+8613800000001")
    # The phone gets the code; the row staff can read keeps a mask, and no secret.
    assert sent.body == message.body.replace("••••••", "482913") and sent.from_ == FROM
    assert "482913" not in message.body and message.secret == ""
    assert sent.status_callback == "https://portal.example.cn/phone/status/sms/"
    assert message.status == Status.SENT
    assert message.provider == "twilio" and message.provider_id == sent.sid


@pytest.mark.django_db
def test_a_call_speaks_slowly_in_mandarin_twice_reading_digits_one_by_one(
    fake_twilio, django_capture_on_commit_callbacks
):
    message = _send(django_capture_on_commit_callbacks, medium="voice")
    [call] = fake_twilio.calls
    assert call.status_callback == "https://portal.example.cn/phone/status/call/"
    assert call.twiml.count('language="cmn-CN"') == 2
    assert call.twiml.count("4 8 2 9 1 3") == 2
    assert '<prosody rate="slow">' in call.twiml
    assert re.search(r"</Say><Pause length=\"2\" /><Say", call.twiml)
    assert message.provider_id == call.sid


@pytest.mark.django_db
def test_an_english_call_uses_an_english_voice(fake_twilio, django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks, medium="voice", language="en")
    assert 'language="en-US"' in fake_twilio.calls[0].twiml


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_rate_limits_are_retried(
    fake_twilio, django_capture_on_commit_callbacks, status
):
    fake_twilio.fail_next(2, status=status)
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == Status.SENT
    assert message.attempts == 3
    assert len(fake_twilio.messages) == 1


@pytest.mark.django_db
def test_a_provider_that_hangs_past_the_timeout_is_retried(
    fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.hang_next(1, seconds=2.5)
    started = time.monotonic()
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == Status.SENT and message.attempts == 2
    assert time.monotonic() - started < 5


@pytest.mark.django_db
@pytest.mark.parametrize("code", [21211, 21610, 21614])
def test_permanent_errors_fail_at_once_with_the_reason(
    fake_twilio, django_capture_on_commit_callbacks, code
):
    fake_twilio.reject_number("+8613800000001", code=code)
    message = _send(django_capture_on_commit_callbacks)
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert message.error_code == str(code) and message.error_permanent is True


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_thousand_messages_with_a_fifth_failing_all_arrive_exactly_once(fake_twilio, settings):
    """With CELERY_BROKER_URL set this runs through a real worker on the broker."""
    settings.NOTIFY_MAX_ATTEMPTS = 12  # 0.2 ** 12: no message runs out of tries by chance
    fake_twilio.failure_rate(0.2, status=503, seed=7)
    numbers = [f"+86138{n:08d}" for n in range(1000)]
    with _worker_if_broker():
        for number in numbers:
            api.send(
                number,
                "sign_in_code",
                {"code": SECRET_MASK},
                purpose=Purpose.SIGN_IN_CODE,
                secret="135790",
                secret_until=_in_ten_minutes(),
            )
        deadline = time.monotonic() + 180
        while Message.objects.exclude(status=Status.SENT).exists():
            assert time.monotonic() < deadline, "messages still not sent"
            time.sleep(0.2)
    per_number = {}
    for record in fake_twilio.messages:
        per_number[record.to] = per_number.get(record.to, 0) + 1
    assert per_number == dict.fromkeys(numbers, 1)
    assert Message.objects.filter(status=Status.SENT).count() == 1000
    assert Message.objects.filter(attempts__gt=1).exists()  # failures really happened


class _worker_if_broker:
    def __enter__(self):
        self.worker = None
        if not django_settings.CELERY_TASK_ALWAYS_EAGER:
            from celery.contrib.testing.worker import start_worker

            from portal.celery import app
            from portal.queues import ALL

            self.worker = start_worker(
                app,
                pool="threads",
                concurrency=4,
                perform_ping_check=False,
                queues=list(ALL),
                shutdown_timeout=30,
            )
            self.worker.__enter__()
        return self

    def __exit__(self, *exc_info):
        if self.worker is not None:
            self.worker.__exit__(*exc_info)
