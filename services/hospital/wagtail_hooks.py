"""Hospital booking in the Wagtail admin.

Editors and staff with the model permissions manage hospitals (and their rules), departments,
doctors, the weekly timetable and sessions, and make sessions from the timetable for the next
weeks. Appointments are read-only, for staff with "view appointment", and show the patient's
name and ID number only masked; opening one is written to the patient's audit log.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import DeleteView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from portal.admin_policies import ReadOnlyPolicy
from portal.audit import api as audit
from portal.design.wagtail_hooks import yes_no_column
from services.hospital import api
from services.hospital.models import (
    Appointment,
    Department,
    Doctor,
    Hospital,
    Session,
    WeeklySchedule,
)

GENERATE_PERMISSION = "hospital.add_session"
MENU_HOOK = "register_hospital_booking_menu_item"


class KeepBookedDeleteView(DeleteView):
    """Deleting something people have appointments in is refused in words, not with an error."""

    def form_valid(self, form):
        # Wagtail refuses a protected object with a bare "no permission" before deleting; the
        # database may still refuse a cascade that reaches appointments. Both get the words.
        if self.usage and self.usage.is_protected:
            return self._refuse()
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            return self._refuse()

    def _refuse(self):
        messages.error(
            self.request,
            _(
                "This cannot be deleted: people have appointments in it. "
                "Close it for booking instead."
            ),
        )
        return redirect(self.get_success_url())


class HospitalViewSet(ModelViewSet):
    delete_view_class = KeepBookedDeleteView
    model = Hospital
    icon = "site"
    menu_label = _("Hospitals")
    list_display = ["name", "name_en", "district", yes_no_column(Hospital, "active")]
    list_filter = ["district", "active"]
    search_fields = ["name", "name_en", "district"]
    form_fields = [
        "name",
        "name_en",
        "district",
        "address",
        "address_en",
        "phone",
        "what_to_bring",
        "what_to_bring_en",
        "booking_days_ahead",
        "release_hour",
        "cancel_deadline_hour",
        "max_per_day",
        "max_per_week_per_department",
        "no_show_limit",
        "no_show_window_days",
        "suspension_days",
        "provider",
        "external_code",
        "active",
    ]
    copy_view_enabled = False


class DepartmentViewSet(ModelViewSet):
    delete_view_class = KeepBookedDeleteView
    model = Department
    icon = "folder-open-1"
    menu_label = _("Departments")
    list_display = ["name", "name_en", "hospital", "description", "sort_order"]
    list_filter = ["hospital"]
    search_fields = ["name", "name_en", "description"]
    form_fields = [
        "hospital",
        "name",
        "name_en",
        "description",
        "description_en",
        "external_code",
        "sort_order",
    ]


class DoctorViewSet(ModelViewSet):
    delete_view_class = KeepBookedDeleteView
    model = Doctor
    icon = "user"
    menu_label = _("Doctors")
    list_display = ["name", "title", "department"]
    list_filter = ["department__hospital"]
    search_fields = ["name"]
    form_fields = ["department", "name", "title"]


class WeeklyScheduleIndexView(IndexView):
    """The timetable list, with a button to make sessions from it."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(GENERATE_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Make sessions from the timetable"),
                    url=reverse(WEEKLY_NAMESPACE + ":generate"),
                    icon_name="date",
                )
            )
        return buttons


class GenerateForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("For how many weeks from today"),
        min_value=1,
        max_value=12,
        initial=2,
        help_text=_("Sessions that exist already are left as they are: running it twice is safe."),
    )
    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        queryset=Hospital.objects.all(),
        required=False,
        empty_label=_("All hospitals"),
    )


