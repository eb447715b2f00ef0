"""Telling the resident about their taxi: through the outbox, in their language, at once."""

from django.utils import translation

from portal.notifications import api as notify
from portal.notifications.models import Medium, Purpose
from portal.ratings import api as ratings
from services.taxi.words import ended_text, helper_acted_text, ordered_by_phone_text


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


def tell_ordered_by_phone(ride):
    """Text the resident (whatever medium they prefer: a text stays on the phone) that a taxi
    was ordered on the hotline from their number."""
    if not ride.resident.phone:
        return None
    with translation.override(ride.resident.language):
        text = ordered_by_phone_text(ride)
    return notify.send(
        ride.resident.phone,
        "notice",
        {"text": text},
        purpose=Purpose.TAXI,
        medium=Medium.SMS,
        language=ride.resident.language,
        urgent=True,
        related=ride,
    )


def tell_ride_ended(ride):
    """The ride has ended: ask how it was, by a text (reply 5 to 1, or the link to rate it),
    or by a call answered by key for a resident who prefers calls."""
    from services.taxi.rating import rating_url

    if not ride.resident.phone:
        return None
    return ratings.ask(
        ride.resident,
        f"ride:{ride.pk}",
        lambda: ended_text(rating_url(ride)),
        purpose=Purpose.TAXI,
        related=ride,
    )
