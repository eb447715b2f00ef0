"""What a resident reads about their sessions: on the pages and in text messages.

Every function returns text in the active language (``telling`` makes it the recipient's);
nothing here sends anything.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from services.learning.models import State


def centre_name(centre):
    """The centre's name as a reader of the active language sees it (its translation)."""
    return centre.for_reader().name or centre.name


def where_words(session):
    """The centre, and the room if there is one: "静安寺街道社区服务中心, 2 楼活动室"."""
    name = centre_name(session.centre)
    if not session.room:
        return name
    # Translators: a centre and the room in it, for example "静安寺街道社区服务中心, 201".
    return gettext("%(centre)s, %(room)s") % {"centre": name, "room": session.room}


def when_words(session):
    """The day and the hours, as texts say them: "12月3日 14:00-15:30"."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    return f"{date_format(starts.date(), 'MONTH_DAY_FORMAT')} {starts:%H:%M}-{ends:%H:%M}"


# The languages sessions are taught in, as the reader's language names them.
LANGUAGE_NAMES = {"zh-hans": gettext_lazy("Chinese"), "en": gettext_lazy("English")}


def language_words(session):
    """ "Taught in Chinese": the language names come from here, translated, not the settings'
    own names (each written in itself)."""
    name = LANGUAGE_NAMES.get(session.language) or session.get_language_display()
    return gettext("Taught in %(language)s") % {"language": name}


def places_left_words(count):
    return ngettext("%(count)s place left", "%(count)s places left", count) % {"count": count}


def waiting_words(ahead):
    """What a full session's card says: how many are waiting already."""
    if ahead == 0:
        return gettext("Full: you would be first on the waiting list")
    return ngettext(
        "Full: waiting list, %(count)s person ahead",
        "Full: waiting list, %(count)s people ahead",
        ahead,
    ) % {"count": ahead}


def number_in_line_words(number):
    return gettext("You are number %(number)s on the waiting list.") % {"number": number}


def state_words(place, number_in_line=None):
    """Where the resident's place stands now, in one sentence."""
    if place.state == State.BOOKED:
        return gettext("You have a place.")
    if place.state == State.WAITING:
        return number_in_line_words(number_in_line)
    if place.state == State.ATTENDED:
        return gettext("You came to this session.")
    return gettext("Cancelled.")


def _about(session):
    return {
        "topic": session.get_topic_display(),
        "when": when_words(session),
        "where": where_words(session),
    }


def booked_text(place):
    """The confirmation of a booked place: what, when, where."""
    return gettext(
        "You have a place: %(topic)s, %(when)s, %(where)s. If you cannot come, please cancel "
        "so someone waiting can go."
    ) % _about(place.session)


def waiting_text(place, number):
    """The confirmation of a place on the waiting list, with its number in line."""
    return gettext(
        "The session %(topic)s, %(when)s, %(where)s is full. You are number %(number)s on the "
        "waiting list: we will tell you if a place becomes free."
    ) % {**_about(place.session), "number": number}


def moved_up_text(place):
    """A place became free and the resident on the waiting list has it now."""
    return gettext(
        "Good news: a place became free and it is yours. %(topic)s, %(when)s, %(where)s."
    ) % _about(place.session)


def cancelled_text(place):
    return gettext("Your place is cancelled: %(topic)s, %(when)s.") % _about(place.session)


def reminder_text(place):
    """The reminder the day before."""
    return gettext(
        "Reminder: tomorrow %(when)s, %(topic)s at %(where)s. If you cannot come, please "
        "cancel so someone waiting can go."
    ) % _about(place.session)
