"""Asking a resident how satisfied they were (回访), after a request for help is closed as
done, a ride ends or a hospital visit is kept: by a call they answer by key when they prefer
calls, else by a text they answer with a digit. On the web, the thing's own page asks too;
whichever answers first is the rating."""

from django.utils import translation
from django.utils.translation import gettext as _

from assist.models import State
from assist.phone.sms_commands import ask_rating_by_sms, help_rating_question
from assist.phone.voice import rating_call_url
from portal.notifications import api as notify
from portal.notifications.models import Medium, Purpose
from portal.ratings import api as ratings


def ask_for_rating(help_request):
    """Ask ``help_request``'s resident (closed) for a rating, by call or text as they prefer;
    nothing when they have no phone or rated already."""
    if help_request.state != State.CLOSED:
        return None
    return ask_how_it_went(
        help_request.resident,
        help_request.reference,
        help_rating_question,
        purpose=Purpose.ASSIST,
        related=help_request,
    )


def ask_how_it_went(resident, subject, question, *, purpose, related=None):
    """Ask ``resident`` to rate ``subject`` (``ride:12``): a call answered by key when they
    prefer calls, else the text ``question()`` answered by a digit. Returns the call's outbox
    row, the :class:`~assist.models.TextQuestion`, or None when nothing was asked (no phone,
    rated already, opted out). Registered with ``portal.ratings`` as its asker."""
    if not resident.phone or ratings.rating_of(resident, subject) is not None:
        return None
    if resident.notify_by != Medium.VOICE:
        return ask_rating_by_sms(resident, subject, question, purpose=purpose, related=related)
    with translation.override(resident.language):
        # Kept as the call's record ("my data"): it says what was asked, not what was answered.
        words = _("A call asking how satisfied you were (press a key from 5 to 1).")
    return notify.send(
        resident.phone,
        "notice",
        {"text": words},
        purpose=purpose,
        medium=Medium.VOICE,
        language=resident.language,
        related=related,
        answer_url=rating_call_url(subject),
    )
