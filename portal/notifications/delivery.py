"""Delivering outbox rows in batches: claim, call the provider outside any transaction, record.

A batch is claimed in one statement (up to ``NOTIFY_BATCH_SIZE`` due rows move from ``queued``
to ``sending``), sent through one backend (one SDK client, one HTTP session), and its results
are written in one statement. Kept apart from the Celery tasks so the rules can be tested
without a broker.
"""

import datetime
import logging
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal import queues
from portal.notifications.backends import ProviderError, backend_for
from portal.notifications.models import Message, Purpose, Status

logger = logging.getLogger(__name__)


def backoff_seconds(attempt):
    """Exponential backoff with jitter: about 2, 4, 8 ... seconds, at most 5 minutes."""
    ceiling = min(300, 2**attempt)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def queue_for(urgent, purpose):
    """The Celery queue whose batches carry a message: urgent, bulk (reminders) or default."""
    if urgent:
        return queues.URGENT
    return queues.BULK if purpose == Purpose.REMINDER else queues.DEFAULT


# The rows each queue's batches take, so a sign-in code is never claimed behind reminders.
LANES = {
    queues.URGENT: ("urgent = %s", [True]),
    queues.DEFAULT: ("urgent = %s AND purpose <> %s", [False, Purpose.REMINDER]),
    queues.BULK: ("urgent = %s AND purpose = %s", [False, Purpose.REMINDER]),
}

# The ORM's update() returns only a count: with RETURNING the claim and the read of the rows
# are one round trip (PostgreSQL, and SQLite since 3.35). On PostgreSQL, SKIP LOCKED lets two
# workers claim different rows at once; SQLite serialises writers. Either way a row leaves
# ``queued`` once, so only one worker ever sends it. The rows are chosen in a MATERIALIZED CTE,
# run once: as a plain ``IN (subquery)`` PostgreSQL may run the locking subquery again for each
# row, past its LIMIT. Ordered by ``not_before`` so the ``outbox_due`` index finds the due
# rows, not a walk of every row in id order.
CLAIM_SQL = (
    "WITH due AS MATERIALIZED ("
    "SELECT id FROM {table} WHERE status = %s AND not_before <= %s AND {where}"
    " ORDER BY not_before, id LIMIT %s{lock})"
    " UPDATE {table} SET status = %s, attempts = attempts + 1, updated_at = %s"
    " WHERE id IN (SELECT id FROM due) AND status = %s RETURNING *"
)

# What a batch writes back, in one UPDATE for up to RECORD_ROWS rows (each row takes two
# parameters a field: well under SQLite's 32766).
RECORD_ROWS = 500
RECORDED = [
    "status",
    "attempts",
    "secret",
    "provider",
    "provider_id",
    "sent_at",
    "updated_at",
    "error_code",
    "error_permanent",
    "error_message",
    "not_before",
]


def claim(now, *, queue=None, ids=None, limit):
    """Move up to ``limit`` due rows from ``queued`` to ``sending`` and return them, in id
    order: those of ``queue``'s lane, or those of ``ids``."""
    if ids is not None:
        where, lane_params = f"id IN ({', '.join(['%s'] * len(ids))})", list(ids)
    else:
        where, lane_params = LANES[queue]
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    sql = CLAIM_SQL.format(table=Message._meta.db_table, where=where, lock=lock)
    at = connection.ops.adapt_datetimefield_value(now)
    params = [Status.QUEUED, at, *lane_params, limit, Status.SENDING, at, Status.QUEUED]
    return sorted(Message.objects.raw(sql, params), key=lambda message: message.pk)


@dataclass
class Batch:
    """What one batch did: how many rows it claimed, how many it gave back unsent (out of
    time), and the seconds until each retry it scheduled."""

    claimed: int = 0
    given_back: int = 0
    retry_in: list = field(default_factory=list)


