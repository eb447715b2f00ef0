"""Staff sign-in rules: password plus an authenticator app on every staff page,
30 minutes idle and 12 hours at most per session (NIST AAL2, elder-ux.md).

Residents are not affected: they sign in with phone codes and stay signed in.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

STARTED_KEY = "staff_session_started"
KEPT_KEY = "staff_kept_form"


def staff_path(path):
    return path.startswith("/admin/")


def _exempt(path):
    return path.startswith(("/admin/login/", "/admin/logout/", "/static/"))


class StaffSecurityMiddleware:
    """Put after django_otp's OTPMiddleware, which gives ``user.is_verified()``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            now = time.time()
            started = request.session.setdefault(STARTED_KEY, now)
            if now - started > settings.STAFF_SESSION_MAX_SECONDS:
                logout(request)
                _keep_what_was_typed(request)
                return redirect(
                    f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.path})}"
                )
            # A rolling expiry: each request pushes the idle time-out back.
            request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
            if staff_path(request.path) and not _exempt(request.path) and not user.is_verified():
                return redirect(f"{reverse('staff_2fa')}?{urlencode({'next': request.path})}")
            kept = request.session.get(KEPT_KEY)
            if request.method == "GET" and kept and kept["path"] == request.path:
                return redirect("staff_resubmit")
        elif staff_path(request.path) and not _exempt(request.path):
            _keep_what_was_typed(request)
        return self.get_response(request)


def _keep_what_was_typed(request):
    """A form posted after the session ended: keep its fields for after signing in again.

    Without JavaScript nobody saw the warning, so the next action is the first sign
    of the time-out; the staff member must not lose what they typed. (Files are not
    kept: they would have to be uploaded again.)
    """
    if request.method != "POST":
        return
    fields = [
        (name, values) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"
    ]
    request.session[KEPT_KEY] = {"path": request.path, "fields": fields}
