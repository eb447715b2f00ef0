"""请人教我, "teach me": from a guide page, a resident asks a person to show them how.

The guide links to ``/help/teach/?guide=<page id>``. Signed in, the resident confirms with one
button; that opens a request for help of the kind "Teach me" (``assist.api.open_request``)
noting the guide, and they land on the request's own page, which says truthfully what happens
next (the desk's hours, who is on duty). The holder of the request sees the guide on the desk
and can sign the resident up for a digital-skills session (``assist.desk_learning``).

A resident with a request already open is shown that one rather than a second, as "call me
back" does: one open request at a time, and the person who calls can teach them this too.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assist import api
from assist.models import HelpRequest, Kind
from assist.views import what_happens_next
from content.models import GuidePage
from portal.channels import Channel
from portal.journeys import api as journeys

# How a teach-me request names its guide in ``HelpRequest.about``: ``guide:<page id>``.
GUIDE_PREFIX = "guide:"


@require_http_methods(["GET", "POST"])
def teach_me(request):
    """Ask a person to teach me what a guide explains: one button, then what happens next."""
    guide = guide_from(request.GET.get("guide"))
    if guide is None:
        return render(request, "assist/teach/no_guide.html", status=404)
    if not request.user.is_authenticated:
        signin = f"{reverse('signin')}?{urlencode({'next': request.get_full_path()})}"
        return render(
            request, "assist/teach/signed_out.html", {"guide": guide, "signin_url": signin}
        )
    if not request.user.is_resident:
        return redirect("assist_desk")
    if request.method == "GET":
        journeys.started(request.user, "assist")
    current = api.open_request_of(request.user)
    if current is not None:
        return render(
            request,
            "assist/teach/already_open.html",
            {"guide": guide, "help_request": current, **what_happens_next()},
        )
    if request.method == "POST":
        help_request = api.open_request(
            request.user,
            kind=Kind.TEACH_ME,
            channel=Channel.WEB,
            note=guide.title,
            about=f"{GUIDE_PREFIX}{guide.pk}",
        )
        return redirect("assist:request", request_id=help_request.pk)
    return render(request, "assist/teach/confirm.html", {"guide": guide})


def guide_from(value):
    """The live, public guide page whose id is ``value`` (a query parameter), or None."""
    try:
        page_id = int(value or "")
    except ValueError:
        return None
    if not 0 < page_id < 2**31:  # a database id; a longer number would overflow the query
        return None
    return GuidePage.objects.live().public().filter(pk=page_id).first()


def guide_of(help_request: HelpRequest):
    """The guide a teach-me request was opened from, in the active language when it has a
    translation, or None (another kind of request, or the page gone or unpublished)."""
    if help_request.kind != Kind.TEACH_ME or not help_request.about.startswith(GUIDE_PREFIX):
        return None
    guide = guide_from(help_request.about.removeprefix(GUIDE_PREFIX))
    return guide.localized if guide is not None else None
