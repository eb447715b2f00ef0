"""Each figure as CSV, for the same period and area as the dashboard: nothing personal in it."""

import csv

from django.http import Http404, HttpResponse, HttpResponseForbidden

from .figures import FIGURES
from .panels import chosen
from .scope import may_supervise


def figure_csv(request, key):
    """``/admin/supervision/<key>.csv?period=…&area=…``: supervisors and administrators only."""
    if not may_supervise(request.user):
        # A plain 403: Wagtail would turn PermissionDenied into a redirect to the dashboard.
        return HttpResponseForbidden()
    if key not in FIGURES:
        raise Http404
    period, area = chosen(request)
    figure = FIGURES[key](period, area)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-{period.code}-{area.code}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(["figure", "period", "area", "what", "value"])
    when = "live" if figure.live else period.code
    for label, value in figure.rows:
        writer.writerow([_cell(figure.title), when, _cell(area.label), _cell(label), value])
    return response


def _cell(text):
    """Text a spreadsheet will not run as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
