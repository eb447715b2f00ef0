"""Delivering one outbox row: claim it, call the provider outside any transaction, record.

Kept apart from the Celery task so the rules can be tested without a broker.
"""

import datetime
import random

from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.notifications.backends import ProviderError, backend_for
from portal.notifications.models import Message, Status


def backoff_seconds(attempt):
    """Exponential backoff with jitter: about 2, 4, 8 ... seconds, at most 5 minutes."""
    ceiling = min(300, 2**attempt)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


# The ORM's update() returns only a count: with RETURNING the claim and the read of the row
# are one round trip (PostgreSQL, and SQLite since 3.35).
CLAIM_SQL = (
    "UPDATE notifications_message SET status = %s, attempts = attempts + 1, updated_at = %s"
    " WHERE id = %s AND status = %s AND not_before <= %s RETURNING *"
)


def claim(message_id, now):
    """Move the row from ``queued`` to ``sending`` and return it; ``None`` if it was not due."""
    at = connection.ops.adapt_datetimefield_value(now)
    rows = Message.objects.raw(CLAIM_SQL, [Status.SENDING, at, message_id, Status.QUEUED, at])
    return next(iter(rows), None)


def deliver_now(message_id, *, wait_before_retry=True):
    """Send the row if it is still queued and due. Return seconds until a retry, or None.

    ``wait_before_retry=False`` retries straight away (for in-process runs, where
    waiting would only block the request). The conditional UPDATE is the claim: of
    two workers given the same id, only one moves the row from ``queued`` to
    ``sending``, so it is never sent twice.
    """
    now = timezone.now()
    message = claim(message_id, now)
    if message is None:
        return None
    sending = Message.objects.filter(pk=message_id, status=Status.SENDING)
    expired = message.secret_until is not None and now >= message.secret_until
    if message.needs_secret and (not message.secret or expired):
        # A code that ran out before it could go is no use to anyone: never send the mask.
        sending.update(
            status=Status.CANCELLED, secret="", error_code="expired", error_permanent=True
        )
        return None
    try:
        result = backend_for(message.medium).send(message)
    except ProviderError as error:
        final = error.permanent or message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        delay = None if final else (backoff_seconds(message.attempts) if wait_before_retry else 0)
        sending.update(
            status=Status.FAILED if final else Status.QUEUED,
            # A retry sends the same secret again; a final failure needs it no more.
            secret="" if final else message.secret,
            error_code=error.code[:20],
            error_permanent=error.permanent,
            error_message=str(error)[:255],
            not_before=now + datetime.timedelta(seconds=delay or 0),
            updated_at=timezone.now(),
        )
        return delay
    sending.update(
        status=result.status,
        secret="",  # delivered: nobody needs the secret any more
        provider=result.provider,
        provider_id=result.provider_id,
        sent_at=timezone.now(),
        updated_at=timezone.now(),
        error_code="",
        error_message="",
    )
    return None


def forget_expired_secrets():
    """Wipe the secrets of rows whose secret ran out unsent (beat, every minute)."""
    return (
        Message.objects.exclude(secret="")
        .filter(secret_until__lte=timezone.now())
        .update(secret="", updated_at=timezone.now())
    )
