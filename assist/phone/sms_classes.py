"""Digital-skills classes by text, for a resident with a basic phone.

课程 / CLASS lists the next sessions at the centre serving the sender's street, numbered, with
how full each is now; a reply of one number signs up for that one (a place, or the waiting
list when it is full: the reply says which, as it is at that moment). 退课 / DROP lists the
sender's places, numbered; a reply of one number cancels that place. Two steps, like the taxi's
yes or no: each list is a :class:`assist.models.TextQuestion` that remembers what each number
meant (``listed``), so a number picks what the resident read even if the list has changed.

Everything goes through ``services.learning.api`` in the resident's own acting context on the
"sms" channel (no consent needed: they act for themselves); the service texts its own
confirmation too, and its refusals come back as the reply.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from assist.learning_words import (
    centre_name,
    centre_of,
    language_note,
    place_words,
    places_words,
    session_words,
    when_words,
)
from assist.models import TextQuestion
from assist.phone import text_questions as questions
from portal.acting import Acting
from portal.channels import Channel
from services.learning import api as learning

What = TextQuestion.What

# The questions this module answers.
QUESTIONS = frozenset({What.CLASS, What.DROP_CLASS})
# Sessions listed in one text: one digit each, and the text stays short.
LISTED = 5


def list_classes(resident):
    """The reply to 课程 / CLASS: the next sessions at the resident's centre, numbered."""
    centre = centre_of(resident)
    if centre is None:
        return _(
            "We do not know which community centre is yours, so we cannot list its classes. "
            "Text HELP and a person will call you."
        )
    sessions = list(learning.upcoming(centre=centre)[:LISTED])
    if not sessions:
        return _(
            "No digital-skills classes are coming up at %(centre)s. Text HELP and a person "
            "will call you."
        ) % {"centre": centre_name(centre)}
    questions.ask(resident, What.CLASS, listed=[session.pk for session in sessions])
    lines = [
        f"{number}. {_short_words(session)} ({places_words(session)})"
        for number, session in enumerate(sessions, 1)
    ]
    return "\n".join(
        [
            _("Digital-skills classes at %(centre)s:") % {"centre": centre_name(centre)},
            *lines,
            _("Reply with a class's number to sign up."),
        ]
    )


def list_places(resident):
    """The reply to 退课 / DROP: the resident's places still to come, numbered."""
    places = _cancellable(resident)
    if not places:
        return _("You have no place in a class, so there is nothing to cancel.")
    questions.ask(resident, What.DROP_CLASS, listed=[place.pk for place in places])
    lines = [
        f"{number}. {_short_words(place.session)} ({place_words(place)})"
        for number, place in enumerate(places, 1)
    ]
    return "\n".join(
        [_("Your places in classes:"), *lines, _("Reply with a number to cancel that place.")]
    )


def answer(resident, question, parsed):
    """The reply to a text while a class question is open: a number picks from its list."""
    count = len(question.listed)
    if parsed.digit == "" or not 1 <= int(parsed.digit) <= count:
        return _("Reply with one number from 1 to %(count)s.") % {"count": count}
    if not questions.claim(question, parsed.digit):
        # Answered already: the same number sent twice at once, and the first did it.
        return _("That was answered already, so nothing more was done.")
    chosen = question.listed[int(parsed.digit) - 1]
    if question.what == What.CLASS:
        return _sign_up(resident, chosen)
    return _cancel(resident, chosen)


def _sign_up(resident, session_id):
    session = learning.upcoming().filter(pk=session_id).first()
    if session is None:
        return _(
            "That class has started or was cancelled, so you were not signed up. Text CLASS "
            "for the classes coming up."
        )
    mine = next((p for p in learning.places_of(resident) if p.session_id == session.pk), None)
    if mine is not None:
        return _("You already have this class: %(session)s (%(state)s).") % {
            "session": session_words(session),
            "state": place_words(mine),
        }
    try:
        place = learning.sign_up(_acting(resident), session)
    except learning.SignUpRefused as refused:
        return f"{refused} {refused.what_instead}".strip()
    if place.state == learning.State.WAITING:
        return _(
            "The class is full: %(session)s. You are number %(number)s on the waiting list; "
            "we will tell you if a place becomes free. To leave the list, text DROP."
        ) % {"session": session_words(session), "number": place.number_in_line}
    return _("Booked: you have a place. %(session)s. If you cannot come, text DROP.") % {
        "session": session_words(session)
    }


def _cancel(resident, place_id):
    place = next((p for p in learning.places_of(resident) if p.pk == place_id), None)
    if place is None:
        return _("That place was cancelled already.")
    try:
        learning.cancel(_acting(resident), place)
    except learning.SignUpRefused as refused:
        return f"{refused} {refused.what_instead}".strip()
    return _("Cancelled: your place in %(session)s.") % {"session": session_words(place.session)}


def _cancellable(resident):
    now = timezone.now()
    return [
        place
        for place in learning.places_of(resident)
        if place.state in (learning.State.BOOKED, learning.State.WAITING)
        and place.session.starts_at > now
    ][:LISTED]


def _short_words(session):
    """What and when, and the room: the centre is named once, above the list."""
    words = f"{session.get_topic_display()} {when_words(session)}"
    if session.room:
        words += " " + session.room
    note = language_note(session)
    if note:
        words += " " + note
    return words


def _acting(resident):
    return Acting.by_resident(resident, Channel.SMS)
