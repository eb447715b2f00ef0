"""A fresh code for weighty changes: a resident who stays signed in for 30 days must
prove it is still them (a new code to their phone) before changing their phone
number, adding a family proxy or giving consent."""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts import signin
from portal.accounts.decorators import resident_required
from portal.accounts.forms import CodeForm

VERIFIED_AT_KEY = "code_verified_at"
ATTEMPT_KEY = "fresh_code_attempt"


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
    """Send a code to the signed-in resident's own phone and check it."""
    from portal.accounts.views import _next_url

    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    phone = request.user.phone
    form = CodeForm()
    if request.method == "GET" or "resend" in request.POST:
        request.session[ATTEMPT_KEY] = signin.new_attempt()
        signin.request_code(
            phone,
            request.session[ATTEMPT_KEY],
            language=get_language(),
            by_voice=request.user.notify_by == "voice",
        )
    else:
        form = CodeForm(request.POST)
        if form.is_valid():
            outcome, user = signin.verify_code(
                phone, request.session.get(ATTEMPT_KEY), form.cleaned_data["code"]
            )
            if outcome is signin.Outcome.SIGNED_IN and user == request.user:
                mark_fresh(request)
                return redirect(next_url)
            form.add_error("code", _("That code is not right. Check the digits and try again."))
    return render(
        request, "accounts/confirm_code.html", {"form": form, "phone": phone, "next": next_url}
    )
