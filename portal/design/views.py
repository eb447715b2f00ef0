from django.shortcuts import redirect, render
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
