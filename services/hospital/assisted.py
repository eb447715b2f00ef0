"""Bookings that could not be made for someone who asked for help: the service announces them.

The hospital service does not know who helps: it sends ``portal.signals.needs_a_person`` and
the human channels (``assist``) put it in front of a person.
"""

from portal.signals import announce_needs_a_person


def announce_booking_refused(acting, refusal):
    """Announce that a booking under ``acting.reference`` was refused with ``refusal``."""
    announce_needs_a_person(
        "hospital",
        resident=acting.resident,
        reason="booking_refused",
        record="",
        under=acting.reference,
        summary=refusal.message,
    )
