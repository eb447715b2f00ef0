"""The hotline's number, for text that says "call ...": one lookup for the portal and services.

The content team keeps the :class:`~content.models.Hotline` snippet, one per language. Every
message, refusal and welcome that offers a person on the phone takes its number from here.
"""

from django.utils import translation

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
