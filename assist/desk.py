"""The help desk, inside the admin (so the authenticator and the idle time-out apply): the
requests waiting and the ones I hold, going on and off duty, and one request's page.

Only the holder sees who the resident is and how to reach them, and every such look is in the
resident's own audit log. Everyone else sees what the request is about and where, not who.
"""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assist import api
from assist.desk_applications import case_for
from assist.desk_slip import may_print
from assist.forms import RatingForm
from assist.models import HelpRequest, Kind, Outcome, State
from assist.offers import offered_to
from assist.teach import guide_of
from portal.accounts import api as accounts
from portal.accounts.duty import duty_of, may_act_now, set_on_duty
from portal.accounts.phone import normalize_phone
from portal.accounts.roles import ACT_FOR_RESIDENT, SERVE_AT_COUNTER
from portal.acting import Acting
from portal.audit.api import record_view
from portal.channels import Channel
from portal.consent.models import GivenVia, Scope
from portal.privacy import agreements
from portal.privacy.models import Purpose
from portal.ratings import api as ratings
from services.learning import api as learning
from services.taxi import api as taxi


class FindForm(forms.Form):
    phone = forms.CharField(label=_("The resident's phone number"), max_length=30)

    def clean_phone(self):
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError(_("Enter a phone number, like 138 0013 8000.")) from None


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class TaxiForm(forms.Form):
    # One per page view: the same form sent twice books one taxi.
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)


class StraightForm(forms.Form):
    straight = forms.BooleanField(
        label=_("When they call the hotline, put them straight through to a person"),
        required=False,
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What the resident allows"),
        choices=[
            (s.value, s.label)
            # learning.SCOPE: signing up for digital-skills sessions (assist.desk_learning).
            for s in (Scope.TAXI, Scope.HOSPITAL, Scope.DETAILS, Scope(learning.SCOPE))
        ],
        widget=forms.RadioSelect,
    )
    given_via = forms.ChoiceField(
        label=_("How they said yes"),
        choices=[(v.value, v.label) for v in (GivenVia.PHONE_SPOKEN, GivenVia.IN_PERSON_COUNTER)],
        widget=forms.RadioSelect,
    )


