"""The hotline's menu, defined once: the calls (``assist.phone.voice``) play it, and the "by
phone" pages show it.

Three choices at most, by key or by a word said in Mandarin or English (ISO/IEC 13714: at most
four a menu, 0 for a person). ``*`` repeats what was just said; 0 is a person from anywhere.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

TAXI, APPOINTMENT, PERSON = "taxi", "appointment", "person"
REPEAT_KEY = "*"
PERSON_KEY = "0"


@dataclass(frozen=True)
class Choice:
    """One choice: the keys that pick it, the words a caller may say, and how it is put."""

    action: str
    keys: tuple[str, ...]
    words: tuple[str, ...]
    label: str  # what it does, for the pages: "A taxi from home now"
    prompt: str  # what the call says: "For a taxi from home now, press 1 or say taxi."


CHOICES = (
    Choice(
        TAXI,
        ("1",),
        ("打车", "叫车", "出租车", "taxi", "cab"),
        _("A taxi from home now"),
        _("For a taxi from your home now, press 1, or say taxi."),
    ),
    Choice(
        APPOINTMENT,
        ("2",),
        ("挂号", "预约", "看病", "医院", "appointment", "hospital"),
        _("Hear your next hospital appointment"),
        _("To hear your next hospital appointment, press 2, or say appointment."),
    ),
    Choice(
        PERSON,
        ("3", PERSON_KEY),
        ("人工", "找人", "帮忙", "接线员", "person", "operator", "help"),
        _("Talk to a person"),
        _("To talk to a person, press 0, or say person."),
    ),
)

# Said after the choices, and shown under them on the pages.
REPEAT_PROMPT = _("To hear this again, press the star key.")


def choose(digits="", speech=""):
    """The :class:`Choice` a caller picked by ``digits`` or ``speech``, or None."""
    digits = (digits or "").strip()
    for choice in CHOICES:
        if digits and digits in choice.keys:
            return choice
    heard = (speech or "").casefold()
    if not digits and heard:
        for choice in CHOICES:
            if any(word in heard for word in choice.words):
                return choice
    return None


def speech_hints():
    """The words the speech recogniser should listen for (Twilio's ``hints``)."""
    return ",".join(word for choice in CHOICES for word in choice.words)


def for_pages():
    """The menu as the "by phone" pages show it: (keys, label, a word to say) per choice."""
    english = (translation.get_language() or "").startswith("en")
    return [
        {"keys": " / ".join(choice.keys), "label": choice.label, "say": _word(choice, english)}
        for choice in CHOICES
    ]


def _word(choice, english):
    """The first word the recogniser knows in the page's language (it hears both)."""
    return next(word for word in choice.words if word.isascii() == english)
