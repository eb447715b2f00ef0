"""The web channel for the one-tap taxi: one tap from home, then a live status page.

Other choices (another saved place, a destination, a later time, notes for the driver) are
asked on their own pages, one question each, then a check-your-answers page books the taxi.
"""

import re
import uuid

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts import api as accounts
from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.channels import Channel
from portal.consent.api import ConsentRequired
from portal.journeys import api as journeys
from portal.privacy.agreement_views import ask_first
from portal.privacy.models import Purpose
from services.taxi import api, family, flow
from services.taxi.forms import (
    ConfirmForm,
    DestinationForm,
    HomeAddressForm,
    NotesForm,
    PickupForm,
    WhenForm,
    delay_words,
    place_words,
)
from services.taxi.models import Ride

# Each question: its form and template.
QUESTIONS = {
    "from": (PickupForm, "taxi/choose_from.html"),
    "to": (DestinationForm, "taxi/choose_to.html"),
    "when": (WhenForm, "taxi/choose_when.html"),
    "notes": (NotesForm, "taxi/choose_notes.html"),
}


def _visible_ride(request, ride_id, *, looking=True):
    """The ride if it is the signed-in resident's, or a family member's who may call taxis
    for its resident (their look is in the resident's log when ``looking``); else 404."""
    ride = get_object_or_404(Ride.objects.select_related("resident"), pk=ride_id)
    if ride.resident_id == request.user.pk:
        return ride
    consent = family.allowed(request.user, ride.resident)
    if consent is None:
        raise Http404
    if looking:
        family.record_look(request.user, ride.resident, consent)
    return ride


# Our pages hand out hex keys. Letters, digits, "-" and "_" are let through too; anything
# else (NUL, spaces, markup) was not made by us.
_KEY = re.compile(r"[A-Za-z0-9_-]{1,80}")


def posted_key(request):
    """The tap's key from the form, or "" when it is missing or not one of ours.

    A garbled or forged key (blank, too long, or with characters such as NUL that PostgreSQL
    refuses even to look up) is treated as no key, not as a server error.
    """
    key = request.POST.get("key", "").strip()
    return key if _KEY.fullmatch(key) else ""


@resident_required
@require_http_methods(["GET", "POST"])
def start(request):
    """The one tap: a single button that calls a taxi to the resident's home.

    Someone whose family lets them call taxis for them also finds a link for each.
    """
    if request.method == "GET":
        journeys.started(request.user, "taxi")
    allowing = family.residents_allowing(request.user)
    if not request.user.home_address and allowing:
        # No home of their own here: most likely calling for family, so ask whom it is for.
        return redirect("taxi:family")
    # Before the first taxi: may the portal keep the address and trips? (PIPL: asked apart.)
    if asked := ask_first(request, Purpose.TAXI, reverse("taxi:start")):
        return asked
    if not request.user.home_address:
        return redirect("taxi:home_address")
    if request.method == "POST":
        try:
            ride = api.request_ride(
                Acting.by_resident(request.user),
                idempotency_key=posted_key(request) or uuid.uuid4().hex,
            )
        except api.RideAlreadyActive as refusal:
            return redirect("taxi:ride", ride_id=refusal.ride.pk)
        except api.RideRefused as refusal:
            # Includes TapKeyTaken: say so and offer a fresh tap, never the other ride.
            context = {
                "error": str(refusal),
                "key": uuid.uuid4().hex,
                "active": api.active_ride(request.user),
                "family": allowing,
            }
            return render(request, "taxi/start.html", context)
        return redirect("taxi:ride", ride_id=ride.pk)
    context = {"key": uuid.uuid4().hex, "active": api.active_ride(request.user), "family": allowing}
    return render(request, "taxi/start.html", context)


@resident_required
@require_http_methods(["GET", "POST"])
def home_address(request):
    """Asked once, when a resident taps for a taxi and has no home address yet.

    Then back to the tap, or (``?next=`` the other choices) on to the first question.
    """
    if asked := ask_first(request, Purpose.TAXI, request.get_full_path()):
        return asked
    form = HomeAddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        accounts.change_details(
            Acting.by_resident(request.user), home_address=form.cleaned_data["home_address"]
        )
        if request.GET.get("next") == reverse("taxi:choose"):
            return redirect("taxi:choose_from")
        return redirect("taxi:start")
    return render(request, "taxi/home_address.html", {"form": form})


