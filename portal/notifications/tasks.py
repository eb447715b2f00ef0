"""Celery tasks: ids in, the state checked first, bounded retries, a final status."""

import math

from celery import shared_task

from portal.notifications import api, delivery


# The outbox rows are the result: storing Celery's own result would only cost a round trip.
@shared_task(bind=True, name="notifications.deliver_due", acks_late=True, ignore_result=True)
def deliver_due(self, queue):
    """Deliver one batch of the due rows of ``queue``'s lane (``delivery.LANES``).

    Published once for many rows (``api.kick``): a full batch asks for the next before it
    sends, so two workers share a backlog; rows that failed for now are due again after
    their backoff, and a batch is scheduled for then.
    """
    if self.request.is_eager:
        # Run in-process (the embedded default) there is no one to hand a retry to: try
        # again now, until nothing is due. Rows end in "failed" after NOTIFY_MAX_ATTEMPTS.
        while delivery.deliver_batch(queue=queue, wait_before_retry=False).claimed:
            pass
        return
    api.batch_started(queue)
    batch = delivery.deliver_batch(queue=queue, when_full=lambda: api.kick(queue))
    if batch.given_back:
        api.kick(queue)
    # One batch for every second a retry falls in, not one task per row.
    for seconds in sorted({math.ceil(delay) for delay in batch.retry_in}):
        api.kick(queue, countdown=seconds)


# Kept for rows queued one task each before batches: deploys drain the old tasks.
@shared_task(
    bind=True, name="notifications.deliver", max_retries=None, acks_late=True, ignore_result=True
)
def deliver(self, message_id):
    """Deliver one outbox row; retry after a temporary failure (the row counts attempts)."""
    eager = bool(self.request.is_eager)
    retry_in = delivery.deliver_now(message_id, wait_before_retry=not eager)
    while retry_in is not None and eager:
        retry_in = delivery.deliver_now(message_id, wait_before_retry=False)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name="notifications.requeue_due")
def requeue_due():
    """Every minute (Celery beat): queue rows the broker never got or a dead worker left."""
    return api.requeue_due()


@shared_task(name="notifications.forget_expired_secrets")
def forget_expired_secrets():
    """Every minute (Celery beat): wipe one-time codes that ran out before they were sent."""
    return delivery.forget_expired_secrets()
