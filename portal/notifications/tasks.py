"""Celery tasks: ids in, the state checked first, bounded retries, a final status."""

from celery import shared_task

from portal.notifications import api, delivery


# The outbox row is the result: storing Celery's own result would only cost a round trip.
@shared_task(
    bind=True, name="notifications.deliver", max_retries=None, acks_late=True, ignore_result=True
)
def deliver(self, message_id):
    """Deliver one outbox row; retry after a temporary failure (the row counts attempts)."""
    # Run in-process (the embedded default) there is no one to hand a retry to: try
    # again now. deliver_now ends in "failed" after NOTIFY_MAX_ATTEMPTS, so this stops.
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
