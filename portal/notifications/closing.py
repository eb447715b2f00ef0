"""What closing an account does to the outbox (``portal.accounts.closing``): the texts and
calls sent to the resident's number are deleted, except those still queued or being sent
(the last "your taxi is cancelled", say), which the nightly forgetting deletes once they have
their final word and are ``KEEP_MESSAGES_DAYS`` old, like every message. A request for no more
messages (STOP) stays: it is the number's wish, not the account's.
"""

from portal.accounts.closing import register
from portal.notifications.models import Message
from portal.notifications.retention import STILL_GOING


@register("messages", models=[], order=70)
def erase_messages(resident):
    """Delete the messages sent to the resident's number that are no longer on their way."""
    if not resident.phone:
        return None
    sent = Message.objects.filter(recipient=resident.phone).exclude(status__in=STILL_GOING)
    return {Message._meta.label: sent.delete()[0]}
