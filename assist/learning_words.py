"""What the desk and the texts say about a digital-skills session, in the active language.

Sessions come from ``services.learning.api`` (``upcoming`` gives each its ``places_left`` and
``waiting``); the words are the channel's own, so nothing here imports the service's insides.
"""

from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from services.learning import api as learning


def centre_of(resident):
    """The community centre serving ``resident``'s street, or None."""
    street = resident.street
    return street.centre if street is not None else None


def centre_name(centre):
    """The centre's name as a reader of the active language sees it."""
    return centre.for_reader().name or centre.name


def when_words(session):
    """The day, the weekday and the hours: "11月23日 星期一 14:00-15:30"."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    day = formats.date_format(starts.date(), "MONTH_DAY_FORMAT")
    weekday = formats.date_format(starts.date(), "l")
    return f"{day} {weekday} {starts:%H:%M}-{ends:%H:%M}"


def where_words(session):
    """The centre, and the room if there is one."""
    name = centre_name(session.centre)
    return f"{name} {session.room}" if session.room else name


def has_free_place(session):
    """True when signing up now books a place. A free place goes to the first waiting, so a
    session with anyone waiting books newcomers onto its waiting list."""
    return session.places_left > 0 and not session.waiting


def places_words(session):
    """How full an upcoming session is, now: places left, or how many wait already."""
    if has_free_place(session):
        # Not "places left": the hospital's words, translated as appointment slots (号).
        return ngettext("%(count)s place free", "%(count)s places free", session.places_left) % {
            "count": session.places_left
        }
    return ngettext(
        "full, %(count)s on the waiting list",
        "full, %(count)s on the waiting list",
        session.waiting,
    ) % {"count": session.waiting}


def session_words(session):
    """One line for a session: what, when, where (and the language if it is not the active
    one's), without how full it is."""
    words = _("%(topic)s, %(when)s, %(where)s") % {
        "topic": session.get_topic_display(),
        "when": when_words(session),
        "where": where_words(session),
    }
    note = language_note(session)
    return f"{words} {note}" if note else words


def language_note(session):
    """ "(taught in English)" when the session is not in the active language, else ""."""
    if session.language == (get_language() or "").lower():
        return ""
    return _("(taught in %(language)s)") % {"language": session.get_language_display()}


def place_words(place):
    """Where a resident's place stands now: a place, or their number on the waiting list."""
    if place.state == learning.State.WAITING and place.number_in_line:
        return _("on the waiting list, number %(number)s") % {"number": place.number_in_line}
    if place.state == learning.State.WAITING:
        return _("on the waiting list")
    if place.state == learning.State.ATTENDED:
        return _("came")
    return _("has a place")
