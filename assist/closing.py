"""What closing an account does to what the help desk and the phone line hold
(``portal.accounts.closing``). Registered from ``AssistConfig.ready()``.

Requests for help still open are closed as no longer needed (nobody calls a closed account
back). Every request keeps its kind, topic, channel, street, times and outcome for the desk's
numbers, as after ``ASSIST_KEEP_DAYS``, but nothing said about the person: its notes and its
timeline's notes are blanked now. Texts the resident sent to the portal's number, and the
questions asked them by text, are deleted.
"""

from django.db import transaction
from django.utils import timezone

from assist.models import HelpRequest, InboundText, Outcome, RequestEvent, State, TextQuestion
from portal.accounts.closing import register


@register(
    "help desk",
    models=[
        "assist.HelpRequest",
        "assist.RequestEvent",
        "assist.InboundText",
        "assist.TextQuestion",
    ],
    order=30,
)
def erase_requests(resident):
    """Close open requests, blank every note, delete texts in and questions asked."""
    now = timezone.now()
    requests = HelpRequest.objects.filter(resident=resident)
    with transaction.atomic():
        still_open = list(requests.exclude(state=State.CLOSED).values_list("pk", flat=True))
        requests.filter(pk__in=still_open).update(
            state=State.CLOSED,
            holder=None,
            lease_until=None,
            outcome=Outcome.NOT_NEEDED,
            closed_at=now,
        )
        RequestEvent.objects.bulk_create(
            RequestEvent(request_id=pk, at=now, what=RequestEvent.What.CLOSED) for pk in still_open
        )
        events = RequestEvent.objects.filter(request__resident=resident).exclude(note="")
        blanked_events = events.update(note="")
        blanked = requests.update(note="")
        requests.filter(forgotten_at__isnull=True).update(forgotten_at=now)
        texts = InboundText.objects.filter(resident=resident)
        if resident.phone:
            texts = texts | InboundText.objects.filter(from_number=resident.phone)
        texts_deleted = texts.delete()[0]
        questions = TextQuestion.objects.filter(resident=resident).delete()[0]
    return {
        HelpRequest._meta.label: blanked,
        RequestEvent._meta.label: blanked_events + len(still_open),
        InboundText._meta.label: texts_deleted,
        TextQuestion._meta.label: questions,
    }
