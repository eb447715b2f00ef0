"""What a patient reads or hears about their appointment: the confirmation, the reminder, the
notice after cancelling.

Every function here returns text in the active language (the caller picks it:
:mod:`services.hospital.telling` uses the recipient's); nothing here sends anything.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext


def day_words(day):
    """``day`` as messages say it, in the active language (month and day, no year)."""
    return date_format(day, "MONTH_DAY_FORMAT")


def confirmation_text(appointment):
    """The confirmation, in the active language: code, where, when, what to bring. Short."""
    session = appointment.session
    hospital = session.department.hospital
    text = gettext(
        "Booked. Code %(code)s. %(hospital)s %(department)s, %(day)s %(start)s-%(end)s. "
        "%(address)s."
    ) % {
        "code": appointment.code,
        "hospital": hospital.display_name,
        "department": session.department.display_name,
        "day": day_words(session.date),
        "start": session.starts_at.strftime("%H:%M"),
        "end": session.ends_at.strftime("%H:%M"),
        "address": hospital.display_address,
    }
    if hospital.display_what_to_bring:
        text += " " + gettext("Bring %(things)s.") % {"things": hospital.display_what_to_bring}
    return text


def family_copy_text(appointment):
    """The confirmation's copy for the family member who booked: whose appointment it is."""
    return gettext("For %(patient)s: %(text)s") % {
        "patient": appointment.patient,
        "text": confirmation_text(appointment),
    }


def next_visit_text(appointment):
    """The next visit as the hotline reads it out, in the active language: where, when, code."""
    session = appointment.session
    hospital = session.department.hospital
    return gettext(
        "Your next appointment: %(hospital)s, %(department)s, %(day)s, from %(start)s to "
        "%(end)s. Your code is %(code)s."
    ) % {
        "hospital": hospital.display_name,
        "department": session.department.display_name,
        "day": day_words(session.date) + " " + date_format(session.date, "l"),
        "start": session.starts_at.strftime("%H:%M"),
        "end": session.ends_at.strftime("%H:%M"),
        "code": appointment.code,
    }


def reminder_text(appointment):
    """The reminder the day before, in the active language. Short."""
    session = appointment.session
    hospital = session.department.hospital
    text = gettext(
        "Tomorrow %(start)s: %(hospital)s %(department)s. Code %(code)s. %(address)s."
    ) % {
        "code": appointment.code,
        "hospital": hospital.display_name,
        "department": session.department.display_name,
        "start": session.starts_at.strftime("%H:%M"),
        "address": hospital.display_address,
    }
    if hospital.display_what_to_bring:
        text += " " + gettext("Bring %(things)s.") % {"things": hospital.display_what_to_bring}
    return text


def cancelled_text(appointment):
    """The notice that ``appointment`` is cancelled, in the active language. Short."""
    return gettext("Your appointment %(code)s at %(hospital)s on %(day)s is cancelled.") % {
        "code": appointment.code,
        "hospital": appointment.session.department.hospital.display_name,
        "day": day_words(appointment.session.date),
    }


def rating_text(appointment, rate_url):
    """After the visit: how was it (好差评), by a digit or on the web. Names no department."""
    return gettext(
        "How was booking and your visit to %(hospital)s on %(day)s? Reply 5 very satisfied, "
        "4 satisfied, 3 fairly satisfied, 2 dissatisfied, 1 very dissatisfied, or tell us "
        "here: %(url)s"
    ) % {
        "hospital": appointment.session.department.hospital.display_name,
        "day": day_words(appointment.session.date),
        "url": rate_url,
    }
