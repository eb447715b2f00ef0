"""Limits against SMS pumping and mistakes, and quiet hours for messages that can wait."""

import datetime
import logging

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from portal.notifications.models import Message, Purpose, Status

logger = logging.getLogger(__name__)

# The portal's hourly total lives in the cache (Redis at scale), one counter per five minutes:
# counting the last hour's rows on every send would read more rows the busier it gets.
BUCKET_SECONDS = 5 * 60
BUCKETS_PER_HOUR = 3600 // BUCKET_SECONDS
TOTAL_KEY = "notifications:{budget}:{bucket}"


def _counters():
    """The cache the hourly totals live in. It raises when Redis is down (it is not the
    fail-open default cache): ``_hourly_total_allows`` then counts the rows instead."""
    return caches["counters"]


def over_limit(recipient, body, now, *, purpose=None):
    """The reason this message must not go, or ``None``: a duplicate or a cap reached.

    A message that passes counts towards its hourly total at once. Sign-in codes count
    towards a budget of their own and skip the per-number checks here: each code is a new
    text, and their limits per number and per client are the sign-in's
    (``portal.accounts.code_limits``), which never let a stranger use up a resident's.
    """
    if purpose == Purpose.SIGN_IN_CODE:
        return None if _hourly_total_allows(now, codes=True) else "codes_cap"
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


def _hourly_total_allows(now, *, codes=False):
    """Whether the hourly cap (of codes, or of everything else) lets one more message go,
    and if so, count it."""
    cap = settings.NOTIFY_MAX_CODES_PER_HOUR if codes else settings.NOTIFY_MAX_PER_HOUR
    try:
        return _take_from_hourly_total(now, "codes" if codes else "sent", cap)
    except Exception:  # whatever the cache backend raises when Redis cannot be reached
        # A message must never be lost because the cache is down: count the rows instead.
        logger.warning("cache unreachable: counting this hour's messages in the database")
        hour_ago = now - datetime.timedelta(hours=1)
        this_hour = Message.objects.filter(created_at__gte=hour_ago).exclude(
            status=Status.CANCELLED
        )
        if codes:
            this_hour = this_hour.filter(purpose=Purpose.SIGN_IN_CODE)
        else:
            this_hour = this_hour.exclude(purpose=Purpose.SIGN_IN_CODE)
        return this_hour.count() < cap


def _take_from_hourly_total(now, budget, cap):
    """Count one more message, unless that would pass the hourly cap.

    The hour is the current five minutes and the twelve before (up to 65 minutes), so the
    cap errs on the safe side. The increment is atomic: senders racing each other never
    pass the cap together.
    """
    cache = _counters()
    bucket = int(now.timestamp()) // BUCKET_SECONDS
    key = TOTAL_KEY.format(budget=budget, bucket=bucket)
    try:
        cache.incr(key)
    except ValueError:  # the first message in these five minutes
        cache.add(key, 0, timeout=BUCKET_SECONDS * (BUCKETS_PER_HOUR + 2))
        cache.incr(key)
    buckets = range(bucket - BUCKETS_PER_HOUR, bucket + 1)
    keys = [TOTAL_KEY.format(budget=budget, bucket=b) for b in buckets]
    if sum(cache.get_many(keys).values()) > cap:
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
