"""Why a booking (or cancelling) was refused, and what to do instead.

A refusal is a :class:`BookingRefused`: ``str()`` says why in plain words, ``what_instead``
says what to do instead (call the hotline, ask a volunteer, go to the counter). Channels catch
them from ``services.hospital.api``, which re-exports every class here.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from content.hotline import (
    FALLBACK_HOTLINE,  # noqa: F401 - services.hospital.api re-exports it
    call_a_person,
    hotline_number,
)
from portal.privacy import agreements
from portal.privacy.models import Purpose


class BookingRefused(ValidationError):
    """Booking (or cancelling) was refused; nothing was written.

    ``str()`` is the reason in plain words; ``code`` names the case for views; ``what_instead``
    is one plain sentence saying what to do instead; ``appointment`` is the appointment
    concerned, if any (for :class:`AlreadyBooked`, the one already held).
    """

    # What to do instead; with ``offer_a_person``, followed by call_a_person()'s sentence,
    # which says whether a person answers the hotline now or calls back later.
    instead = ""
    offer_a_person = True

    def __init__(self, message, code, *, instead=None, appointment=None, **values):
        super().__init__(message, code=code)
        self.appointment = appointment
        self._instead = instead if instead is not None else self.instead
        self._values = values

    def __str__(self):
        return str(self.message)

    @property
    def what_instead(self):
        """What to do instead, in the active language, with the hotline number filled in."""
        values = {"hotline": hotline_number(), **self._values}
        words = str(self._instead) % values
        if self.offer_a_person:
            words = f"{words} {call_a_person()}".strip()
        return words


class NoIdentity(BookingRefused):
    """The patient's real name and ID number are not known yet."""

    instead = _(
        "Add the patient's real name and ID number first, or go to a community centre counter "
        "and staff will help you."
    )
    offer_a_person = False


class SessionClosed(BookingRefused):
    """The hospital or this session is closed for booking."""

    instead = _("Choose another time.")


class NotOpenYet(BookingRefused):
    """That day's places are not released yet (release hour, booking window)."""

    instead = _("Come back then, or ask a volunteer or call %(hotline)s to book it for you.")
    offer_a_person = False


class WindowClosed(BookingRefused):
    """The session has started or is over."""

    instead = _("Choose another day.")


class SessionFull(BookingRefused):
    """No place is left in the session."""

    instead = _("Choose another time, or call %(hotline)s: we can look for a place with you.")
    offer_a_person = False


class AlreadyBooked(BookingRefused):
    """The patient already holds a place in this session (``.appointment``)."""

    instead = _("You can see it under My appointments. Nothing else is needed.")
    offer_a_person = False


class DataNotAgreed(BookingRefused):
    """The patient has not agreed that the portal keeps their ID number and visits (or
    withdrew it): every channel asks first (``portal.privacy.agreements``)."""

    offer_a_person = False

    @property
    def what_instead(self):
        return agreements.NotAgreed(None, Purpose.HOSPITAL).what_instead


def require_agreement(patient):
    """Raise :class:`DataNotAgreed` unless ``patient`` agreed to hospital booking's data."""
    try:
        agreements.require(patient, Purpose.HOSPITAL)
    except agreements.NotAgreed as refusal:
        raise DataNotAgreed(refusal.message, code="not_agreed") from None


class QuotaReached(BookingRefused):
    """The patient reached the hospital's limit for a day or for a week in a department."""

    instead = _("Choose another day, or cancel an appointment you no longer need.")
    offer_a_person = False


class Suspended(BookingRefused):
    """Booking is suspended after too many missed visits."""

    instead = _(
        "Until then, book at the hospital's registration counter, or call %(hotline)s for advice."
    )
    offer_a_person = False


class ProviderUnavailable(BookingRefused):
    """The hospital's own booking system could not be reached; nothing was booked."""

    instead = _("Try again in a few minutes.")


class CancelRefused(BookingRefused):
    """The appointment cannot be cancelled (after the deadline, or no longer live)."""

    instead = _("If you cannot go, call the hospital on %(phone)s, or call %(hotline)s.")
    offer_a_person = False


class TapKeyTaken(BookingRefused):
    """The booking's key names another patient's appointment: nothing is booked, and that
    appointment is neither shown nor changed."""

    instead = _("Start again from the hospital booking page.")


def tap_key_taken():
    """The refusal for a booking whose key was used for another patient's appointment."""
    return TapKeyTaken(
        _("This page was left open from an earlier visit, so nothing was booked."),
        code="tap_key_taken",
    )


def session_full():
    """The refusal for a session with no place left (checked, or lost at the last moment)."""
    return SessionFull(_("Sorry, this time is fully booked."), code="session_full")


def already_booked(appointment):
    """The refusal for a patient who already holds ``appointment`` at this time."""
    return AlreadyBooked(
        _("You already have a place at this time."), code="already_booked", appointment=appointment
    )
