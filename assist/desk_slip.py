"""The slip a counter prints for a walk-in: what was done for them today, who did it, and who
to call. In the resident's language, without their ID or phone number (the paper leaves the
counter). Its holder prints it, or the person who closed the request; the look is audited.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from assist import api
from assist.models import HelpRequest, RequestEvent, State
from content.hotline import hotline_number
from portal.accounts.roles import ACT_FOR_RESIDENT, role_of
from portal.audit.api import record_view


def slip(request, request_id):
    """A page to print and hand to the resident of a request one holds or has just closed."""
    user = request.user
    help_request = get_object_or_404(
        HelpRequest.objects.select_related("resident__street__centre"), pk=request_id
    )
    if not (user.has_perm(ACT_FOR_RESIDENT) and may_print(help_request, user)):
        raise PermissionDenied
    record_view(user, help_request.resident, "request", reference=help_request.reference)
    resident = help_request.resident
    street = resident.street
    with translation.override(resident.language):
        return render(
            request,
            "assist/desk/slip.html",
            {
                "help_request": help_request,
                "resident": resident,
                "done": api.done_for(help_request),
                "helper": user,
                "helper_role": role_of(user, resident),
                "centre": street.centre if street else None,
                "hotline": hotline_number(),
            },
        )


def may_print(help_request, user):
    """True when ``user`` holds the request, or closed it (the resident may still be there)."""
    if api.holds(help_request, user):
        return True
    if help_request.state != State.CLOSED:
        return False
    closing = help_request.events.filter(what=RequestEvent.What.CLOSED).order_by("-at").first()
    return closing is not None and closing.actor_id == user.pk
