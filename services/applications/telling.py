"""Telling a resident about their application: the words of :mod:`services.applications.words`
sent through the outbox, in the resident's language, by their preferred medium."""

from django.conf import settings
from django.urls import reverse

from portal.notifications import api as notify
from portal.notifications.models import Purpose
from portal.ratings import api as ratings
from services.applications import words

# Applications are handled by the help desk: their texts go as the desk's do.
PURPOSE = Purpose.ASSIST


def tell(application, text):
    """Send ``text()`` (made in the resident's language) to the resident; None without a
    phone."""
    return notify.send_to_resident(application.resident, text, purpose=PURPOSE, related=application)


def tell_received(application, page):
    """The receipt: the case number and how soon a person contacts them."""
    return tell(application, lambda: words.receipt_text(application, words.contact_words(page)))


def rating_url(application):
    """The full address of the page to rate ``application``, for a text message."""
    return settings.PUBLIC_BASE_URL + reverse("rate", args=[application.subject])


def ask_how_it_went(application):
    """Decided: ask the resident how satisfied they are (好差评), by text or call."""
    if not application.resident.phone:
        return None
    return ratings.ask(
        application.resident,
        application.subject,
        lambda: words.rating_text(application, rating_url(application)),
        purpose=PURPOSE,
        related=application,
    )
