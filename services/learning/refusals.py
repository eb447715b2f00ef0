"""Why signing up for a session (or cancelling a place) was refused, and what to do instead.

A refusal is a :class:`SignUpRefused`: ``str()`` says why in plain words, ``code`` names the
case for the pages, ``what_instead`` says what to do instead. Nothing was written. A full
session is not a refusal: the resident goes on its waiting list.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from content.hotline import hotline_number


class SignUpRefused(ValidationError):
    """Signing up or cancelling was refused; nothing was written."""

    instead = ""

    def __init__(self, message, code):
        super().__init__(message, code=code)

    def __str__(self):
        return str(self.message)

    @property
    def what_instead(self):
        """What to do instead, in the active language, with the hotline number filled in."""
        return str(self.instead) % {"hotline": hotline_number()} if self.instead else ""


class SessionStarted(SignUpRefused):
    """The session has started or is over: no signing up, no cancelling."""

    instead = _("Choose another session. There are new ones every week.")


class SessionCancelled(SignUpRefused):
    """The centre cancelled the session."""

    instead = _("Choose another session, or call %(hotline)s to ask when it will be taught again.")


def session_started():
    return SessionStarted(_("This session has already started."), code="session_started")


def session_cancelled():
    return SessionCancelled(
        _("This session was cancelled by the centre."), code="session_cancelled"
    )


def too_late_to_cancel():
    return SessionStarted(
        _("This session has already started, so the place can no longer be cancelled."),
        code="too_late_to_cancel",
    )


class AttendanceRefused(SignUpRefused):
    """Attendance cannot be written down before the session starts."""

    instead = _("Write it down once the session has started.")


def not_started_yet():
    return AttendanceRefused(_("This session has not started yet."), code="not_started_yet")
