"""Limits against SMS pumping and mistakes, and quiet hours for messages that can wait."""

import datetime

from django.conf import settings
from django.utils import timezone

from portal.notifications.models import Message, Purpose, Status


def over_limit(recipient, body, now):
    """The reason this message must not go, or ``None``: a duplicate or a cap reached."""
    counted = Message.objects.exclude(status=Status.CANCELLED)
    window = now - datetime.timedelta(seconds=settings.NOTIFY_DUPLICATE_WINDOW_SECONDS)
    if counted.filter(recipient=recipient, body=body, created_at__gte=window).exists():
        return "duplicate"
    hour_ago = now - datetime.timedelta(hours=1)
    recent = counted.filter(created_at__gte=hour_ago)
    if recent.filter(recipient=recipient).count() >= settings.NOTIFY_MAX_PER_RECIPIENT_PER_HOUR:
        return "recipient_cap"
    if recent.count() >= settings.NOTIFY_MAX_PER_HOUR:
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
