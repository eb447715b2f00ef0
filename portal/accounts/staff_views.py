"""The authenticator (TOTP) step for staff: enrol once with a QR code, then a code each sign-in."""

import base64
import math
import unicodedata

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.staff_security import KEPT_KEY


class AuthenticatorForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code from your authenticator app"),
        max_length=10,
        error_messages={"required": _("Enter the code your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request):
    candidate = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return "/admin/"


@login_required(login_url="wagtailadmin_login")
@require_http_methods(["GET", "POST"])
def staff_2fa(request):
    """Verify with the authenticator; a first-time staff member enrols it here."""
    if not request.user.is_staff:
        return HttpResponseForbidden()
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    device = None
    if not confirmed:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        device = device or TOTPDevice.objects.create(
            user=request.user, name="authenticator", confirmed=False
        )
    form = AuthenticatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wait = _seconds_to_wait(request.user) if confirmed else 0
        if wait:  # too many wrong codes: even a right one is not tried now, so say so
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)s second, then try again.",
                    "Too many wrong codes. Wait %(seconds)s seconds, then try again.",
                    wait,
                )
                % {"seconds": wait},
            )
        else:
            # Full-width digits (what Chinese input methods type) become ASCII, as on every
            # code box.
            code = "".join(unicodedata.normalize("NFKC", form.cleaned_data["code"]).split())
            verified = match_token(request.user, code) if confirmed else _confirm(device, code)
            if verified is not None:
                otp_login(request, verified)
                return redirect(_next(request))
            form.add_error("code", _("That code is not right. Use the newest code in the app."))
    context = {"form": form, "next": _next(request), "enrolling": not confirmed}
    if device is not None:
        context["qr_svg"] = mark_safe(  # noqa: S308 - segno's own SVG of our URL
            segno.make(device.config_url).svg_inline(scale=5, dark="#000", light="#fff")
        )
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/staff_2fa.html", context)


def _seconds_to_wait(user):
    """How long django-otp's throttling holds ``user``'s authenticator back (0: not at all)."""
    waits = []
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    return max([0, *waits])


def _confirm(device, code):
    if device.verify_token(code):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device
    return None


@require_POST
def staff_session_extend(request):
    """Called by the time-out warning's "stay signed in" button.

    StaffSecurityMiddleware renews the session on any request when a minute has passed
    since the last renewal, as it has by the time the warning shows.
    """
    if not (request.user.is_authenticated and request.user.is_staff):
        return HttpResponseForbidden()
    return HttpResponse(status=204)


@login_required(login_url="wagtailadmin_login")
def staff_resubmit(request):
    """After signing in again: the form that was sent when the session had ended, to send again.

    Shown once, and only to the staff member who typed it (the middleware signs the
    person out of the old session and keeps it under their id).
    """
    kept = request.session.pop(KEPT_KEY, None)
    if not kept or not request.user.is_staff or kept.get("user") != request.user.pk:
        return redirect("/admin/")
    return render(request, "accounts/staff_resubmit.html", {"kept": kept})