class GenerateSessionsView(WagtailAdminTemplateMixin, FormView):
    """Make sessions from the weekly timetable for the next N weeks (idempotent)."""

    form_class = GenerateForm
    template_name = "hospital/admin/generate_sessions.html"
    page_title = _("Make sessions from the timetable")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(GENERATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(WEEKLY_NAMESPACE + ":index"), "label": _("Weekly timetable")},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        hospital = form.cleaned_data["hospital"]
        made = api.generate_sessions(
            form.cleaned_data["weeks"],
            departments=Department.objects.filter(hospital=hospital) if hospital else None,
        )
        messages.success(
            self.request,
            ngettext("%(count)d session made.", "%(count)d sessions made.", made) % {"count": made},
        )
        return redirect(SESSION_NAMESPACE + ":index")


WEEKLY_NAMESPACE = "hospital_weekly"
SESSION_NAMESPACE = "hospital_sessions"


class WeeklyScheduleViewSet(ModelViewSet):
    delete_view_class = KeepBookedDeleteView
    model = WeeklySchedule
    icon = "table"
    menu_label = _("Weekly timetable")
    index_view_class = WeeklyScheduleIndexView
    list_display = ["department", "weekday", "period", "starts_at", "ends_at", "doctor", "capacity"]
    list_filter = ["department__hospital", "weekday", "active"]
    form_fields = [
        "department",
        "doctor",
        "weekday",
        "period",
        "starts_at",
        "ends_at",
        "capacity",
        "active",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("generate/", GenerateSessionsView.as_view(), name="generate"),
        ]


class SessionViewSet(ModelViewSet):
    delete_view_class = KeepBookedDeleteView
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    list_display = [
        "date",
        "period",
        "department",
        "doctor",
        "capacity",
        "booked",
        yes_no_column(Session, "open"),
    ]
    list_filter = ["department__hospital", "period", "open", "date"]
    form_fields = [
        "department",
        "doctor",
        "date",
        "period",
        "starts_at",
        "ends_at",
        "capacity",
        "open",
    ]
    ordering = ["-date", "starts_at"]
    copy_view_enabled = False


class AppointmentInspectView(InspectView):
    """Shows one appointment (masked); writes to the patient's audit log that staff looked."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit.record_view(self.request.user, self.object.patient, "appointments")
        return context


class AppointmentViewSet(ModelViewSet):
    model = Appointment
    # A record written by residents' actions, not content: Wagtail's reference index (the
    # "usage" counts) would add a task and several queries to every save of appointments.
    add_to_reference_index = False
    icon = "tasks"
    menu_label = _("Appointments")
    list_display = [
        "code",
        "patient_name_masked",
        "patient_id_masked",
        "session",
        "status",
        "channel",
        "created_at",
    ]
    list_filter = ["status", "channel", "session__department__hospital"]
    search_fields = ["code"]
    inspect_view_enabled = True
    inspect_view_class = AppointmentInspectView
    inspect_view_fields = [
        "code",
        "patient_name_masked",
        "patient_id_masked",
        "session",
        "status",
        "channel",
        "booked_by",
        "consent",
        "created_at",
        "cancelled_at",
        "reminded_at",
        "provider",
        "provider_booking_id",
    ]
    exclude_form_fields = []
    copy_view_enabled = False


class HospitalBookingGroup(ViewSetGroup):
    menu_label = _("Hospital booking")
    menu_icon = "site"
    menu_order = 300
    submenu_hook = MENU_HOOK
    items = (
        HospitalViewSet("hospital_hospitals"),
        DepartmentViewSet("hospital_departments"),
        DoctorViewSet("hospital_doctors"),
        WeeklyScheduleViewSet(WEEKLY_NAMESPACE),
        SessionViewSet(SESSION_NAMESPACE),
        AppointmentViewSet("hospital_appointments"),
    )


register_permission_policy(Appointment, ReadOnlyPolicy(Appointment))


@hooks.register("register_admin_viewset")
def register_hospital_booking():
    return HospitalBookingGroup()


class GenerateMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(GENERATE_PERMISSION)


@hooks.register(MENU_HOOK)
def register_generate_menu_item():
    return GenerateMenuItem(
        _("Make sessions"),
        reverse(WEEKLY_NAMESPACE + ":generate"),
        icon_name="date",
        order=900,
    )
