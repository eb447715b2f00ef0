"""Booking a hospital visit from the desk, for the resident of a request one holds.

Through ``services.hospital.api`` only, under the request's reference and the hospital
permission the resident gave for it: the same rules, refusals and confirmation text as on the
web. Three steps on one page: the department, then a time with a free place, then one button
(a key per page view, so sending it twice books once). The real name and ID number, when the
hospital does not have them yet, are typed in first; only their masked forms are shown after.
"""

import uuid

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from assist import api
from assist.models import HelpRequest
from portal.accounts.roles import ACT_FOR_RESIDENT
from services.hospital import api as hospital


class IdentityForm(forms.Form):
    real_name = forms.CharField(label=gettext_lazy("Real name"), max_length=40)
    id_number = forms.CharField(
        label=gettext_lazy("ID card number"),
        help_text=gettext_lazy("18 digits, or 17 digits and an X."),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DepartmentForm(forms.Form):
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), coerce=int)

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = {
            department.pk: department
            for place in hospital.hospitals_for(resident)
            for department in hospital.departments(place)
        }
        self.fields["department"].choices = [
            (pk, f"{department.hospital.display_name} · {department.display_name}")
            for pk, department in self.departments.items()
        ]


class SessionForm(forms.Form):
    session = forms.TypedChoiceField(
        label=gettext_lazy("Time"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy(
                "That time has just been taken or closed: choose another."
            )
        },
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {session.pk: session for session in sessions}
        self.fields["session"].choices = [
            (session.pk, _session_words(session)) for session in sessions
        ]


def _session_words(session):
    words = _("%(when)s, %(free)s free") % {"when": _when(session), "free": session.free_places}
    return f"{words} · {session.doctor}" if session.doctor else words


def _when(session):
    day = formats.date_format(session.date, "MONTH_DAY_FORMAT")
    weekday = formats.date_format(session.date, "l")
    return f"{day} {weekday} {session.starts_at:%H:%M}-{session.ends_at:%H:%M}"


@sensitive_post_parameters("real_name", "id_number")
def book_hospital(request, request_id):
    """The holder books a hospital visit for the request's resident (identity first if needed)."""
    if not request.user.has_perm(ACT_FOR_RESIDENT):
        raise PermissionDenied
    help_request = get_object_or_404(HelpRequest.objects.select_related("resident"), pk=request_id)
    if not api.holds(help_request, request.user):
        return redirect("assist_desk_request", request_id=help_request.pk)
    acting = api.acting_for(help_request, request.user)
    resident = help_request.resident
    error = None
    identity_form = IdentityForm(request.POST if request.POST.get("step") == "identity" else None)
    if identity_form.is_bound and identity_form.is_valid():
        try:
            hospital.save_identity(acting, **identity_form.cleaned_data)
        except ValidationError as refused:
            identity_form.add_error(None, refused)
        except PermissionDenied as refused:
            error = str(refused)
        else:
            return redirect(request.get_full_path())

    department_form = DepartmentForm(
        request.GET if "department" in request.GET else None, resident=resident
    )
    session_form = None
    if department_form.is_bound and department_form.is_valid():
        department = department_form.departments[department_form.cleaned_data["department"]]
        session_form = SessionForm(
            request.POST if request.POST.get("step") == "book" else None,
            sessions=hospital.free_sessions(department),
            initial={"key": uuid.uuid4().hex},
        )
        if session_form.is_bound and not session_form.is_valid():
            error = " ".join(session_form.errors.get("session", []))
        if session_form.is_bound and session_form.is_valid():
            session = session_form.sessions[session_form.cleaned_data["session"]]
            try:
                appointment = hospital.book(
                    session,
                    acting,
                    idempotency_key=f"{help_request.reference}:{session_form.cleaned_data['key']}",
                )
            except hospital.BookingRefused as refused:
                error = f"{refused} {refused.what_instead}"
            except PermissionDenied as refused:  # no permission from the resident yet
                error = str(refused)
            else:
                api.acted(
                    help_request,
                    request.user,
                    lambda: (
                        _("Hospital visit booked: code %(code)s, %(when)s.")
                        % {"code": appointment.code, "when": _when(session)}
                    ),
                )
                return redirect("assist_desk_request", request_id=help_request.pk)
    return render(
        request,
        "assist/desk/hospital.html",
        {
            "help_request": help_request,
            "identity": hospital.identity_of(resident),
            "identity_form": identity_form,
            "department_form": department_form,
            "session_form": session_form,
            "error": error,
        },
    )
