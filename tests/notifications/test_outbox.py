"""The outbox: a row first, delivery on commit, limits, quiet hours, never sent twice."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from portal.notifications import api, delivery, templates
from portal.notifications.models import SECRET_MASK, Message, Purpose, Status

pytestmark = pytest.mark.django_db

RESIDENT = "+8613800000001"


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks):
    """Tests run inside a transaction that never commits: run on-commit work at once."""
    global _captured
    _captured = django_capture_on_commit_callbacks


def _committed(send):
    with _captured(execute=True):
        return send()


def _code(number=RESIDENT, code="482913", **kwargs):
    """A sign-in code, sent the way the sign-in sends it: the secret apart from the text."""
    until = timezone.now() + datetime.timedelta(minutes=10)
    return _committed(
        lambda: api.send(
            number,
            "sign_in_code",
            {"code": SECRET_MASK},
            purpose=Purpose.SIGN_IN_CODE,
            secret=code,
            secret_until=until,
            **kwargs,
        )
    )


def _notice(number=RESIDENT, text="您的出租车到了", purpose=Purpose.TAXI, **kwargs):
    return _committed(
        lambda: api.send(number, "notice", {"text": text}, purpose=purpose, urgent=True, **kwargs)
    )


def test_a_message_is_a_row_first_and_is_sent_when_the_transaction_commits(memory_backend):
    with _captured(execute=True) as callbacks:
        message = api.send(
            RESIDENT, "notice", {"text": "车到了"}, purpose=Purpose.TAXI, urgent=True
        )
        assert Message.objects.get(pk=message.pk).status == Status.QUEUED
        assert memory_backend.outbox == []
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert [sent.pk for sent in memory_backend.outbox] == [message.pk]


def test_a_rolled_back_event_sends_nothing(memory_backend):
    with _captured(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        api.send(RESIDENT, "notice", {"text": "车到了"}, purpose=Purpose.TAXI)
        raise RuntimeError("the booking failed")
    assert callbacks == []
    assert Message.objects.count() == 0
    assert memory_backend.outbox == []


def test_the_text_is_in_the_residents_language_and_signed(memory_backend):
    chinese = _code(language="zh-hans")
    english = _code(number="+8613800000002", language="en")
    assert chinese.body == "【长者服务门户】您的登录验证码是••••••，10分钟内有效，请勿告诉他人。"
    assert english.body.startswith("[Silver Portal]Your sign-in code is ••••••")
    sent = {message.recipient: message.text_to_send() for message in memory_backend.outbox}
    assert sent[RESIDENT] == "【长者服务门户】您的登录验证码是482913，10分钟内有效，请勿告诉他人。"
    assert sent["+8613800000002"].startswith("[Silver Portal]Your sign-in code is 482913")


@pytest.mark.parametrize("name", sorted(set(templates.TEMPLATES) - {"notice"}))
def test_every_chinese_template_fits_one_sms_segment(name):
    context = {"code": "482913", "name": "王阿姨", "hotline": "962200"}
    assert len(templates.render(name, context, "zh-hans")) <= 70


def test_a_delivered_twice_task_sends_once(memory_backend):
    message = _code()
    delivery.deliver_now(message.pk)
    delivery.deliver_now(message.pk)
    assert len(memory_backend.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_the_same_text_to_the_same_number_within_minutes_is_sent_once(memory_backend):
    first = _notice()
    second = _notice()
    assert second.status == Status.CANCELLED and second.error_code == "duplicate"
    assert len(memory_backend.outbox) == 1
    assert first.pk != second.pk  # the refusal is recorded too


def test_a_number_gets_at_most_the_hourly_cap(memory_backend, settings):
    settings.NOTIFY_MAX_PER_RECIPIENT_PER_HOUR = 3
    results = [_notice(text=f"第{n}条") for n in range(5)]
    assert [m.status for m in results].count(Status.CANCELLED) == 2
    assert results[-1].error_code == "recipient_cap"
    assert len(memory_backend.outbox) == 3


def test_the_portal_stops_at_its_total_hourly_cap(memory_backend, settings):
    settings.NOTIFY_MAX_PER_HOUR = 2
    results = [_notice(number=f"+86138000000{n:02d}") for n in range(3)]
    assert results[-1].error_code == "total_cap"


def test_the_total_cap_counts_the_last_hour_and_frees_up_after_it(
    memory_backend, settings, time_machine
):
    settings.NOTIFY_MAX_PER_HOUR = 2
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=False)
    _notice(number="+8613800000010")
    time_machine.move_to("2026-11-25 10:30:00+08:00", tick=False)
    _notice(number="+8613800000011")
    time_machine.move_to("2026-11-25 10:58:00+08:00", tick=False)
    assert _notice(number="+8613800000012").error_code == "total_cap"
    # 10:00 has left the hour; 10:30 is still in it, the refusal at 10:58 never counted.
    time_machine.move_to("2026-11-25 11:06:00+08:00", tick=False)
    assert _notice(number="+8613800000013").error_code == ""
    assert [m.recipient for m in memory_backend.outbox] == [
        "+8613800000010",
        "+8613800000011",
        "+8613800000013",
    ]


def test_with_the_cache_unreachable_messages_still_go_and_the_cap_still_holds(
    memory_backend, settings
):
    """Redis (the cache) down: the hourly total is counted from the outbox rows instead."""
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }
    settings.NOTIFY_MAX_PER_HOUR = 2
    assert _notice(number="+8613800000002").error_code == ""
    assert _notice(number="+8613800000003").error_code == ""
    assert _notice(number="+8613800000004").error_code == "total_cap"
    assert len(memory_backend.outbox) == 2


def test_refused_duplicates_do_not_use_up_the_total_cap(memory_backend, settings):
    settings.NOTIFY_MAX_PER_HOUR = 2
    assert _notice().error_code == ""
    assert _notice().error_code == "duplicate"
    assert _notice(number="+8613800000002").error_code == ""
    assert _notice(number="+8613800000003").error_code == "total_cap"
    assert _notice(number="+8613800000004").error_code == "total_cap"
    assert len(memory_backend.outbox) == 2


def test_a_reminder_in_quiet_hours_waits_until_eight_in_the_morning(memory_backend, time_machine):
    time_machine.move_to("2026-11-25 22:30:00+08:00", tick=False)
    message = _committed(
        lambda: api.send(RESIDENT, "notice", {"text": "明天上午9点看病"}, purpose=Purpose.REMINDER)
    )
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert timezone.localtime(message.not_before).isoformat() == "2026-11-26T08:00:00+08:00"
    assert memory_backend.outbox == []
    time_machine.move_to("2026-11-26 08:01:00+08:00", tick=False)
    assert _committed(api.requeue_due) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_sign_in_codes_and_urgent_messages_ignore_quiet_hours(memory_backend, time_machine):
    time_machine.move_to("2026-11-25 23:30:00+08:00", tick=False)
    code = _code()
    car = _committed(
        lambda: api.send(
            "+8613800000002", "notice", {"text": "车到了"}, purpose=Purpose.TAXI, urgent=True
        )
    )
    code.refresh_from_db()
    car.refresh_from_db()
    assert code.status == car.status == Status.SENT


def test_a_temporary_failure_is_retried_and_then_sent(memory_backend):
    memory_backend.fail_next(2, code="20429", permanent=False)
    message = _code()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 3


def test_temporary_failures_stop_after_the_last_attempt(memory_backend, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    memory_backend.fail_next(10, code="network", permanent=False)
    message = _code()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 3
    assert message.error_permanent is False


def test_a_permanent_failure_ends_at_once_with_the_reason(memory_backend):
    memory_backend.fail_next(1, code="21610", permanent=True)
    message = _code()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "对方已退订消息" in message.error_in_words()  # staff read it in Chinese


def test_backoff_grows_and_has_jitter():
    first = [delivery.backoff_seconds(1) for _ in range(50)]
    fifth = [delivery.backoff_seconds(5) for _ in range(50)]
    assert max(first) <= 2 < min(fifth)
    assert len(set(fifth)) > 1
    assert max(delivery.backoff_seconds(20) for _ in range(20)) <= 300


def test_a_row_the_broker_never_got_is_sent_by_the_sweep(memory_backend, monkeypatch):
    from portal.notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_due, "apply_async", broker_down)
    message = _code()
    message.refresh_from_db()
    assert message.status == Status.QUEUED  # nothing lost
    monkeypatch.undo()
    Message.objects.filter(pk=message.pk).update(
        not_before=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert _committed(api.requeue_due) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_an_unknown_number_is_refused_before_anything_is_written(memory_backend):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _code(number="12345")
    assert Message.objects.count() == 0
