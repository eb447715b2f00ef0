"""Webhooks Twilio calls (status callbacks, calls, texts): one check of its signature.

Twilio signs each request with the account's auth token over the URL it called and the posted
form. The URL is rebuilt from ``PUBLIC_BASE_URL``: behind a TLS proxy
``request.build_absolute_uri()`` would say http://internal-host and every signature would fail.
"""

import functools

from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator


def signed_by_twilio(request):
    """True when ``request`` carries Twilio's valid signature (never without an auth token)."""
    if not settings.TWILIO_AUTH_TOKEN:
        return False
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(
        url, request.POST.dict(), signature
    )


def twilio_webhook(view):
    """A view Twilio posts to: no CSRF token (the signature stands for it), POST only, 403
    without a valid signature."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not signed_by_twilio(request):
            return HttpResponseForbidden("bad signature")
        return view(request, *args, **kwargs)

    return checked
