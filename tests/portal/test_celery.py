"""The Celery app: eager in the embedded default, a real worker when a broker is set."""

import pytest
from django.conf import settings

from portal import queues
from portal.celery import app, ping


def test_queues_are_named_so_urgent_work_never_waits_behind_a_batch():
    assert {queue.name for queue in app.conf.task_queues} == {"urgent", "default", "bulk"}
    assert (queues.URGENT, queues.DEFAULT, queues.BULK) == ("urgent", "default", "bulk")
    assert settings.CELERY_TASK_DEFAULT_QUEUE == queues.DEFAULT


@pytest.mark.skipif(not settings.CELERY_TASK_ALWAYS_EAGER, reason="a broker is configured")
def test_without_a_broker_tasks_run_in_process():
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.real_worker
@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs CELERY_BROKER_URL")
def test_a_real_worker_on_the_broker_answers():
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queues.DEFAULT]):
        assert ping.apply_async(queue=queues.DEFAULT).get(timeout=20) == "pong"
