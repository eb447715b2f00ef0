"""Recording where residents set out and where a service turned them away (see
:mod:`portal.journeys.models`). Services call these; the supervisor's figures count them."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from portal.channels import Channel
from portal.journeys.models import Step

# A resident opening the same start page again within this time is the same start.
SAME_START = timedelta(hours=1)


def started(resident, service, channel=Channel.WEB):
    """``resident`` opened ``service``'s first page (``"taxi"``); one start an hour counts."""
    if not getattr(resident, "pk", None):
        return
    # A mark in the cache, not a query, says when this start was last counted. The time is
    # in the mark (not left to the cache's expiry) so it follows the portal's clock.
    key, now = f"journey-started:{resident.pk}:{service}", timezone.now()
    last = cache.get(key)
    if last is not None and now - last < SAME_START:
        return
    cache.set(key, now, SAME_START.total_seconds())
    Step.objects.create(resident=resident, service=service, what=Step.What.STARTED, channel=channel)


def refused(resident, service, reason, channel):
    """``service`` turned ``resident`` away for ``reason`` (the refusal's code), on ``channel``.

    Call it outside the transaction the refusal rolls back (the services do, around their
    own), so it is kept."""
    Step.objects.create(
        resident=resident,
        service=service,
        what=Step.What.REFUSED,
        reason=(reason or "")[:40],
        channel=channel,
    )
