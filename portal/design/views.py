from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portal.design.display import display_for, remember
from portal.design.forms import DisplayForm


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@require_http_methods(["GET", "POST"])
def display_settings(request):
    """Choose text size and contrast; then go back to the page the resident came from."""
    if request.method == "POST":
        form = DisplayForm(request.POST)
        if form.is_valid():
            if request.user.is_authenticated:  # the profile replaces the cookie
                request.user.text_size = form.cleaned_data["size"]
                request.user.contrast = form.cleaned_data["contrast"]
                request.user.save(update_fields=["text_size", "contrast"])
            response = redirect(_safe_next(request, form.cleaned_data["next"]))
            return remember(
                response,
                form.cleaned_data["size"],
                form.cleaned_data["contrast"],
                secure=request.is_secure(),
            )
    else:
        form = DisplayForm(initial={**display_for(request), "next": request.GET.get("next", "")})
    return render(request, "design/display_settings.html", {"form": form})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was sent with an out-of-date or missing security token.

    Nothing was done. The portal's own page, in the page's language (LocaleMiddleware has run),
    with a big button back to the form (the Referer, when it is this site) or else home. The
    form shown again carries a fresh token, so pressing its button then works.
    """
    back = request.META.get("HTTP_REFERER", "")
    same_site = bool(back) and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {
        "back_url": back if same_site else reverse("wagtail_serve", args=[""]),
        "back_to_form": same_site,
    }
    return render(request, "403_csrf.html", context, status=403)
