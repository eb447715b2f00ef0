"""Taxi rides are deleted, with their events, ``KEEP_RIDES_DAYS`` after they were asked for.

Deleted rather than anonymised: a ride belongs to its resident (the row cannot lose that
link), and its addresses, times, plate and driver's phone together say where a person lives
and goes. What was done is still in the audit log for as long as it keeps entries. A ride that
is not finished is never touched, however old.
"""

from django.utils.translation import gettext_lazy as _

from portal.retention import DELETED, register
from services.taxi.models import FINAL_STATUSES, Ride, RideEvent


@register("rides", label=_("taxi rides"), days="KEEP_RIDES_DAYS", action=DELETED)
def forget_old_rides(cutoff, batches):
    """Delete finished rides asked for (and last changed) before ``cutoff``, with their events,
    and events before it that named no ride we know."""
    batches.delete(
        Ride.objects.filter(
            status__in=FINAL_STATUSES, created_at__lt=cutoff, updated_at__lt=cutoff
        ),
        children=[(RideEvent, "ride")],
    )
    batches.delete(RideEvent.objects.filter(ride__isnull=True, received_at__lt=cutoff))
