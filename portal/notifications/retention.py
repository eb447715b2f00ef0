"""The outbox's texts and calls are deleted ``KEEP_MESSAGES_DAYS`` after they were made.

Deleted rather than anonymised: a message is the number it went to and what it said, and
nothing of it is worth keeping without those. A message still queued or being sent is never
touched, however old: it is deleted once it has its final word (sent, delivered, failed ...).
Opt-outs (STOP) are kept for as long as they stand: they are the person's own wish.
"""

from django.utils.translation import gettext_lazy as _

from portal.notifications.models import Message, Status
from portal.retention import DELETED, register

STILL_GOING = (Status.QUEUED, Status.SENDING)


@register(
    "messages",
    label=_("our texts and calls"),
    days="KEEP_MESSAGES_DAYS",
    action=DELETED,
)
def forget_old_messages(cutoff, batches):
    """Delete messages made before ``cutoff`` that are no longer queued or being sent."""
    batches.delete(Message.objects.filter(created_at__lt=cutoff).exclude(status__in=STILL_GOING))
