"""What closing an account does to the resident's hospital bookings (``portal.accounts.closing``).

The real name and ID number saved for booking are deleted. Appointments still to come are
cancelled at the hospital (the place goes back; the resident gets the usual text); one that
can no longer be cancelled (the day before, or the hospital's system cannot be reached) or a
visit under way postpones the closing until it has ended. Past appointments stay without the
patient's name or ID number (even partly hidden) until ``KEEP_APPOINTMENTS_DAYS`` after the
visit, as every appointment: for the hospital's own records and the portal's numbers.
"""

from django.db import transaction

from portal.accounts.closing import NotYet, register
from portal.acting import Acting
from services.hospital import api
from services.hospital.models import LIVE_STATUSES, Appointment, PatientIdentity, Status


@register("hospital", models=["hospital.PatientIdentity", "hospital.Appointment"], order=20)
def erase_hospital(resident):
    """Cancel what is to come, blank the rest, delete the identity; :class:`NotYet` while an
    appointment cannot be cancelled yet."""
    waiting = []
    for appointment in Appointment.objects.filter(patient=resident, status=Status.BOOKED):
        try:
            api.cancel(appointment, acting=Acting.by_portal(resident))
        except (api.CancelRefused, api.ProviderUnavailable) as refused:
            waiting.append(f"appointment {appointment.pk}: {refused.code}")
    appointments = Appointment.objects.filter(patient=resident)
    if waiting or appointments.filter(status__in=LIVE_STATUSES).exists():
        raise NotYet("; ".join(waiting) or "a hospital visit is under way")
    with transaction.atomic():
        blanked = appointments.update(patient_name_masked="", patient_id_masked="")
        identities = PatientIdentity.objects.filter(user=resident).delete()[0]
    return {Appointment._meta.label: blanked, PatientIdentity._meta.label: identities}
