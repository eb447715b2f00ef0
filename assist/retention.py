"""Closed requests keep what was written about the resident for ``ASSIST_KEEP_DAYS`` only."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from assist.models import HelpRequest, RequestEvent, State
from portal.retention import register


@register("help requests")
def forget_closed_requests(now):
    """Delete the notes of requests closed more than ``ASSIST_KEEP_DAYS`` ago; return how many.

    What stays is what the numbers need and holds nothing said about the person: kind, topic,
    channel, street, times, outcome, and who did what when.
    """
    cutoff = now - timedelta(days=settings.ASSIST_KEEP_DAYS)
    due = HelpRequest.objects.filter(
        state=State.CLOSED, closed_at__lt=cutoff, forgotten_at__isnull=True
    )
    count = 0
    for request in due.only("pk"):
        with transaction.atomic():
            RequestEvent.objects.filter(request=request).update(note="")
            count += HelpRequest.objects.filter(pk=request.pk, forgotten_at__isnull=True).update(
                note="", forgotten_at=now
            )
    return count
