"""The "Taxi rides" menu item and its pages, as a Wagtail model viewset, with its filters.

Who may do what goes by Django's model permissions: ``taxi.view_ride`` opens the list and a
ride's page; ``taxi.change_ride`` adds the operator's forms there. Nobody edits or deletes a
ride through Wagtail's generic forms: a ride changes only through ``services.taxi.api``.
"""

import django_filters
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput

from services.taxi.models import CANCELLED_BY_COMPANY, NO_CAR_CAME, Ride, Status
from services.taxi.staff.views import RideDetailView, RideIndexView


def _providers():
    names = Ride.objects.order_by().values_list("provider", flat=True).distinct()
    return [(name, name) for name in sorted(names) if name]


class RideFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    needs_help = django_filters.BooleanFilter(label=_("Needs a person"), method="needing_a_person")
    provider = django_filters.ChoiceFilter(label=_("Dispatch provider"), choices=_providers)
    day = django_filters.DateFilter(label=_("Day"), method="on_day", widget=AdminDateInput)

    class Meta:
        model = Ride
        fields = ["status", "provider"]

    def needing_a_person(self, queryset, name, needs):
        """Rides where no car came (see ``Ride.needs_a_person``), or all the others."""
        no_car = Q(status__in=NO_CAR_CAME) | Q(
            status=Status.CANCELLED, cancel_reason=CANCELLED_BY_COMPANY
        )
        return queryset.filter(no_car) if needs else queryset.exclude(no_car)

    def on_day(self, queryset, name, day):
        """Rides for that day (Shanghai time): booked for it, or asked for "now" on it."""
        return queryset.filter(
            Q(pickup_at__date=day) | Q(pickup_at__isnull=True, created_at__date=day)
        )


class RideViewSet(ModelViewSet):
    model = Ride
    # A record written by residents' actions, not content: Wagtail's reference index (the
    # "usage" counts) would add a task and several queries to every save of rides.
    add_to_reference_index = False
    icon = "list-ul"
    menu_label = _("Taxi rides")
    add_to_admin_menu = True
    menu_order = 300
    index_view_class = RideIndexView
    inspect_view_class = RideDetailView
    inspect_view_enabled = True
    filterset_class = RideFilterSet
    copy_view_enabled = False
    exclude_form_fields = []

    def get_permissions_to_register(self):
        # The two a group can be given for this page: see rides, and type in the operator's news.
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Ride),
            codename__in=["view_ride", "change_ride"],
        )
