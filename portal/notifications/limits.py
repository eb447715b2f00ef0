"""Limits against SMS pumping and mistakes, and quiet hours for messages that can wait."""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal.notifications.models import Message, Purpose, Status

logger = logging.getLogger(__name__)

# The portal's hourly total lives in the cache (Redis at scale), one counter per five minutes:
# counting the last hour's rows on every send would read more rows the busier it gets.
BUCKET_SECONDS = 5 * 60
BUCKETS_PER_HOUR = 3600 // BUCKET_SECONDS
TOTAL_KEY = "notifications:sent:{bucket}"


def over_limit(recipient, body, now):
    """The reason this message must not go, or ``None``: a duplicate or a cap reached.

    A message that passes counts towards the portal's hourly total at once.
    """
    window = now - datetime.timedelta(seconds=settings.NOTIFY_DUPLICATE_WINDOW_SECONDS)
    hour_ago = now - datetime.timedelta(hours=1)
    # One query on the (recipient, created_at) index; the per-number cap keeps it to a few rows.
    recent = list(
        Message.objects.filter(recipient=recipient, created_at__gte=min(hour_ago, window))
        .exclude(status=Status.CANCELLED)
        .values_list("body", "created_at")
    )
    if any(sent == body and created_at >= window for sent, created_at in recent):
        return "duplicate"
    this_hour = sum(created_at >= hour_ago for _, created_at in recent)
    if this_hour >= settings.NOTIFY_MAX_PER_RECIPIENT_PER_HOUR:
        return "recipient_cap"
    if not _hourly_total_allows(now):
        return "total_cap"
    return None


def _hourly_total_allows(now):
    """Whether the portal's hourly cap lets one more message go (and if so, count it)."""
    try:
        return _take_from_hourly_total(now)
    except Exception:  # whatever the cache backend raises when Redis cannot be reached
        # A message must never be lost because the cache is down: count the rows instead.
        logger.warning("cache unreachable: counting this hour's messages in the database")
        hour_ago = now - datetime.timedelta(hours=1)
        this_hour = Message.objects.filter(created_at__gte=hour_ago).exclude(
            status=Status.CANCELLED
        )
        return this_hour.count() < settings.NOTIFY_MAX_PER_HOUR


def _take_from_hourly_total(now):
    """Count one more message, unless that would pass the hourly cap.

    The hour is the current five minutes and the twelve before (up to 65 minutes), so the
    cap errs on the safe side. The increment is atomic: senders racing each other never
    pass the cap together.
    """
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    key = TOTAL_KEY.format(bucket=bucket)
    try:
        cache.incr(key)
    except ValueError:  # the first message in these five minutes
        cache.add(key, 0, timeout=BUCKET_SECONDS * (BUCKETS_PER_HOUR + 2))
        cache.incr(key)
    keys = [TOTAL_KEY.format(bucket=b) for b in range(bucket - BUCKETS_PER_HOUR, bucket + 1)]
    if sum(cache.get_many(keys).values()) > settings.NOTIFY_MAX_PER_HOUR:
        cache.decr(key)  # a refused message does not use up the cap
        return False
    return True


def earliest_send_time(purpose, urgent, now):
    """Now, or the end of quiet hours for a message that can wait until morning."""
    if urgent or purpose == Purpose.SIGN_IN_CODE:
        return now
    start, end = settings.NOTIFY_QUIET_HOURS
    local = timezone.localtime(now)
    if start <= local.hour or local.hour < end:
        morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
        if local.hour >= start:
            morning += datetime.timedelta(days=1)
        return morning
    return now
