"""What the help desk and the phone line hold about a resident, for their "My data" page and
download. Registered from ``AssistConfig.ready()``.

Requests for help are given with their whole timeline, including what volunteers and counter
staff wrote: it is written about the resident, it is theirs to see (PIPL art. 45) and it is
kept only ``ASSIST_KEEP_DAYS`` after closing anyway (``assist.retention``). Free text (what was
written on a request, what the resident texted) goes only to the resident themselves, never to
a family member who looks with their permission: it may be about that family member. Which
staff members were offered a request (``Offer``) is the desk's working, not the resident's
data (``portal.privacy.my_data.NOT_ABOUT_RESIDENTS``).
"""

from django.utils.translation import gettext_lazy as _

from assist.models import HelpRequest, InboundText, RequestEvent, TextQuestion
from portal.privacy.my_data import Section, register, who


@register(
    "help_requests",
    models=[
        "assist.HelpRequest",
        "assist.RequestEvent",
        "assist.InboundText",
        "assist.TextQuestion",
    ],
    order=35,
)
def help_requests(resident, *, own):
    """Requests for help with their timelines, texts received and questions asked by text."""
    requests = (
        HelpRequest.objects.filter(resident=resident)
        .select_related("opened_by", "holder")
        .order_by("opened_at", "pk")
    )
    events = (
        RequestEvent.objects.filter(request__resident=resident)
        .select_related("actor")
        .order_by("request__opened_at", "request_id", "at", "pk")
    )
    texts = InboundText.objects.filter(resident=resident).order_by("received_at", "pk")
    questions = TextQuestion.objects.filter(resident=resident).order_by("asked_at", "pk")
    request_fields = [
        ("number", _("Number")),
        ("opened_at", _("Opened on")),
        ("kind", _("Kind")),
        ("topic", _("About")),
        ("channel", _("Came through")),
        ("opened_by", _("Opened by")),
        ("call_after", _("Call after")),
        ("state", _("State")),
        ("holder", _("Held by")),
        ("closed_at", _("Closed on")),
        ("outcome", _("Outcome")),
        ("forgotten_at", _("Notes deleted on")),
    ]
    event_fields = [
        ("number", _("Request number")),
        ("at", _("Time")),
        ("what", _("What happened")),
        ("who", _("Who")),
    ]
    text_fields = [
        ("received_at", _("Received on")),
        ("from_number", _("From")),
        ("command", _("Understood as")),
        ("reply", _("Our reply")),
    ]
    if own:
        request_fields.insert(4, ("note", _("What it is about")))
        event_fields.append(("note", _("Note")))
        text_fields.insert(2, ("body", _("Text")))
    return [
        Section(
            "help_requests",
            _("Requests for help"),
            request_fields,
            [
                {
                    "number": request.pk,
                    "opened_at": request.opened_at,
                    "kind": request.get_kind_display(),
                    "topic": request.get_topic_display(),
                    "note": request.note,
                    "channel": request.get_channel_display(),
                    "opened_by": who(request.opened_by, resident) if request.opened_by else "",
                    "call_after": request.call_after,
                    "state": request.get_state_display(),
                    "holder": who(request.holder, resident) if request.holder else "",
                    "closed_at": request.closed_at,
                    "outcome": request.get_outcome_display(),
                    "forgotten_at": request.forgotten_at,
                }
                for request in requests
            ],
        ),
        Section(
            "help_request_timelines",
            _("What happened on each request for help"),
            event_fields,
            [
                {
                    "number": event.request_id,
                    "at": event.at,
                    "what": event.get_what_display(),
                    "who": who(event.actor, resident) if event.actor else "",
                    "note": event.note,
                }
                for event in events
            ],
        ),
        Section(
            "texts_received",
            _("Texts you sent to the portal"),
            text_fields,
            [
                {
                    "received_at": text.received_at,
                    "from_number": text.from_number,
                    "body": text.body,
                    "command": text.get_command_display(),
                    "reply": text.reply,
                }
                for text in texts
            ],
        ),
        Section(
            "text_questions",
            _("Questions we asked you by text"),
            [
                ("asked_at", _("Asked on")),
                ("question", _("Question")),
                ("runs_out_at", _("Runs out at")),
                ("answered_at", _("Answered on")),
                ("answer", _("Answer")),
            ],
            [
                {
                    "asked_at": question.asked_at,
                    "question": question.get_what_display(),
                    "runs_out_at": question.expires_at,
                    "answered_at": question.answered_at,
                    "answer": question.answer,
                }
                for question in questions
            ],
        ),
    ]
