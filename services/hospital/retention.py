"""Hospital appointments are deleted ``KEEP_APPOINTMENTS_DAYS`` after the day of the visit.

Deleted rather than anonymised: an appointment belongs to its patient (the row cannot lose
that link) and says which doctor they saw when. The sessions keep how many places were taken,
which is what the numbers need. A live appointment (booked, checked in) is never touched.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.retention import DELETED, register
from services.hospital.models import LIVE_STATUSES, Appointment


@register(
    "appointments",
    label=_("hospital appointments"),
    days="KEEP_APPOINTMENTS_DAYS",
    action=DELETED,
)
def forget_old_appointments(cutoff, batches):
    """Delete appointments no longer live whose visit day was before ``cutoff``'s day."""
    batches.delete(
        Appointment.objects.filter(
            session__date__lt=timezone.localdate(cutoff), created_at__lt=cutoff
        ).exclude(status__in=LIVE_STATUSES)
    )
