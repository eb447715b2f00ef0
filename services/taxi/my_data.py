"""What the taxi service holds about a resident, for their "My data" page and download.

Registered from ``TaxiConfig.ready()``. The driver's phone number is the driver's, and the
provider's ids and keys are the portal's plumbing: neither is given.
"""

from django.utils.translation import gettext_lazy as _

from portal.privacy.my_data import Section, register, who
from services.taxi.models import Ride


@register("taxi_rides", models=["taxi.Ride"], order=20)
def rides(resident, *, own):
    """Every ride asked for the resident, by them or for them."""
    rides = (
        Ride.objects.filter(resident=resident)
        .select_related("requested_by", "entered_by")
        .order_by("created_at", "pk")
    )
    return Section(
        "taxi_rides",
        _("Taxi rides"),
        [
            ("requested_at", _("Asked for on")),
            ("pickup_address", _("Pick-up address")),
            ("pickup_note", _("Landmark for the driver")),
            ("destination", _("Destination")),
            ("pickup_at", _("Pick-up time")),
            ("driver_notes", _("Notes for the driver")),
            ("status", _("Status")),
            ("car", _("Car")),
            ("cancel_reason", _("Why it was cancelled")),
            ("requested_by", _("Asked for by")),
            ("entered_by", _("Typed in by")),
            ("channel", _("How")),
        ],
        [
            {
                "requested_at": ride.created_at,
                "pickup_address": ride.pickup_address,
                "pickup_note": ride.pickup_note,
                "destination": ride.destination,
                "pickup_at": ride.pickup_at,
                "driver_notes": ride.driver_notes,
                "status": ride.get_status_display(),
                "car": " ".join(part for part in (ride.car_colour, ride.car_plate) if part),
                "cancel_reason": ride.cancel_reason,
                "requested_by": who(ride.requested_by, resident),
                "entered_by": who(ride.entered_by, resident) if ride.entered_by else "",
                "channel": ride.get_channel_display(),
            }
            for ride in rides
        ],
    )
