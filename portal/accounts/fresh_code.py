"""A fresh code for weighty changes: a resident who stays signed in for 30 days must
prove it is still them (a new code to their phone) before changing their phone
number, adding a family proxy or giving consent."""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from portal.accounts import code_pages, signin
from portal.accounts.decorators import resident_required
from portal.accounts.forms import CodeForm

VERIFIED_AT_KEY = "code_verified_at"
STATE_KEY = "fresh_code"


def mark_fresh(request):
    request.session[VERIFIED_AT_KEY] = time.time()


def is_fresh(request):
    verified_at = request.session.get(VERIFIED_AT_KEY, 0)
    return time.time() - verified_at < settings.FRESH_CODE_SECONDS


def fresh_code_required(view):
    """Send the resident to confirm with a new code first, then back to this page."""

    @wraps(view)
    @resident_required
    def wrapper(request, *args, **kwargs):
        if not is_fresh(request):
            return redirect(f"{reverse('confirm_code')}?{urlencode({'next': request.path})}")
        return view(request, *args, **kwargs)

    return wrapper


@resident_required
@require_http_methods(["GET", "POST"])
def confirm_code(request):
    """Send a code to the resident's own phone (on a button press, never on GET); check it."""
    from portal.accounts.views import _next_url, outcome_message

    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    phone = request.user.phone
    state = request.session.get(STATE_KEY, {})
    form = CodeForm()
    if request.method == "POST" and "send" in request.POST:
        attempt = signin.new_attempt()
        by_voice = request.user.notify_by == "voice"
        result = signin.request_code(request, phone, attempt, by_voice=by_voice)
        state = code_pages.remember(state, result, attempt, by_voice=by_voice)
        request.session[STATE_KEY] = state
    elif request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            outcome, user = signin.verify_code(
                phone, state.get("attempt"), form.cleaned_data["code"]
            )
            if outcome is signin.Outcome.SIGNED_IN and user == request.user:
                request.session.pop(STATE_KEY, None)
                mark_fresh(request)
                return redirect(next_url)
            form.add_error("code", outcome_message(outcome))
    context = {"form": form, "phone": phone, "next": next_url, "has_code": False}
    if state.get("phone") == phone:
        context.update(code_status=code_pages.status(state), has_code=code_pages.has_code(state))
    return render(request, "accounts/confirm_code.html", context)
