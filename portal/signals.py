"""Signals the services send when something needs a person; the human channels listen.

Services never import the human channels (``assist``): they announce here, and ``assist``
connects a receiver that opens a request for help. Sent after the transaction that caused it
commits, so a receiver sees the ride or appointment as it is; a receiver that fails is logged
and does not undo what the service did.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Keyword arguments: ``resident`` (the user), ``reason`` (a short code such as "no_car" or
# "booking_refused"), ``record`` (what it is about, such as "ride:12"; "" when nothing was
# made), ``under`` (the reference the service acted under, such as "request:42", or ""),
# ``summary`` (a sentence for the person who helps, lazily translated).
needs_a_person = Signal()
# Keyword arguments: ``resident``, ``subject`` (what was rated, "request:42"), ``level`` (1 or 2).
poor_rating = Signal()
# Keyword arguments: ``services`` (the built-in services' keys whose monthly ratings were
# published); the content app clears the cached copies of their pages.
results_published = Signal()


def announce_needs_a_person(sender, *, resident, reason, record="", under="", summary=""):
    """Send :data:`needs_a_person` once the current transaction commits (at once outside one)."""
    _after_commit(
        needs_a_person,
        sender,
        resident=resident,
        reason=reason,
        record=record,
        under=under,
        summary=summary,
    )


def announce_poor_rating(sender, *, resident, subject, level):
    """Send :data:`poor_rating` once the current transaction commits."""
    _after_commit(poor_rating, sender, resident=resident, subject=subject, level=level)


def announce_results_published(sender, *, services):
    """Send :data:`results_published` once the current transaction commits."""
    _after_commit(results_published, sender, services=services)


def _after_commit(signal, sender, **kwargs):
    def send():
        for receiver, result in signal.send_robust(sender, **kwargs):
            if isinstance(result, Exception):
                logger.error("%r failed for %s", receiver, kwargs, exc_info=result)

    transaction.on_commit(send)
