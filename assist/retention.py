"""How long the help desk and the phone line keep what residents told them.

- Closed requests for help keep what was written about the resident for ``ASSIST_KEEP_DAYS``
  after closing; then the notes are blanked and the rest stays (anonymised, not deleted: the
  supervisors' numbers count requests by kind, topic, street and outcome for years).
- Texts residents sent to the portal's number, and the questions asked by text, are deleted
  ``KEEP_MESSAGES_DAYS`` after they came or ran out, like the outbox's texts: what was done
  because of them is in the audit log and the records themselves.
"""

from django.utils.translation import gettext_lazy as _

from assist.models import HelpRequest, InboundText, RequestEvent, State, TextQuestion
from portal.retention import ANONYMISED, DELETED, register


@register(
    "help requests",
    label=_("help request notes"),
    days="ASSIST_KEEP_DAYS",
    action=ANONYMISED,
)
def forget_closed_requests(cutoff, batches):
    """Blank the notes of requests closed before ``cutoff``, and their timelines' notes.

    What stays is what the numbers need and holds nothing said about the person: kind, topic,
    channel, street, times, outcome, and who did what when. One transaction per batch of
    requests; the count is of requests.
    """
    due = HelpRequest.objects.filter(
        state=State.CLOSED, closed_at__lt=cutoff, forgotten_at__isnull=True
    )

    def blank(pks):
        events = RequestEvent.objects.filter(request_id__in=pks).exclude(note="").update(note="")
        batches.note(RequestEvent, events)
        count = due.filter(pk__in=pks).order_by().update(note="", forgotten_at=batches.now)
        batches.note(HelpRequest, count)
        return count

    batches.run(due, blank)


@register(
    "texts received",
    label=_("your texts"),
    days="KEEP_MESSAGES_DAYS",
    action=DELETED,
)
def forget_old_texts(cutoff, batches):
    """Delete texts received before ``cutoff``, and text questions that ran out before it."""
    batches.delete(InboundText.objects.filter(received_at__lt=cutoff))
    batches.delete(TextQuestion.objects.filter(expires_at__lt=cutoff))
