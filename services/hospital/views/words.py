"""Days, times and places written the way the booking pages say them."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.areas.models import District


def day_words(day, today=None):
    """A day as residents say it: "Tomorrow, Thursday 26 November"."""
    today = today or timezone.localdate()
    # Translators: a Django date format for a day button, e.g. "Thursday 26 November".
    words = date_format(day, _("l j F"))
    delta = (day - today).days
    if delta == 0:
        return _("Today, %(day)s") % {"day": words}
    if delta == 1:
        return _("Tomorrow, %(day)s") % {"day": words}
    return words


def long_day_words(day):
    """A day with its year, for the slip: "Thursday 26 November 2026"."""
    # Translators: a Django date format for the slip, e.g. "Thursday 26 November 2026".
    return date_format(day, _("l j F Y"))


def time_window(starts_at, ends_at):
    return f"{starts_at:%H:%M} - {ends_at:%H:%M}"


def places_words(count):
    return ngettext("%(count)s place left", "%(count)s places left", count) % {"count": count}


def session_words(session):
    """What a time button says: the period, its hours and the doctor, if named."""
    return _("%(period)s, %(window)s") % {
        "period": session.get_period_display(),
        "window": time_window(session.starts_at, session.ends_at),
    }


def doctor_words(doctor):
    if doctor is None:
        return ""
    return f"{doctor.name} ({doctor.title})" if doctor.title else doctor.name


def district_words(name):
    """A hospital's district (kept in Chinese, 静安区) as the page's language says it: the
    district list's English name on English pages, when there is one."""
    district = District.objects.filter(name=name).first()
    return str(district) if district else name
