"""What hospital booking holds about a resident, for their "My data" page and download.

Registered from ``HospitalConfig.ready()``. The ID number is given only as it is kept, masked;
its fingerprint (a keyed hash) is never given: it would let anyone holding the download test
guesses of the full number.
"""

from django.utils.translation import gettext_lazy as _

from portal.privacy.my_data import InLanguage, Section, register, who
from services.hospital.models import Appointment, PatientIdentity

# A real name is as on the ID card: in Chinese.
CHINESE = "zh-Hans"


@register("hospital", models=["hospital.PatientIdentity", "hospital.Appointment"], order=30)
def hospital(resident, *, own):
    """The name and ID number saved for booking (masked), and every appointment."""
    identity = PatientIdentity.objects.filter(user=resident).first()
    appointments = (
        Appointment.objects.filter(patient=resident)
        .select_related(
            "session__department__hospital", "session__doctor", "booked_by", "entered_by"
        )
        .order_by("created_at", "pk")
    )
    return [
        Section(
            "hospital_identity",
            _("Name and ID number for hospital booking"),
            [
                ("real_name", _("Real name (masked)")),
                ("id_number", _("ID number (masked)")),
                ("updated_at", _("Last changed")),
            ],
            [
                {
                    "real_name": InLanguage(identity.real_name_masked, CHINESE),
                    "id_number": identity.id_number_masked,
                    "updated_at": identity.updated_at,
                }
            ]
            if identity
            else [],
        ),
        Section(
            "hospital_appointments",
            _("Hospital appointments"),
            [
                ("booked_at", _("Booked on")),
                ("hospital", _("Hospital")),
                ("department", _("Department")),
                ("doctor", _("Doctor")),
                ("day", _("Day")),
                ("period", _("Morning or afternoon")),
                ("status", _("Status")),
                ("code", _("Confirmation code")),
                ("patient_name", _("Patient's name (masked)")),
                ("patient_id", _("Patient's ID number (masked)")),
                ("booked_by", _("Booked by")),
                ("entered_by", _("Typed in by")),
                ("channel", _("How")),
                ("cancelled_at", _("Cancelled on")),
            ],
            [
                {
                    "booked_at": appointment.created_at,
                    "hospital": appointment.session.department.hospital.display_name,
                    "department": appointment.session.department.display_name,
                    "doctor": str(appointment.session.doctor or ""),
                    "day": appointment.session.date,
                    "period": appointment.session.get_period_display(),
                    "status": appointment.get_status_display(),
                    "code": appointment.code,
                    "patient_name": InLanguage(appointment.patient_name_masked, CHINESE),
                    "patient_id": appointment.patient_id_masked,
                    "booked_by": who(appointment.booked_by, resident),
                    "entered_by": (
                        who(appointment.entered_by, resident) if appointment.entered_by else ""
                    ),
                    "channel": appointment.get_channel_display(),
                    "cancelled_at": appointment.cancelled_at,
                }
                for appointment in appointments
            ],
        ),
    ]