def deliver_batch(*, queue=None, ids=None, limit=None, wait_before_retry=True, when_full=None):
    """Claim up to ``limit`` (``NOTIFY_BATCH_SIZE``) due rows, send each, record them all.

    ``queue`` names the lane (``LANES``), or ``ids`` the rows. ``when_full`` is called when the
    batch took as many rows as it could, before sending: more may wait, and another worker
    can take them meanwhile. A batch stops sending after ``NOTIFY_BATCH_SECONDS`` and gives
    the rest back, so whatever waits behind it waits little. ``wait_before_retry=False``
    makes a temporary failure due again at once (for in-process runs).
    """
    limit = limit or settings.NOTIFY_BATCH_SIZE
    now = timezone.now()
    messages = claim(now, queue=queue, ids=ids, limit=limit)
    batch = Batch(claimed=len(messages))
    if not messages:
        return batch
    if when_full is not None and len(messages) >= limit:
        when_full()
    stop_at = time.monotonic() + settings.NOTIFY_BATCH_SECONDS
    done, unexpected = [], None
    try:
        for index, message in enumerate(messages):
            if index and time.monotonic() > stop_at:
                for unsent in messages[index:]:
                    # Not tried: back to the queue as it was.
                    unsent.status, unsent.attempts = Status.QUEUED, unsent.attempts - 1
                    unsent.updated_at = timezone.now()
                    done.append(unsent)
                batch.given_back = len(messages) - index
                break
            try:
                delay = _send_one(message, now, wait_before_retry)
            except Exception as error:
                # Not a provider's answer: whether it went is unknown, so the row stays
                # ``sending`` (never sent twice) and the rest of the batch carries on.
                logger.exception("message %s: unexpected error while sending", message.pk)
                unexpected = unexpected or error
                continue
            done.append(message)
            if delay is not None:
                batch.retry_in.append(delay)
    finally:
        record(done)
    if unexpected is not None:
        raise unexpected
    return batch


def record(messages):
    """Write the ``RECORDED`` fields of ``messages`` still ``sending`` (this worker claimed
    them), in one UPDATE for up to ``RECORD_ROWS`` rows.

    Written by hand: the ORM's ``bulk_update`` builds one expression per field and row,
    which cost more CPU than sending the messages.
    """
    fields = [Message._meta.get_field(name) for name in RECORDED]
    cast = connection.features.requires_casted_case_in_updates  # PostgreSQL types each value
    quote = connection.ops.quote_name
    for start in range(0, len(messages), RECORD_ROWS):
        rows = messages[start : start + RECORD_ROWS]
        assignments, params = [], []
        for model_field in fields:
            value = f"CAST(%s AS {model_field.cast_db_type(connection)})" if cast else "%s"
            cases = " ".join(f"WHEN %s THEN {value}" for _ in rows)
            assignments.append(f"{quote(model_field.column)} = CASE id {cases} END")
            for message in rows:
                saved = model_field.get_db_prep_save(
                    getattr(message, model_field.attname), connection
                )
                params += [message.pk, saved]
        ids = ", ".join(["%s"] * len(rows))
        params += [Status.SENDING, *(message.pk for message in rows)]
        table = quote(Message._meta.db_table)
        sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE status = %s AND id IN ({ids})"  # noqa: S608 - values are parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _send_one(message, now, wait_before_retry):
    """Send one claimed row and set its fields to the outcome; return seconds until a retry,
    or None."""
    expired = message.secret_until is not None and now >= message.secret_until
    if message.needs_secret and (not message.secret or expired):
        # A code that ran out before it could go is no use to anyone: never send the mask.
        message.status, message.secret = Status.CANCELLED, ""
        message.error_code, message.error_permanent = "expired", True
        message.updated_at = timezone.now()
        return None
    try:
        result = backend_for(message.medium).send(message)
    except ProviderError as error:
        final = error.permanent or message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        delay = None if final else (backoff_seconds(message.attempts) if wait_before_retry else 0)
        message.status = Status.FAILED if final else Status.QUEUED
        if final:  # a retry sends the same secret again; a final failure needs it no more
            message.secret = ""
        message.error_code = error.code[:20]
        message.error_permanent = error.permanent
        message.error_message = str(error)[:255]
        message.not_before = now + datetime.timedelta(seconds=delay or 0)
        message.updated_at = timezone.now()
        return delay
    message.status = result.status
    message.secret = ""  # delivered: nobody needs the secret any more
    message.provider, message.provider_id = result.provider, result.provider_id
    message.sent_at = message.updated_at = timezone.now()
    message.error_code = message.error_message = ""
    return None


def deliver_now(message_id, *, wait_before_retry=True):
    """Send the row if it is still queued and due. Return seconds until a retry, or None.

    ``wait_before_retry=False`` retries straight away (for in-process runs, where
    waiting would only block the request). The conditional UPDATE is the claim: of
    two workers given the same id, only one moves the row from ``queued`` to
    ``sending``, so it is never sent twice.
    """
    batch = deliver_batch(ids=[message_id], limit=1, wait_before_retry=wait_before_retry)
    return batch.retry_in[0] if batch.retry_in else None


def forget_expired_secrets():
    """Wipe the secrets of rows whose secret ran out unsent (beat, every minute)."""
    return (
        Message.objects.exclude(secret="")
        .filter(secret_until__lte=timezone.now())
        .update(secret="", updated_at=timezone.now())
    )
