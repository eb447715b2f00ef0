"""Telling the resident about their taxi: through the outbox, in their language, at once."""

from portal.notifications import api as notify
from portal.notifications.models import Purpose
from services.taxi.words import helper_acted_text


def tell(ride, text):
    """Send the resident ``text()`` (made in their language) by their preferred medium, at once.

    Urgent, like every taxi message: a taxi booked at night cannot wait for the morning.
    Returns the outbox row, or None when the resident has no phone.
    """
    return notify.send_to_resident(
        ride.resident, text, purpose=Purpose.TAXI, related=ride, urgent=True
    )


def tell_helper_acted(ride, acting_user, words):
    """Tell the resident (in their language, at once) that ``acting_user`` did ``words``.

    ``words`` has a ``%(who)s``: family by name, staff by role. Sent like every taxi message:
    a taxi booked at night cannot wait for the morning.
    """
    return tell(ride, lambda: helper_acted_text(acting_user, words))
