"""The Celery app.

Without ``CELERY_BROKER_URL`` tasks run eagerly in the web process (the embedded
default). With a broker, start a worker for every queue with::

    celery -A portal worker -Q urgent,default,bulk -l info

Queues (named in ``portal.queues``): ``urgent`` for what a person is waiting for
right now (sign-in codes, "your car is here"), ``default`` for ordinary work, ``bulk``
for batches such as reminders, so a batch never delays a sign-in code.
"""

import os

from celery import Celery
from kombu import Queue

from portal import queues

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = tuple(Queue(name) for name in queues.ALL)
app.autodiscover_tasks()


@app.task(name="portal.forget_old_records")
def forget_old_records():
    """Forget personal data kept longer than needed (``portal.retention``); return the counts."""
    from portal.retention import forget_old_records

    return forget_old_records()


@app.task(name="portal.ping")
def ping():
    """Answer "pong": lets health checks and tests prove a worker is listening."""
    return "pong"
