"""The supervisor's home on the admin dashboard: one panel with the chooser and the figures."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .charts import bar_chart
from .figures import FIGURES, TITLE
from .scope import area_choices, area_from, may_supervise, period_choices, period_from


def chosen(request, now=None):
    """The period and the area the query string chose."""
    return period_from(request.GET.get("period"), now), area_from(request.GET.get("area"))


def figures_for(request, now=None):
    """The period, the area and every figure for them, as the query string chose."""
    now = now or timezone.now()
    period, area = chosen(request, now)
    figures = [make(period, area, now) for make in FIGURES.values()]
    return period, area, figures


class SupervisionPanel(Component):
    name = "supervision"
    template_name = "assist/supervision/panel.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        period, area, figures = figures_for(self.request)
        query = urlencode({"period": period.code, "area": area.code})
        return {
            "title": TITLE,
            "period": period,
            "area": area,
            "period_choices": period_choices(),
            "area_choices": area_choices(),
            "figures": [
                {
                    "figure": figure,
                    "chart": bar_chart(figure) if figure.chart else "",
                    "csv": f"{reverse('assist_supervision_csv', args=[figure.key])}?{query}",
                }
                for figure in figures
            ],
        }


def add_supervision_panel(request, panels):
    """The ``construct_homepage_panels`` hook: the panel, for supervisors and administrators."""
    if may_supervise(request.user):
        panels.append(SupervisionPanel(request))
