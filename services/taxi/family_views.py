"""A family member calls a taxi for a resident who allowed it, in one tap, on the website.

First whom the taxi is for (me, or a resident whose taxi permission names me), then one tap
on where it should go: one of the resident's saved places, or nowhere said (the resident
tells the driver). The taxi comes to the resident's home. The api checks the permission
again, keeps who tapped on the ride, writes the resident's audit entry and texts them.
Without the permission nothing is offered, and a forged tap is refused with nothing written.
"""

import uuid

from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.channels import Channel
from portal.consent.api import ConsentRequired
from services.taxi import api, family
from services.taxi.views import posted_key

NO_DESTINATION = "none"
PLACE_PREFIX = "place-"
RIDES_SHOWN = 10


@resident_required
@require_GET
def who(request):
    """Whom the taxi is for: me, or each resident who lets me call taxis for them."""
    allowing = family.residents_allowing(request.user)
    if not allowing:
        return redirect("taxi:start")
    for_me = reverse("taxi:start" if request.user.home_address else "taxi:home_address")
    return render(request, "taxi/family_who.html", {"family": allowing, "for_me": for_me})


@resident_required
@require_http_methods(["GET", "POST"])
def for_resident(request, resident_id):
    """One tap calls a taxi to the resident's home, going to the saved place tapped."""
    if resident_id == request.user.pk:
        return redirect("taxi:start")
    resident = get_user_model().objects.filter(pk=resident_id).first()
    consent = family.allowed(request.user, resident) if resident is not None else None
    if consent is None:
        return _refused(request)
    error = None
    if request.method == "POST":
        booked, error = _book(request, resident)
        if booked is not None:
            return booked
    return render(request, "taxi/family_taxi.html", _page(request, resident, consent, error))


def _book(request, resident):
    """The tap: (a redirect to the ride, None), or (None, why nothing was booked)."""
    destination = _destination(request.POST.get("to", ""), resident)
    if destination is None:
        return None, gettext("That place is no longer saved. Choose one of the places shown.")
    try:
        ride = api.request_ride(
            Acting.for_resident(resident, request.user, channel=Channel.WEB),
            idempotency_key=posted_key(request) or uuid.uuid4().hex,
            destination=destination,
        )
    except ConsentRequired:  # withdrawn a moment ago
        return _refused(request), None
    except api.RideAlreadyActive as refusal:
        return redirect("taxi:ride", ride_id=refusal.ride.pk), None
    except api.NoPickupAddress:
        return None, _no_home(resident)
    except api.RideRefused as refusal:
        return None, str(refusal)
    return redirect("taxi:ride", ride_id=ride.pk), None


def _page(request, resident, consent, error):
    rows = [
        {"ride": ride, "status": api.ride_status(ride)}
        for ride in api.history(resident)[:RIDES_SHOWN]
    ]
    if rows:  # her rides are shown to someone else: that is in her log
        family.record_look(request.user, resident, consent)
    places = [
        {"value": f"{PLACE_PREFIX}{place.pk}", "label": place.label, "address": place.address}
        for place in resident.saved_places.all()
    ]
    return {
        "resident": resident,
        "active": api.active_ride(resident),
        "no_home": None if resident.home_address else _no_home(resident),
        "places": places,
        "none": NO_DESTINATION,
        "key": uuid.uuid4().hex,
        "rows": rows,
        "error": error,
    }


def _destination(value, resident):
    """The address the tapped button names: "" for none, None if it is not one of hers."""
    if value in ("", NO_DESTINATION):
        return ""
    place_id = value.removeprefix(PLACE_PREFIX)
    if not (value.startswith(PLACE_PREFIX) and place_id.isdigit()):
        return None
    place = resident.saved_places.filter(pk=int(place_id)).first()
    return place.address if place is not None else None


def _no_home(resident):
    return gettext(
        "%(name)s has no home address saved, so a taxi cannot be called for them here. "
        "Ask them to add it, or call the hotline."
    ) % {"name": resident}


def _refused(request):
    """The same answer whoever the id names, so it tells nobody who is on the portal."""
    return render(request, "taxi/family_refused.html", status=403)