class AgreementForm(forms.Form):
    """The resident's own yes or no, said on the phone or at the counter, to the portal
    keeping a kind of sensitive data (read the question out first)."""

    purpose = forms.ChoiceField(
        label=_("Which question"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    answer = forms.ChoiceField(
        label=_("Their answer"),
        choices=[("yes", _("Yes, they agree")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )


# What the holder may do on a request's page: the action sent, and its form.
ACTIONS = {
    "agreement": AgreementForm,
    "consent": ConsentForm,
    "taxi": TaxiForm,
    "note": NoteForm,
    "close": CloseForm,
    "release": NoteForm,
    "no_answer": forms.Form,
    "straight": StraightForm,
}


def _desk_user(request):
    if not request.user.has_perm(ACT_FOR_RESIDENT):
        raise PermissionDenied
    return request.user


def desk(request):
    """My requests, the waiting ones, and the on-duty switch."""
    user = _desk_user(request)
    context = {
        "on_duty": duty_of(user).on_duty,
        "mine": api.held_by(user).select_related("resident"),
    }
    return render(request, "assist/desk/index.html", context | _waiting(user))


def waiting_list(request):
    """The waiting list alone: the desk page fetches it every few seconds, so offers show live."""
    user = _desk_user(request)
    return render(request, "assist/desk/_waiting.html", _waiting(user))


def _waiting(user):
    may_take = may_act_now(user)
    return {
        "may_take": may_take,
        "waiting": api.waiting() if may_take else [],
        "offered": set(offered_to(user).values_list("pk", flat=True)),
    }


@require_POST
def duty(request):
    user = _desk_user(request)
    set_on_duty(user, request.POST.get("on_duty") == "1")
    return redirect("assist_desk")


@require_POST
def take(request, request_id):
    user = _desk_user(request)
    help_request = get_object_or_404(HelpRequest, pk=request_id)
    if not api.take(help_request, user):
        return render(request, "assist/desk/taken.html", {"help_request": help_request}, status=409)
    return redirect("assist_desk_request", request_id=help_request.pk)


def request_page(request, request_id):
    """One request: the timeline for everyone on the desk; the resident only for its holder."""
    user = _desk_user(request)
    help_request = get_object_or_404(HelpRequest.objects.select_related("resident"), pk=request_id)
    holding = api.holds(help_request, user)
    forms_ = {action: form_class() for action, form_class in ACTIONS.items()}
    forms_["taxi"] = TaxiForm(initial={"key": uuid.uuid4().hex})
    forms_["straight"] = StraightForm(
        initial={"straight": help_request.resident.phone_straight_to_person}
    )
    error = None
    if request.method == "POST" and holding:
        action = request.POST.get("action")
        form_class = ACTIONS.get(action)
        if form_class is None:
            raise PermissionDenied
        form = form_class(request.POST)
        forms_[action] = form
        if form.is_valid():
            try:
                _do(action, help_request, user, form.cleaned_data)
            except ValidationError as refused:  # a ride refused, a note missing
                error = refused.messages[0]
            except PermissionDenied as refused:  # no consent, no longer holding it
                error = str(refused)
            else:
                if action in ("close", "release"):
                    return redirect("assist_desk")
                return redirect("assist_desk_request", request_id=help_request.pk)
    if request.method == "POST" and help_request.state == State.CLOSED:
        rated = RatingForm(request.POST)
        if rated.is_valid():
            acting = Acting.for_resident(help_request.resident, user, channel=Channel.PHONE)
            try:
                ratings.rate(
                    acting,
                    help_request.reference,
                    rated.cleaned_data["level"],
                    rated.cleaned_data["comment"],
                )
            except ValidationError as refused:
                error = refused.messages[0]
            else:
                return redirect("assist_desk_request", request_id=help_request.pk)
    if holding:
        record_view(
            user,
            help_request.resident,
            "request",
            reference=help_request.reference,
        )
    return render(
        request,
        "assist/desk/request.html",
        {
            "help_request": help_request,
            "holding": holding,
            "guide": guide_of(help_request),
            "case": case_for(help_request, holding),
            "events": help_request.events.select_related("actor"),
            "forms": forms_,
            "error": error,
            "rating": ratings.rating_of(help_request.resident, help_request.reference),
            "rating_form": RatingForm(),
            "may_print": may_print(help_request, user),
            "tries": api.tries_without_answer(help_request),
            "agreements": [
                {**answer, "asks": agreements.question(answer["purpose"]).asks}
                for answer in agreements.answers_of(help_request.resident)
            ],
        },
    )


def find(request):
    """Find a resident by phone number (the look is audited) and help them here and now."""
    user = _desk_user(request)
    form = FindForm(request.GET or None)
    resident = None
    if form.is_valid():
        resident = (
            get_user_model()
            .objects.filter(phone=form.cleaned_data["phone"], is_staff=False)
            .first()
        )
        if resident is None:
            form.add_error("phone", _("Nobody is registered with this number."))
        else:
            record_view(user, resident, "profile", channel=_desk_channel(user))
    return render(
        request,
        "assist/desk/find.html",
        {
            "form": form,
            "resident": resident,
            "open_requests": api.requests_of(resident).exclude(state="closed") if resident else [],
        },
    )


@require_POST
def help_here(request, resident_id):
    """Open a request for the resident found (a walk-in, or someone on the line) and hold it."""
    user = _desk_user(request)
    resident = get_object_or_404(get_user_model(), pk=resident_id, is_staff=False)
    channel = _desk_channel(user)
    help_request = api.open_request(
        resident,
        kind=Kind.WALK_IN if channel == Channel.COUNTER else Kind.CALL_BACK,
        channel=channel,
        opened_by=user,
    )
    api.take(help_request, user)
    return redirect("assist_desk_request", request_id=help_request.pk)


def _desk_channel(user):
    """Counter staff serve residents in front of them; volunteers on the phone."""
    return Channel.COUNTER if user.has_perm(SERVE_AT_COUNTER) else Channel.PHONE


def _do(action, help_request, user, data):
    if action == "note":
        api.add_note(help_request, user, data["note"])
        api.renew(help_request, user)
    elif action == "straight":
        accounts.change_details(
            api.acting_for(help_request, user), phone_straight_to_person=data["straight"]
        )
        api.renew(help_request, user)
    elif action == "no_answer":
        api.no_answer(help_request, user)
    elif action == "release":
        api.release(help_request, user, data["note"])
    elif action == "close":
        api.close(help_request, user, data["outcome"], data["note"])
    elif action == "taxi":
        ride = taxi.request_ride(
            api.acting_for(help_request, user),
            idempotency_key=f"{help_request.reference}:{data['key']}",
        )
        api.acted(
            help_request,
            user,
            lambda: (
                _("Taxi called to %(address)s now (ride %(ride)s).")
                % {"address": ride.pickup_address, "ride": ride.pk}
            ),
        )
    elif action == "consent":
        api.record_consent(help_request, user, data["scope"], data["given_via"])
        api.renew(help_request, user)
    elif action == "agreement":
        agreements.record_answer(
            help_request.resident,
            data["purpose"],
            data["answer"] == "yes",
            channel=_desk_channel(user),
            recorded_by=user,
        )
        api.renew(help_request, user)