@resident_required
@require_GET
def rides(request):
    """My taxi rides, newest first, each with where it is now and a link to its page."""
    rows = [
        {"ride": ride, "status": api.ride_status(ride)}
        for ride in api.history(request.user).select_related("resident")[:50]
    ]
    return render(request, "taxi/rides.html", {"rows": rows})


@resident_required
@require_GET
def ride(request, ride_id):
    """The big status page; it refreshes itself with JavaScript, or by the refresh button."""
    ride = _visible_ride(request, ride_id)
    return render(request, "taxi/ride.html", _ride_context(request, ride))


def _ride_context(request, ride, **more):
    for_someone = ride.resident if ride.resident_id != request.user.pk else None
    return {"ride": ride, "status": api.ride_status(ride), "for_someone": for_someone, **more}


@resident_required
@require_GET
def ride_status_json(request, ride_id):
    """The status page's data, for live updates with JavaScript."""
    # The page polls every few seconds: its own look is in the log once, not each poll.
    return JsonResponse(api.ride_status(_visible_ride(request, ride_id, looking=False)))


@resident_required
@require_http_methods(["GET", "POST"])
def cancel(request, ride_id):
    """One question, yes or no; then the status page (cancelled, or why it could not be)."""
    ride = _visible_ride(request, ride_id, looking=False)
    answer = request.POST.get("answer") if request.method == "POST" else None
    if answer == "no":
        return redirect("taxi:ride", ride_id=ride.pk)
    if answer != "yes":
        status = api.ride_status(ride)
        return render(request, "taxi/cancel.html", {"ride": ride, "status": status})
    # The resident, or a family member who may call taxis for them (told to the resident).
    acting = Acting.for_resident(ride.resident, request.user, channel=Channel.WEB)
    reason = "resident" if not acting.on_behalf else "family"
    try:
        api.cancel_ride(ride, acting=acting, reason=reason)
    except (api.NotCancellable, ConsentRequired) as refused:  # changed meanwhile
        return render(request, "taxi/ride.html", _ride_context(request, ride, refusal=str(refused)))
    return redirect("taxi:ride", ride_id=ride.pk)


# ---------------------------------------------------------------------------------------------
# Other choices: one question a page, then check your answers


def _away_from_choices(request):
    """Where a resident goes instead of the other-choices pages, if anywhere."""
    if asked := ask_first(request, Purpose.TAXI, reverse("taxi:choose")):
        return asked
    if not request.user.home_address:
        return redirect(f"{reverse('taxi:home_address')}?next={reverse('taxi:choose')}")
    active = api.active_ride(request.user)
    if active is not None:
        return redirect("taxi:ride", ride_id=active.pk)
    return None


def _step_url(step, changing=False):
    url = reverse("taxi:choose_check" if step == "check" else f"taxi:choose_{step}")
    return f"{url}?change=1" if changing else url


@resident_required
@require_GET
def choose(request):
    """The link from the start page: a new visit, with no answers yet."""
    if away := _away_from_choices(request):
        return away
    flow.begin(request)
    return redirect("taxi:choose_from")


@resident_required
@require_http_methods(["GET", "POST"])
def question(request, step):
    """One question of the other choices; ``?change=1`` comes from, and goes back to, the check."""
    if away := _away_from_choices(request):
        return away
    state = flow.current(request)
    missing = flow.first_missing(state, request.user)
    if missing is not None and flow.STEPS.index(missing) < flow.STEPS.index(step):
        return redirect(_step_url(missing))
    changing = request.GET.get("change") == "1"
    form_class, template = QUESTIONS[step]
    form = form_class(
        request.POST if request.method == "POST" else None, resident=request.user, state=state
    )
    if request.method == "POST":
        answers = form.skipped() if "skip" in request.POST else None
        if answers is None and form.is_valid():
            answers = form.answers()
        if answers is not None:
            state = flow.answer(request, step, answers)
            return redirect(_next_step(state, request.user, step, changing))
    index = flow.STEPS.index(step)
    if changing:
        back = reverse("taxi:choose_check")
    elif index == 0:
        back = reverse("taxi:start")
    else:
        back = _step_url(flow.STEPS[index - 1])
    context = {
        "form": form,
        "heading": form.heading,
        "number": index + 1,
        "total": len(flow.STEPS),
        "action": _step_url(step, changing),
        "back_url": back,
    }
    return render(request, template, context)


