"""Districts and streets in the Wagtail admin, under one "Areas" menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.areas.models import District, Street


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    list_display = ["name", "name_en", "sort_order"]
    search_fields = ["name", "name_en"]
    # The models are not in Wagtail's search index: search their names in the database.
    search_backend_name = None
    copy_view_enabled = False


class StreetViewSet(SnippetViewSet):
    model = Street
    icon = "home"
    list_display = ["name", "district", "centre"]
    list_filter = ["district"]
    search_fields = ["name", "name_en"]
    search_backend_name = None
    list_per_page = 50

    def get_queryset(self, request):
        return Street.objects.select_related("district", "centre")


class AreasViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Areas")
    menu_icon = "site"
    menu_order = 250
    items = (DistrictViewSet, StreetViewSet)


register_snippet(AreasViewSetGroup)
