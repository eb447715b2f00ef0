"""The resident's side: "call me back" in two taps, and "my requests for help"."""

import contextlib

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assist import api
from assist.forms import CallBackForm, RatingForm
from assist.models import HelpRequest, Kind, State, Topic
from assist.offers import people_on_duty
from assist.opening import next_open
from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.channels import Channel
from portal.journeys import api as journeys
from portal.ratings import api as ratings


@require_http_methods(["GET", "POST"])
def start(request):
    """Ask for a call back. Signed out: what happens, the hotline, and signing in with a code."""
    if not request.user.is_authenticated:
        signin = f"{reverse('signin')}?next={request.path}"
        return render(request, "assist/start_signed_out.html", {"signin_url": signin})
    if not request.user.is_resident:
        return redirect("assist_desk")
    if request.method == "GET":
        journeys.started(request.user, "assist")
    current = api.open_request_of(request.user)
    if current is not None:
        return redirect("assist:request", request_id=current.pk)
    form = CallBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        help_request = api.open_request(
            request.user,
            kind=Kind.CALL_BACK,
            channel=Channel.WEB,
            topic=form.cleaned_data["topic"] or Topic.OTHER,
            note=form.cleaned_data["note"],
            call_after=form.call_after(),
        )
        return redirect("assist:request", request_id=help_request.pk)
    return render(request, "assist/start.html", {"form": form})


@resident_required
def my_requests(request):
    """Every request I made or that was made for me, with where it is in plain words."""
    return render(request, "assist/my_requests.html", {"requests": api.requests_of(request.user)})


@resident_required
@require_http_methods(["GET", "POST"])
def request_page(request, request_id):
    """One of my requests: what happens next, honestly; once closed, how satisfied I was."""
    help_request = get_object_or_404(HelpRequest, pk=request_id, resident=request.user)
    rating = ratings.rating_of(request.user, help_request.reference)
    form = None
    if help_request.state == State.CLOSED and rating is None:
        form = RatingForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            # Rated meanwhile (another tab): the page shows that rating.
            with contextlib.suppress(ValidationError):
                ratings.rate(
                    Acting.by_resident(request.user),
                    help_request.reference,
                    form.cleaned_data["level"],
                    form.cleaned_data["comment"],
                )
            return redirect("assist:request", request_id=help_request.pk)
    return render(
        request,
        "assist/request.html",
        {
            "help_request": help_request,
            **what_happens_next(),
            "rating": rating,
            "form": form,
            "done": api.done_for(help_request),
        },
    )


def what_happens_next():
    """What a waiting request's page says will happen, true now: when the desk opens if it is
    closed (``desk_opens``, None while open), else how many people are on duty (``on_duty``).
    For ``assist/_what_happens_next.html``; the teach-me pages (assist.teach) say it too."""
    now = timezone.now()
    opens = next_open(now)
    return {"desk_opens": opens if opens > now else None, "on_duty": len(people_on_duty())}
