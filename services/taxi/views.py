"""The web channel for the one-tap taxi: one tap from home, then a live status page."""

import contextlib
import uuid

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.decorators import resident_required
from portal.audit.models import Channel
from services.taxi import api
from services.taxi.models import Ride


class HomeAddressForm(forms.Form):
    home_address = forms.CharField(
        label=_("Where should the taxi pick you up?"),
        help_text=_("Your home address. Add a landmark if it helps the driver."),
        max_length=200,
        error_messages={"required": _("Enter the address where the taxi should come.")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )


def _own_ride(request, ride_id):
    ride = get_object_or_404(Ride, pk=ride_id)
    if ride.resident_id != request.user.pk:
        raise Http404
    return ride


@resident_required
@require_http_methods(["GET", "POST"])
def start(request):
    """The one tap: a single button that calls a taxi to the resident's home."""
    if not request.user.home_address:
        return redirect("taxi:home_address")
    if request.method == "POST":
        try:
            ride = api.request_ride(
                request.user,
                acting_user=request.user,
                channel=Channel.WEB,
                idempotency_key=request.POST.get("key") or uuid.uuid4().hex,
            )
        except api.RideAlreadyActive as refusal:
            return redirect("taxi:ride", ride_id=refusal.ride.pk)
        except api.RideRefused as refusal:
            context = {"error": str(refusal), "key": uuid.uuid4().hex}
            return render(request, "taxi/start.html", context)
        return redirect("taxi:ride", ride_id=ride.pk)
    context = {"key": uuid.uuid4().hex, "active": api.active_ride(request.user)}
    return render(request, "taxi/start.html", context)


@resident_required
@require_http_methods(["GET", "POST"])
def home_address(request):
    """Asked once, when a resident taps for a taxi and has no home address yet."""
    form = HomeAddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.user.home_address = form.cleaned_data["home_address"]
        request.user.save(update_fields=["home_address"])
        return redirect("taxi:start")
    return render(request, "taxi/home_address.html", {"form": form})


@resident_required
@require_GET
def ride(request, ride_id):
    """The big status page; it refreshes itself with JavaScript, or by the refresh button."""
    ride = _own_ride(request, ride_id)
    return render(request, "taxi/ride.html", {"ride": ride, "status": api.ride_status(ride)})


@resident_required
@require_GET
def ride_status_json(request, ride_id):
    """The status page's data, for live updates with JavaScript."""
    return JsonResponse(api.ride_status(_own_ride(request, ride_id)))


@resident_required
@require_POST
def cancel(request, ride_id):
    ride = _own_ride(request, ride_id)
    # If the trip began meanwhile, the status page says so (and shows no cancel button).
    with contextlib.suppress(api.NotCancellable):
        api.cancel_ride(ride, acting_user=request.user, channel=Channel.WEB, reason="resident")
    return redirect("taxi:ride", ride_id=ride.pk)
