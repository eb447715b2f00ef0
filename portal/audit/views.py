"""The resident's own page: who has seen or acted on their information."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.audit.api import entries_for

PER_PAGE = 50


@require_GET
@login_required
def my_information(request):
    """Newest first, only the signed-in person's own entries."""
    page = Paginator(entries_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/my_information.html", {"page": page, "entries": page})
