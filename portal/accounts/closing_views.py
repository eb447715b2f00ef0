"""Closing my account, on the website: one page that says plainly what happens, one button;
then the same address says when the account closes, with one button to keep it.

Asking needs a fresh code (``portal.accounts.fresh_code``), as changing the phone does: a phone
left signed in must not close its owner's account. Keeping the account needs none.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import closing, fresh_code
from portal.accounts.decorators import resident_required
from portal.acting import Acting


def _next(request):
    from portal.accounts.views import _next_url

    candidate = request.GET.get("next")
    return _next_url(request, candidate) if candidate else ""


@never_cache
@resident_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    """No closing pending: what happens, and the button. Pending: the date, and "keep it"."""
    pending = closing.pending_closure(request.user)
    if pending is not None:
        return render(
            request,
            "accounts/closing_pending.html",
            {
                "closure": pending,
                "closes": closing.when_words(pending.closes_at),
                "asked": closing.when_words(pending.asked_at),
                "may_cancel": closing.may_cancel(pending),
                "next": _next(request),
            },
        )
    if request.method == "POST":
        if not fresh_code.is_fresh(request):
            path = reverse("close_account")
            return redirect(f"{reverse('confirm_code')}?{urlencode({'next': path})}")
        closing.ask_to_close(request.user, Acting.by_resident(request.user))
        return redirect("close_account")
    closes = timezone.now() + timezone.timedelta(days=closing.closing_days())
    return render(
        request,
        "accounts/closing.html",
        {**closing.periods(), "closes": closing.when_words(closes)},
    )


@resident_required(return_to="close_account")
@require_POST
def keep_account(request):
    """Cancel the pending closing."""
    try:
        kept = closing.cancel_closing(request.user, Acting.by_resident(request.user))
    except closing.TooLate:
        return redirect("close_account")
    return redirect("account_kept" if kept else "close_account")


@resident_required
@require_GET
def account_kept(request):
    """The account stays open (unless asked again since)."""
    if closing.pending_closure(request.user) is not None:
        return redirect("close_account")
    return render(request, "accounts/closing_kept.html")
