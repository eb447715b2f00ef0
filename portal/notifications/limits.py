"""Limits against SMS pumping and mistakes, and quiet hours for messages that can wait."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from portal.notifications.models import Message, Purpose, Status


def over_limit(recipient, body, now):
    """The reason this message must not go, or ``None``: a duplicate or a cap reached.

    One query counts all three, since every message sent pays for it.
    """
    window = now - datetime.timedelta(seconds=settings.NOTIFY_DUPLICATE_WINDOW_SECONDS)
    hour_ago = now - datetime.timedelta(hours=1)
    mine = Q(recipient=recipient)
    counts = (
        Message.objects.exclude(status=Status.CANCELLED)
        .filter(created_at__gte=min(hour_ago, window))
        .aggregate(
            duplicates=Count("id", filter=mine & Q(body=body, created_at__gte=window)),
            to_recipient=Count("id", filter=mine & Q(created_at__gte=hour_ago)),
            total=Count("id", filter=Q(created_at__gte=hour_ago)),
        )
    )
    if counts["duplicates"]:
        return "duplicate"
    if counts["to_recipient"] >= settings.NOTIFY_MAX_PER_RECIPIENT_PER_HOUR:
        return "recipient_cap"
    if counts["total"] >= settings.NOTIFY_MAX_PER_HOUR:
        return "total_cap"
    return None


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
