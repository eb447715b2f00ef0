"""What closing an account does to the resident's taxi rides (``portal.accounts.closing``).

Rides not yet begun are cancelled (the taxi company is told, the resident gets the usual text);
a ride whose car is at the door or on its way with them postpones the closing to the next
night. Finished rides stay, with nothing that says where the person lives or goes (addresses,
notes, the car and the driver's phone blanked, the company's messages about it deleted), until
``KEEP_RIDES_DAYS`` after they were asked for, as every ride: for the taxi company's own
accounts and disputes (its order number stays) and the portal's numbers. Rides this resident
asked for someone else belong to that person and are left alone.
"""

from contextlib import suppress

from django.db import transaction

from portal.accounts.closing import NotYet, register
from portal.acting import Acting
from services.taxi import api
from services.taxi.models import FINAL_STATUSES, Ride, RideEvent

BLANKED = {
    "pickup_address": "",
    "pickup_note": "",
    "destination": "",
    "driver_notes": "",
    "car_plate": "",
    "car_colour": "",
    "driver_phone": "",
    "cancel_reason": "",
}


@register("taxi", models=["taxi.Ride"], order=10)
def erase_rides(resident):
    """Cancel what can be, blank what is finished; :class:`NotYet` while a ride goes on."""
    for ride in Ride.objects.filter(resident=resident, status__in=api.MAY_CANCEL):
        with suppress(api.NotCancellable):  # the car came meanwhile: the ride is left to end
            api.cancel_ride(ride, acting=Acting.by_portal(resident))
    rides = Ride.objects.filter(resident=resident)
    if rides.exclude(status__in=FINAL_STATUSES).exists():
        raise NotYet("a taxi ride is still going on")
    with transaction.atomic():
        events = RideEvent.objects.filter(ride__in=rides).delete()[0]
        blanked = rides.update(**BLANKED)
    return {RideEvent._meta.label: events, Ride._meta.label: blanked}
