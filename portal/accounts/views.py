"""Resident sign-in pages: one question a page, the same answer for every number."""

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import (
    api,
    closing,
    code_limits,
    code_pages,
    fresh_code,
    resident_backend,
    signin,
)
from portal.accounts.clients import remember_device
from portal.accounts.forms import CodeForm, HomeForm, NameForm, PhoneForm
from portal.acting import Acting

SESSION_KEY = "signin"


def _next_url(request, candidate):
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _send_code(request, phone, by_voice=False):
    attempt = signin.new_attempt()
    result = signin.request_code(request, phone, attempt, by_voice=by_voice)
    state = request.session.get(SESSION_KEY, {})
    request.session[SESSION_KEY] = code_pages.remember(state, result, attempt, by_voice=by_voice)


@require_http_methods(["GET", "POST"])
def signin_phone(request):
    """Step 1: the phone number."""
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = {"next": next_url}
        _send_code(request, form.cleaned_data["phone"], by_voice="by_voice" in request.POST)
        return redirect("signin_code")
    return render(request, "accounts/signin_phone.html", {"form": form, "next": next_url})


@never_cache  # it shows the number being signed in
@require_http_methods(["GET", "POST"])
def signin_code(request):
    """Step 2: the code from the SMS or call; or ask for a new one, or a call instead."""
    state = request.session.get(SESSION_KEY)
    if not state or "phone" not in state:
        return redirect("signin")
    form = CodeForm()
    if request.method == "POST" and request.POST.get("action") in ("resend", "call"):
        _send_code(request, state["phone"], by_voice=request.POST["action"] == "call")
        return redirect(
            "signin_code"
        )  # the page then says what happened, and a reload sends nothing
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            outcome, user = _verify(request, state["phone"], state.get("attempt"), form)
            if outcome is signin.Outcome.SIGNED_IN:
                return _signed_in(request, user, state.get("next") or "/")
            form.add_error("code", outcome_message(outcome))
    state = request.session[SESSION_KEY]
    return render(
        request,
        "accounts/signin_code.html",
        {
            "form": form,
            "phone": state["phone"],
            "code_status": code_pages.status(state),
            "has_code": code_pages.has_code(state),
        },
    )


def _verify(request, phone, attempt, form):
    """Check the typed code, unless this client is guessing too fast."""
    if code_limits.guessing_too_fast(request):
        return signin.Outcome.TOO_MANY, None
    return signin.verify_code(phone, attempt, form.cleaned_data["code"])


def outcome_message(outcome, wrong=None):
    """What to tell a person whose code did not sign them in (``wrong``: for a wrong code)."""
    if outcome is signin.Outcome.WRONG:
        return wrong or _("That code is not right. Check the digits and try again.")
    if outcome is signin.Outcome.WAIT:
        return _("Please wait a few seconds, then try the code again.")
    if outcome is signin.Outcome.TOO_MANY:
        return _(
            "Too many codes were typed on this device. Please wait 10 minutes, then try again."
        )
    if outcome is signin.Outcome.EXPIRED:
        return _(
            "This code has run out of time: codes work for 10 minutes. Ask for a new code below."
        )
    return _("This code can no longer be used. Ask for a new code below.")


def _signed_in(request, user, next_url):
    first_time = user.last_login is None
    login(request, user, backend=resident_backend.PATH)  # new session id
    request.session.pop(SESSION_KEY, None)
    fresh_code.mark_fresh(request)
    if first_time:
        request.session["welcome_next"] = next_url
        response = redirect("welcome_name")
    elif closing.pending_closure(user) is not None:
        # Welcome back: the account is closing. Say when, and how to keep it, first.
        response = redirect(f"{reverse('close_account')}?{urlencode({'next': next_url})}")
    else:
        response = redirect(next_url)
    remember_device(response, user.phone)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def welcome_name(request):
    """First sign-in, question 1 of 2: how to address the resident (skippable)."""
    form = NameForm(
        request.POST if request.method == "POST" else None,
        initial={"preferred_name": request.user.preferred_name},
    )
    if request.method == "POST" and ("skip" in request.POST or form.is_valid()):
        if "skip" not in request.POST:
            api.change_details(
                Acting.by_resident(request.user),
                preferred_name=form.cleaned_data["preferred_name"],
            )
        return redirect("welcome_home")
    return render(request, "accounts/welcome_question.html", {"form": form, "step": 1})


@login_required
@require_http_methods(["GET", "POST"])
def welcome_home(request):
    """First sign-in, question 2 of 2: the home address (skippable)."""
    form = HomeForm(
        request.POST if request.method == "POST" else None,
        initial={"home_address": request.user.home_address},
    )
    if request.method == "POST" and ("skip" in request.POST or form.is_valid()):
        if "skip" not in request.POST:
            api.change_details(
                Acting.by_resident(request.user), home_address=form.cleaned_data["home_address"]
            )
        return redirect(_next_url(request, request.session.pop("welcome_next", "/")))
    return render(request, "accounts/welcome_question.html", {"form": form, "step": 2})


@require_POST
def signout(request):
    logout(request)
    return redirect(reverse("wagtail_serve", args=[""]))
