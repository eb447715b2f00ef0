"""After booking: the list of appointments, the printable slip, and cancelling with one question."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.audit.api import record_view
from portal.channels import Channel
from portal.consent.api import ConsentRequired
from portal.notifications import api as notify
from portal.notifications.models import Status
from services.hospital import api
from services.hospital.forms import CancelForm
from services.hospital.models import Appointment
from services.hospital.views.booking import refusal_words
from services.hospital.views.words import day_words, long_day_words, time_window


def _visible_appointment(request, appointment_id):
    """The appointment if the signed-in resident may see it (see ``api.may_see``); else 404."""
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "session__department__hospital", "session__doctor", "patient"
        ),
        pk=appointment_id,
    )
    if not api.may_see(request.user, appointment):
        raise Http404
    if appointment.patient_id != request.user.pk:  # family: in the patient's own log
        record_view(request.user, appointment.patient, "appointments", channel=Channel.WEB)
    return appointment


def _slip_context(request, appointment):
    slip = api.slip(appointment)
    return {
        "appointment": appointment,
        "slip": slip,
        "day_words": long_day_words(slip["date"]),
        "time_words": time_window(slip["starts_at"], slip["ends_at"]),
        "for_someone_else": appointment.patient_id != request.user.pk,
        "cancel_day": day_words(slip["cancel_deadline"].date()),
    }


@resident_required
@require_GET
def appointments(request):
    """My appointments, and the ones I booked for family: upcoming first, each with its slip."""
    rows = []
    for appointment in api.appointments_for(request.user):
        session = appointment.session
        rows.append(
            {
                "pk": appointment.pk,
                "day": day_words(session.date),
                "time": f"{session.get_period_display()}, "
                f"{time_window(session.starts_at, session.ends_at)}",
                "hospital": session.department.hospital.display_name,
                "department": session.department.display_name,
                "patient": appointment.patient
                if appointment.patient_id != request.user.pk
                else None,
                "status": appointment.get_status_display(),
                "live": appointment.is_live,
            }
        )
    return render(request, "hospital/appointments.html", {"rows": rows})


@resident_required
@require_GET
def slip(request, appointment_id):
    """The printable slip: the code in big digits, a QR code, where and when, what to bring."""
    appointment = _visible_appointment(request, appointment_id)
    context = _slip_context(request, appointment)
    context["just_booked"] = request.session.pop("hospital_just_booked", None) == appointment.pk
    if context["just_booked"]:  # only the page right after booking says how the code went
        context["code_message"] = _how_the_code_went(appointment)
    return render(request, "hospital/slip.html", context)


def _how_the_code_went(appointment):
    """What is true now of the confirmation with the code: sent, waiting for the morning (quiet
    hours), on its way, or failed; None when none was written (no phone)."""
    patient = appointment.patient
    message = notify.latest_about(appointment, patient.phone) if patient.phone else None
    if message is None:
        return None
    if message.status in (Status.SENT, Status.DELIVERED):
        state = "sent"
    elif message.status in (Status.FAILED, Status.UNDELIVERED, Status.CANCELLED):
        state = "failed"
    elif message.not_before and message.not_before > timezone.now():
        state = "morning"
    else:
        state = "sending"
    return {"state": state, "medium": message.medium, "at": message.not_before}


@resident_required
@require_http_methods(["GET", "POST"])
def cancel(request, appointment_id):
    """Cancel an appointment: the slip's button leads here, and one question decides."""
    appointment = _visible_appointment(request, appointment_id)
    # The slip's cancel button posts no answer yet: that only opens the question.
    answered = request.method == "POST" and "answer" in request.POST
    form = CancelForm(request.POST if answered else None)
    if answered and form.is_valid():
        if form.cleaned_data["answer"] == "no":
            return redirect("hospital:slip", appointment_id=appointment.pk)
        try:
            acting = Acting.for_resident(appointment.patient, request.user, channel=Channel.WEB)
            api.cancel(appointment, acting=acting)
        except (api.BookingRefused, ConsentRequired) as refusal:
            context = _slip_context(request, appointment)
            context["refusal"] = refusal_words(refusal)
            return render(request, "hospital/slip.html", context)
        return redirect("hospital:slip", appointment_id=appointment.pk)
    context = {**_slip_context(request, appointment), "form": form}
    return render(request, "hospital/cancel.html", context)
