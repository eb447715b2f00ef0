"""After a request is closed as done, the resident is asked how satisfied they were (回访):
by a call they answer by key when they prefer calls, else by a text they answer with a digit.
On the web, their request page asks too; whichever answers first is the rating."""

from django.utils import translation
from django.utils.translation import gettext as _

from assist.models import State
from assist.phone.sms_commands import ask_for_rating_by_sms
from assist.phone.voice import rating_call_url
from portal.notifications import api as notify
from portal.notifications.models import Medium, Purpose
from portal.ratings import api as ratings


def ask_for_rating(help_request):
    """Ask ``help_request``'s resident (closed) for a rating, by call or text as they prefer;
    nothing when they have no phone or rated already."""
    resident = help_request.resident
    if help_request.state != State.CLOSED or not resident.phone:
        return
    if ratings.rating_of(resident, help_request.reference) is not None:
        return
    if resident.notify_by == Medium.VOICE:
        with translation.override(resident.language):
            question = _("How satisfied were you with the help you got? Answer by key.")
        notify.send(
            resident.phone,
            "notice",
            {"text": question},
            purpose=Purpose.ASSIST,
            medium=Medium.VOICE,
            language=resident.language,
            related=help_request,
            answer_url=rating_call_url(help_request),
        )
    else:
        ask_for_rating_by_sms(help_request)
