"""Small helpers the taxi tests share."""

from itertools import count

from portal.acting import Acting
from portal.channels import Channel
from portal.notifications.models import Message, Purpose
from services.taxi import api

_keys = count(1)


def new_key():
    return f"tap-{next(_keys)}"


def book(resident, *, by=None, channel=Channel.WEB, key=None, reference="", **choices):
    acting = Acting.for_resident(resident, by or resident, channel=channel, reference=reference)
    return api.request_ride(acting, idempotency_key=key or new_key(), **choices)


def cancel(ride, *, by=None, channel=Channel.WEB, reason=""):
    acting = Acting.for_resident(ride.resident, by or ride.resident, channel=channel)
    return api.cancel_ride(ride, acting=acting, reason=reason)


def event(ride, kind, event_id=None, **data):
    """The provider (``quiet`` unless the ride says otherwise) reports ``kind`` for ``ride``."""
    ride.refresh_from_db()
    data.setdefault("reference", ride.dispatch_key)
    return api.apply_event(ride.provider, event_id or f"{ride.pk}-{kind}-{new_key()}", kind, data)


def taxi_messages(resident):
    return list(
        Message.objects.filter(recipient=resident.phone, purpose=Purpose.TAXI).order_by("id")
    )


CAR = {"plate": "沪A·12345", "colour": "white", "driver_phone": "+8613912345678", "minutes_away": 6}
