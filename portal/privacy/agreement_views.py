"""The web side of the sensitive-data questions: asked at first use, changed under "我的"."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from portal.accounts.decorators import resident_required
from portal.channels import Channel
from portal.privacy import agreements
from portal.privacy.models import Purpose


def ask_first(request, purpose, next_url):
    """A redirect to ``purpose``'s question when the signed-in resident has not agreed to it
    (in its current wording), to come back to ``next_url`` after a yes; else None."""
    if agreements.agreed_for_pages(request.user, purpose):
        return None
    query = urlencode({"next": next_url})
    return redirect(f"{reverse('privacy_agree', args=[purpose])}?{query}")


def _purpose(code):
    if code not in Purpose.values:
        raise Http404
    return Purpose(code)


def _safe_next(request):
    """Where a yes goes on to: the page the resident was going to (same site only), or 我的."""
    from portal.accounts.views import _next_url

    candidate = request.POST.get("next") or request.GET.get("next")
    return _next_url(request, candidate) if candidate else reverse("mine")


@resident_required
@require_http_methods(["GET", "POST"])
def agree(request, purpose):
    """One question, yes or no; a yes goes on to where the resident was going."""
    purpose = _purpose(purpose)
    next_url = _safe_next(request)
    answer = request.POST.get("answer") if request.method == "POST" else None
    if answer in ("yes", "no"):
        agreements.record_answer(request.user, purpose, answer == "yes", channel=Channel.WEB)
        if answer == "yes":
            return redirect(next_url)
        return render(request, "privacy/declined.html", {"question": agreements.question(purpose)})
    if agreements.has_agreed(request.user, purpose):
        return redirect(next_url)
    context = {"purpose": purpose, "question": agreements.question(purpose), "next": next_url}
    return render(request, "privacy/agree.html", context)


@resident_required
@require_http_methods(["GET", "POST"])
def my_agreements(request):
    """What the resident agreed to, each with a way to withdraw it (or to agree again)."""
    withdrawn = None
    if request.method == "POST" and request.POST.get("withdraw") in Purpose.values:
        withdrawn = Purpose(request.POST["withdraw"])
        if agreements.has_agreed(request.user, withdrawn):
            agreements.withdraw(request.user, withdrawn, channel=Channel.WEB)
    context = {
        "answers": agreements.answers_of(request.user),
        "withdrawn": withdrawn and agreements.question(withdrawn),
    }
    return render(request, "privacy/my_agreements.html", context)
