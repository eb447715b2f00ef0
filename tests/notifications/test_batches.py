"""Delivery in batches: one claim and one record per batch, never twice, priorities kept."""

import datetime
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import queues
from portal.notifications import api, delivery, tasks
from portal.notifications.models import SECRET_MASK, Message, Purpose, Status

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def _waiting_codes(count, first=0):
    """``count`` sign-in codes whose writing transaction has not committed yet: queued, due."""
    until = timezone.now() + datetime.timedelta(minutes=10)
    return [
        api.send(
            f"+86138{first + n:08d}",
            "sign_in_code",
            {"code": SECRET_MASK},
            purpose=Purpose.SIGN_IN_CODE,
            secret=f"{n:06d}",
            secret_until=until,
        )
        for n in range(count)
    ]


def _waiting_reminders(count):
    return [
        api.send(f"+86139{n:08d}", "notice", {"text": "明天上午9点看病"}, purpose=Purpose.REMINDER)
        for n in range(count)
    ]


def _statuses(messages):
    rows = Message.objects.filter(pk__in=[m.pk for m in messages])
    return sorted(set(rows.values_list("status", flat=True)))


def _batch_queries(count, settings):
    settings.NOTIFY_BATCH_SIZE = 100
    messages = _waiting_codes(count, first=count * 1000)
    with CaptureQueriesContext(connection) as queries:
        batch = delivery.deliver_batch(queue=queues.URGENT)
    assert batch.claimed == count
    assert _statuses(messages) == [Status.SENT]
    return [query["sql"] for query in queries.captured_queries]


def test_a_batch_is_claimed_in_one_statement_and_recorded_in_one(memory_backend, settings):
    few, many = _batch_queries(3, settings), _batch_queries(40, settings)
    assert len(few) == len(many) <= 4  # independent of the batch's size
    [claim] = [sql for sql in many if "RETURNING" in sql.upper()]  # WITH ... UPDATE ... RETURNING
    assert "UPDATE" in claim.upper() and "LIMIT" in claim.upper()
    [results] = [sql for sql in many if sql.lstrip().upper().startswith("UPDATE")]
    assert "CASE" in results.upper()
    assert len(memory_backend.outbox) == 43


def test_a_batch_takes_at_most_the_batch_size_and_the_next_takes_the_rest(memory_backend, settings):
    settings.NOTIFY_BATCH_SIZE = 10
    messages = _waiting_codes(25)
    asked_for_more = []
    sizes = []
    while batch := delivery.deliver_batch(
        queue=queues.URGENT, when_full=lambda: asked_for_more.append(1)
    ).claimed:
        sizes.append(batch)
    assert sizes == [10, 10, 5]
    assert len(asked_for_more) == 2  # a full batch asks for the next one before it sends
    assert sorted(m.pk for m in memory_backend.outbox) == [m.pk for m in messages]


def test_a_failing_provider_retries_some_rows_with_backoff_while_the_others_are_sent(
    memory_backend, time_machine
):
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=False)
    messages = _waiting_codes(6)
    memory_backend.fail_next(2, code="20429", permanent=False)  # the first two sends fail
    batch = delivery.deliver_batch(queue=queues.URGENT)
    assert batch.claimed == 6 and len(batch.retry_in) == 2
    assert all(1 <= delay <= 2 for delay in batch.retry_in)  # backoff after the first try
    failed, sent = messages[:2], messages[2:]
    assert _statuses(sent) == [Status.SENT]
    for message in failed:
        message.refresh_from_db()
        assert (message.status, message.attempts, message.error_code) == (
            Status.QUEUED,
            1,
            "20429",
        )
        assert message.secret  # kept for the retry
        assert message.not_before > timezone.now()
    assert delivery.deliver_batch(queue=queues.URGENT).claimed == 0  # not due yet
    time_machine.move_to("2026-11-25 10:00:03+08:00", tick=False)
    assert delivery.deliver_batch(queue=queues.URGENT).claimed == 2
    assert _statuses(messages) == [Status.SENT]
    assert len(memory_backend.outbox) == 6
    assert Message.objects.filter(pk__in=[m.pk for m in failed], attempts=2).count() == 2


def test_a_worker_schedules_one_batch_for_each_second_a_retry_falls_in(memory_backend, monkeypatch):
    kicked = []
    monkeypatch.setattr(api, "kick", lambda queue, countdown=None: kicked.append(countdown))
    _waiting_codes(4)
    memory_backend.fail_next(3, code="20429", permanent=False)
    tasks.deliver_due.run(queues.URGENT)  # as a worker runs it, not in-process
    assert kicked == [2]  # backoff_seconds(1) is between 1 and 2: one batch, in 2 s
    assert Message.objects.filter(status=Status.SENT).count() == 1


