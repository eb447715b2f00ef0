"""The hotline's number, for text that says "call ...": one lookup for the portal and services.

The content team keeps the :class:`~content.models.Hotline` snippet, one per language. Every
message, refusal and welcome that offers a person on the phone takes its number from here, and
says "a person will help you" only while the help desk is open (:func:`call_a_person`).
"""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# The one-key service line, when the content team has not entered a hotline yet.
FALLBACK_HOTLINE = "962200"


def hotline_number(language=None):
    """The service line's number for ``language`` (default: the active one), to say or dial.

    The hotline entered for that language; else the one entered for any language (the number
    is the same line); else :data:`FALLBACK_HOTLINE`. Never empty.
    """
    from content.models import Hotline

    language = language or translation.get_language() or "zh-hans"
    entered = Hotline.objects.exclude(number="").order_by("pk")
    hotline = entered.filter(locale__language_code=language).first() or entered.first()
    return hotline.number if hotline else FALLBACK_HOTLINE


# When the help desk next has people on duty: registered by the help desk (assist/apps.py),
# which keeps the hours and the working-day calendar; the portal and the services may not
# import it. ``None`` (nothing registered) means always open.
_desk_next_open = None


def register_desk_hours(next_open):
    """Let :func:`call_a_person` ask ``next_open(moment)`` when people are on duty."""
    global _desk_next_open
    _desk_next_open = next_open


def call_a_person(language=None):
    """The sentence that offers a person on the hotline, true at this moment.

    While the help desk is open: "Call 962200 and a person will help you."; when it is closed,
    the hotline takes the caller's number and a person calls back when it opens, so it says
    that, with when.
    """
    with translation.override(language or translation.get_language()):
        hotline = hotline_number()
        now = timezone.now()
        opens = _desk_next_open(now) if _desk_next_open else now
        if opens <= now:
            return _("Call %(hotline)s and a person will help you.") % {"hotline": hotline}
        return _(
            "Call %(hotline)s: the help desk is closed now, and a person will call you back "
            "after %(when)s."
        ) % {"hotline": hotline, "when": when_words(opens)}


def when_words(moment):
    """``moment`` as a person hears it: "today 8:00", "tomorrow 8:00" or the date and time."""
    local = timezone.localtime(moment)
    clock = f"{local.hour}:{local.minute:02d}"
    days = (local.date() - timezone.localdate()).days
    if days == 0:
        return _("today %(time)s") % {"time": clock}
    if days == 1:
        return _("tomorrow %(time)s") % {"time": clock}
    return f"{date_format(local.date(), 'MONTH_DAY_FORMAT')} {clock}"
