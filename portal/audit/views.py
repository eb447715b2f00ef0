"""The resident's own page: who has seen or acted on their information."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.accounts.decorators import resident_required
from portal.audit.api import entries_for

PER_PAGE = 50


@require_GET
@resident_required
def my_information(request):
    """Newest first, only the signed-in person's own entries."""
    page = Paginator(entries_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/my_information.html", {"page": page, "entries": page})