def test_a_batch_out_of_time_gives_the_rest_back_untried(memory_backend, monkeypatch, settings):
    settings.NOTIFY_BATCH_SECONDS = 1
    clock = iter(range(0, 1000, 10))
    monkeypatch.setattr(delivery.time, "monotonic", lambda: next(clock))  # 10 s per send
    messages = _waiting_codes(5)
    batch = delivery.deliver_batch(queue=queues.URGENT)
    assert (batch.claimed, batch.given_back) == (5, 4)
    assert [m.pk for m in memory_backend.outbox] == [messages[0].pk]
    rest = Message.objects.filter(pk__in=[m.pk for m in messages[1:]])
    assert set(rest.values_list("status", "attempts")) == {(Status.QUEUED, 0)}


def test_an_unexpected_error_leaves_that_row_sending_and_records_the_others(
    memory_backend, monkeypatch
):
    messages = _waiting_codes(3)
    send = memory_backend.MemoryBackend.send_sms

    def broken_for_the_second(self, message):
        if message.pk == messages[1].pk:
            raise RuntimeError("a bug, not the provider")
        return send(self, message)

    monkeypatch.setattr(memory_backend.MemoryBackend, "send_sms", broken_for_the_second)
    with pytest.raises(RuntimeError):
        delivery.deliver_batch(queue=queues.URGENT)
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in messages] == [Status.SENT, Status.SENDING, Status.SENT]


def test_an_urgent_sign_in_code_goes_at_once_while_a_big_batch_of_reminders_waits(
    memory_backend, daytime, django_capture_on_commit_callbacks
):
    reminders = _waiting_reminders(200)  # their transaction has not committed
    with django_capture_on_commit_callbacks(execute=True):
        [code] = _waiting_codes(1, first=500)
    code.refresh_from_db()
    assert code.status == Status.SENT
    assert [m.pk for m in memory_backend.outbox] == [code.pk]
    assert _statuses(reminders) == [Status.QUEUED]
    assert delivery.deliver_batch(queue=queues.BULK).claimed == django_settings.NOTIFY_BATCH_SIZE


def test_rows_committed_together_publish_one_batch_task_per_queue(
    memory_backend, daytime, monkeypatch, django_capture_on_commit_callbacks
):
    """With a broker: a burst costs one task, not one each; a code has a task of its own."""
    from portal.celery import app

    published = []
    app.conf.task_always_eager = False  # the autouse celery_in_process fixture restores it
    monkeypatch.setattr(
        tasks.deliver_due, "apply_async", lambda args, queue, countdown: published.append(queue)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _waiting_reminders(30)
        _waiting_codes(20)
    assert published == [queues.BULK, queues.URGENT]
    api.batch_started(queues.URGENT)  # the urgent task began to claim
    with django_capture_on_commit_callbacks(execute=True):
        _waiting_codes(2, first=100)
    assert published == [queues.BULK, queues.URGENT, queues.URGENT]


def test_reminders_in_quiet_hours_are_not_claimed_until_morning(memory_backend, time_machine):
    time_machine.move_to("2026-11-25 22:30:00+08:00", tick=False)
    reminders = _waiting_reminders(3)
    assert delivery.deliver_batch(queue=queues.BULK).claimed == 0
    time_machine.move_to("2026-11-26 07:59:00+08:00", tick=False)
    assert delivery.deliver_batch(queue=queues.BULK).claimed == 0
    time_machine.move_to("2026-11-26 08:00:00+08:00", tick=False)
    assert delivery.deliver_batch(queue=queues.BULK).claimed == 3
    assert _statuses(reminders) == [Status.SENT]


def test_a_row_claimed_by_one_batch_is_not_sent_by_another(memory_backend):
    messages = _waiting_codes(6)
    taken = delivery.claim(timezone.now(), queue=queues.URGENT, limit=4)
    batch = delivery.deliver_batch(queue=queues.URGENT)
    assert batch.claimed == 2
    assert sorted(m.pk for m in memory_backend.outbox) == [m.pk for m in messages[4:]]
    assert [m.pk for m in taken] == [m.pk for m in messages[:4]]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="concurrent claims need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_batching_at_once_send_every_row_exactly_once(
    memory_backend, settings, monkeypatch
):
    monkeypatch.setattr(api, "kick", lambda queue, countdown=None: None)  # left for the two
    settings.NOTIFY_BATCH_SIZE = 7
    settings.NOTIFY_MAX_PER_HOUR = settings.NOTIFY_MAX_CODES_PER_HOUR = 100_000
    messages = _waiting_codes(300)
    start = threading.Barrier(2)
    claimed = []

    def worker():
        try:
            start.wait()
            total = 0
            while batch := delivery.deliver_batch(queue=queues.URGENT).claimed:
                total += batch
            claimed.append(total)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(claimed) == 300
    sent = sorted(m.pk for m in memory_backend.outbox)
    assert sent == sorted(m.pk for m in messages)  # each once, none missing
    assert _statuses(messages) == [Status.SENT]
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
