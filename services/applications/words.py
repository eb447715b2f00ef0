"""What a resident reads or hears about their application, in the active language.

The caller picks the language (:mod:`services.applications.telling` uses the resident's);
nothing here sends anything.
"""

from django.utils.translation import get_language, gettext, ngettext

from services.applications.models import ContactUnit


def contact_words(page):
    """How soon a person contacts the resident: "within 2 working days"."""
    count = page.contact_within
    if page.contact_unit == ContactUnit.WORKING_HOURS:
        return ngettext(
            "within %(count)d working hour", "within %(count)d working hours", count
        ) % {"count": count}
    return ngettext("within %(count)d working day", "within %(count)d working days", count) % {
        "count": count
    }


def label_of(application):
    """The service's case label in the active language (its page's translation when there is
    one), else as it was when the application was sent."""
    page = application.page
    if page is not None:
        from wagtail.models import Locale

        locale = Locale.objects.filter(language_code=get_language()).first()
        translated = page.get_translation_or_none(locale) if locale else None
        if translated is not None:
            return translated.specific.case_label
    return application.case_label


def receipt_text(application, contact):
    """The text that says the application arrived: its number, and when a person calls."""
    return gettext(
        "We received your application for %(label)s, number %(number)s. "
        "A person will contact you %(contact)s."
    ) % {"label": label_of(application), "number": application.case_number, "contact": contact}


def accepted_text(application):
    return gettext(
        "Your application for %(label)s (%(number)s) is being checked. We will tell you the result."
    ) % {"label": label_of(application), "number": application.case_number}


def documents_text(application):
    return gettext(
        "For your application for %(label)s (%(number)s) we still need: %(what)s. "
        "Please bring it to %(where)s."
    ) % {
        "label": label_of(application),
        "number": application.case_number,
        "what": application.missing_document,
        "where": application.bring_it_to,
    }


def approved_text(application):
    return gettext("Your application for %(label)s (%(number)s) is approved.") % {
        "label": label_of(application),
        "number": application.case_number,
    }


def refused_text(application):
    return gettext(
        "Your application for %(label)s (%(number)s) was not approved: %(reason)s "
        "To ask about it, call the hotline or visit your community centre."
    ) % {
        "label": label_of(application),
        "number": application.case_number,
        "reason": application.refusal_reason,
    }


def rating_text(application, url):
    return gettext(
        "How satisfied are you with how your application for %(label)s was handled? "
        "Reply 5 (very satisfied) to 1 (very dissatisfied), or go to %(url)s"
    ) % {"label": label_of(application), "url": url}
