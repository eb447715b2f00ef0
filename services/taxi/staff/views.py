"""The taxi rides list and a ride's page in the Wagtail admin.

The list shows live rides first (newest first), then finished ones; a plain refresh link
reloads it, nothing reloads by itself. A ride's page shows everything about the ride and its
events, which is the resident's personal data: each time it is opened, the resident's audit
log says who looked. For rides dispatched by hand it also holds the operator's forms.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets.button import HeaderButton

from portal.accounts.contact import ContactColumn
from portal.audit.api import record_view
from services.taxi import api, phone_dispatch
from services.taxi.models import ACTIVE_STATUSES, Status
from services.taxi.staff.forms import CarFoundForm, CompanyToldForm, OutcomeForm

CHANGE_PERMISSION = "taxi.change_ride"


def pickup_words(ride):
    """ "now", or the booked pick-up time as HH:MM in Shanghai time."""
    if ride.pickup_at is None:
        return gettext("now")
    return timezone.localtime(ride.pickup_at).strftime("%H:%M")


def status_words(ride):
    """The state for staff: its name, and what a person has to do about it, if anything."""
    words = ride.get_status_display()
    if getattr(ride, "company_to_call", False):
        words = gettext("%(status)s: phone the taxi company to call it off") % {"status": words}
    if ride.needs_a_person:
        words = gettext("%(status)s (needs a person)") % {"status": words}
    return words


def _local(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def _requested_words(ride):
    return _local(ride.created_at)


class RideIndexView(IndexView):
    page_title = _("Taxi rides")
    paginate_by = 50

    def get_base_queryset(self):
        # A cancelled ride an operator may have phoned in stays with the live ones until
        # somebody has told the company.
        to_call = phone_dispatch.company_to_call()
        return (
            super()
            .get_base_queryset()
            .select_related("resident")
            .annotate(
                later=Case(
                    When(status__in=ACTIVE_STATUSES, then=Value(0)),
                    When(to_call, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                company_to_call=Case(
                    When(to_call, then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            )
        )

    def order_queryset(self, queryset):
        return queryset.order_by("later", "-created_at", "-pk")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "resident",
                label=_("Resident"),
                accessor=lambda ride: str(ride.resident),
                get_url=lambda ride: reverse(self.inspect_url_name, args=(ride.pk,)),
            ),
            ContactColumn("phone", label=_("Phone"), accessor="resident.phone"),
            ContactColumn("pickup_address", label=_("Pick-up address"), address=True),
            Column("pickup_time", label=_("Pick-up time"), accessor=pickup_words),
            Column("status", label=_("Status"), accessor=status_words),
            Column("car_plate", label=_("Car plate")),
            Column("requested", label=_("Requested at"), accessor=_requested_words),
        ]

    @cached_property
    def header_buttons(self):
        # A plain link: the page never reloads by itself while someone reads it.
        return [HeaderButton(_("Refresh"), url=self.request.get_full_path(), icon_name="rotate")]


class RideDetailView(InspectView):
    """Everything about one ride, its events, and (for a ride dispatched by hand) the forms."""

    template_name = "taxi/staff/ride_detail.html"
    page_title = _("Taxi ride")

    def get_page_subtitle(self):
        return f"{self.object.resident} · {self.object.get_status_display()}"

    def get(self, request, *args, **kwargs):
        record_view(request.user, self.object.resident, "rides")
        return super().get(request, *args, **kwargs)

    # The forms a ride's page may send: (name in the page, form class) by the "action" sent.
    FORMS = {
        "car_found": ("car_form", CarFoundForm),
        "outcome": ("outcome_form", OutcomeForm),
        "company_told": ("told_form", CompanyToldForm),
    }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in self.FORMS:
            return HttpResponseBadRequest()
        name, form_class = self.FORMS[action]
        form = form_class(request.POST)
        context = {name: form}
        if form.is_valid():
            try:
                done, saved = self._apply(action, form)
            except phone_dispatch.EntryRefused as refusal:
                # Shown above the forms: the form it came from may no longer be offered.
                context["refusal"] = str(refusal)
            else:
                if done:
                    messages.success(request, saved)
                else:
                    messages.info(request, gettext("This was already saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(**context))

    def _apply(self, action, form):
        """Apply a valid form: (whether it changed anything, what to say if it did)."""
        staff, event_id = self.request.user, form.cleaned_data["entry"]
        if action == "company_told":
            done = phone_dispatch.company_told(self.object, staff=staff, event_id=event_id)
            return done, gettext("Saved: the taxi company knows this ride is off.")
        if action == "car_found":
            kind, car = Status.CAR_FOUND, form.car()
        else:
            kind, car = form.cleaned_data["kind"], None
        done = phone_dispatch.enter(self.object, kind, staff=staff, event_id=event_id, car=car)
        return done, gettext("Saved. The resident is told by message.")

    def get_car_colour_display_value(self):
        return api.colour_words(self.object.car_colour)

    # Times in Shanghai time, as staff read them (the generic page would show UTC).
    def get_pickup_at_display_value(self):
        return pickup_words(self.object)

    def get_created_at_display_value(self):
        return _local(self.object.created_at)

    def get_updated_at_display_value(self):
        return _local(self.object.updated_at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ride = self.object
        ride.company_to_call = phone_dispatch.needs_company_call(ride)
        may_enter = self.request.user.has_perm(CHANGE_PERMISSION)
        steps = phone_dispatch.steps_open(ride) if may_enter else []
        context.update(
            {
                "ride": ride,
                "events": ride.events.order_by("received_at", "pk"),
                "pickup_words": pickup_words(ride),
                "status_words": status_words(ride),
                "is_manual": phone_dispatch.is_manual(ride),
                "company_to_call": ride.company_to_call,
                "may_enter": may_enter,
                "show_car_form": Status.CAR_FOUND in steps,
                "outcome_buttons": [
                    (status.value, phone_dispatch.OUTCOMES[status])
                    for status in steps
                    if status != Status.CAR_FOUND
                ],
            }
        )
        context.setdefault("car_form", CarFoundForm())
        context.setdefault("outcome_form", OutcomeForm())
        context.setdefault("told_form", CompanyToldForm())
        return context