def _next_step(state, resident, step, changing):
    """After an answer: on to the next question, or back to the check when changing one.

    Either way, a question still unanswered (or whose saved place is gone) comes first.
    """
    missing = flow.first_missing(state, resident)
    if missing is not None and (changing or flow.STEPS.index(missing) <= flow.STEPS.index(step)):
        return _step_url(missing)
    if changing or step == flow.STEPS[-1]:
        return _step_url("check")
    return _step_url(flow.STEPS[flow.STEPS.index(step) + 1])


@resident_required
@require_http_methods(["GET", "POST"])
def check(request):
    """Check your answers, each with a change link; one button books the taxi."""
    tapped = posted_key(request) if request.method == "POST" else ""
    if tapped:
        # A second tap of the confirm button, after the first booked: that ride.
        booked = api.history(request.user).filter(idempotency_key=tapped).first()
        if booked is not None:
            return redirect("taxi:ride", ride_id=booked.pk)
    if away := _away_from_choices(request):
        return away
    state = flow.current(request)
    missing = flow.first_missing(state, request.user)
    if missing is not None:
        return redirect(_step_url(missing))
    form = ConfirmForm(initial={"key": state["key"]})
    # A check page left open from another visit books nothing: it shows this visit's answers.
    if request.method == "POST" and tapped == state["key"]:
        form = ConfirmForm({"key": state["key"]})
        form.is_valid()  # bound and cleaned, so a refusal can be added as its error
        _label, address, note = flow.pickup_place(state, request.user)
        try:
            ride = api.request_ride(
                Acting.by_resident(request.user),
                idempotency_key=state["key"],
                pickup_address=address,
                pickup_note=note,
                destination=state.get("destination", ""),
                pickup_at=flow.pickup_time(state),
                driver_notes=state.get("notes", ""),
            )
        except api.RideAlreadyActive as refusal:
            flow.clear(request)
            return redirect("taxi:ride", ride_id=refusal.ride.pk)
        except api.RideRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            flow.clear(request)
            return redirect("taxi:ride", ride_id=ride.pk)
    context = {"form": form, "rows": _answer_rows(state, request.user)}
    return render(request, "taxi/choose_check.html", context)


def _answer_rows(state, resident):
    label, address, note = flow.pickup_place(state, resident)
    place = place_words(label, address) + (f" ({note})" if note else "")
    return [
        {
            "label": PickupForm.base_fields["pickup"].label,
            "value": place,
            "change_url": _step_url("from", changing=True),
        },
        {
            "label": DestinationForm.base_fields["destination"].label,
            "value": state.get("destination") or gettext("No destination: tell the driver"),
            "change_url": _step_url("to", changing=True),
        },
        {
            "label": WhenForm.base_fields["when"].label,
            "value": _when_words(state),
            "change_url": _step_url("when", changing=True),
        },
        {
            "label": NotesForm.base_fields["notes"].label,
            "value": state.get("notes") or gettext("None"),
            "change_url": _step_url("notes", changing=True),
        },
    ]


def _when_words(state):
    moment = flow.pickup_time(state)
    if moment is None:
        return pgettext("when the taxi comes", "Now")
    local = timezone.localtime(moment)
    clock = time_format(local, "H:i")
    if state["when"] != flow.LATER:
        return gettext("%(delay)s, at about %(time)s") % {
            "delay": delay_words(int(state["when"])),
            "time": clock,
        }
    if local.date() == timezone.localdate():
        return gettext("Today at %(time)s") % {"time": clock}
    return gettext("Tomorrow at %(time)s") % {"time": clock}
