"""Staff sign-in rules: password plus an authenticator app on every staff page,
30 minutes idle and 12 hours at most per session (NIST AAL2, elder-ux.md); and the
sliding session expiry for everyone who is signed in.

Residents sign in with phone codes and stay signed in for 30 days from their last visit.
"""

import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

STARTED_KEY = "staff_session_started"
KEPT_KEY = "staff_kept_form"
RENEWED_KEY = "session_renewed_at"

# Fields never kept for later, whatever form they come from: the session store is no
# place for a password, and a token or code is useless once replayed.
_SECRET_FIELD = re.compile(r"pass|secret|token|otp|csrf|api_?key|private", re.IGNORECASE)


def staff_path(path):
    return path.startswith("/admin/")


def _exempt(path):
    return path.startswith(("/admin/login/", "/admin/logout/", "/static/"))


def _is_authenticator_step(path):
    try:
        return resolve(path).url_name == "staff_2fa"
    except Resolver404:
        return False


class StaffSecurityMiddleware:
    """Put after django_otp's OTPMiddleware, which gives ``user.is_verified()``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            _forget_someone_elses_form(request, user)
        if user.is_authenticated and user.is_staff:
            response = _staff_rules(request, user)
            if response is not None:
                return response
        elif user.is_authenticated:
            renew_when_due(request, settings.SESSION_COOKIE_AGE, settings.SESSION_RENEW_SECONDS)
        return self.get_response(request)


def _staff_rules(request, user):
    """A response that stops the request (sign in again, the authenticator), or None."""
    now = time.time()
    started = request.session.setdefault(STARTED_KEY, now)
    if now - started > settings.STAFF_SESSION_MAX_SECONDS:
        return _end_long_session(request, user)
    renew_when_due(request, settings.STAFF_IDLE_SECONDS, settings.STAFF_SESSION_RENEW_SECONDS)
    if not user.is_verified():
        return _half_signed_in(request)
    kept = request.session.get(KEPT_KEY)
    if request.method == "GET" and kept and kept["path"] == request.path:
        return redirect("staff_resubmit")
    return None


def _forget_someone_elses_form(request, user):
    """A form kept at the 12-hour limit is only ever for the person who typed it.

    It waits in the browser's session after the sign-out, and signing in keeps the
    session's data, so whoever signs in next on that computer would carry it.
    """
    kept = request.session.get(KEPT_KEY)
    if kept and kept.get("user") != user.pk:
        del request.session[KEPT_KEY]


def _half_signed_in(request):
    """Password given, authenticator not yet: only the authenticator step is open.

    Everywhere else the person counts as signed out, so no page that needs a
    signed-in user (a resident's name, address, ...) lets them change anything.
    """
    path = request.path
    if staff_path(path) and not _exempt(path):
        return redirect(f"{reverse('staff_2fa')}?{urlencode({'next': path})}")
    if not (_exempt(path) or _is_authenticator_step(request.path_info)):
        _treat_as_signed_out(request)
    return None


def _treat_as_signed_out(request):
    request.user = AnonymousUser()

    async def anonymous():
        return request.user

    request.auser = anonymous


def _end_long_session(request, user):
    """Twelve hours are up: sign out, keeping a half-typed staff form for the same person."""
    kept = _form_to_keep(request, user)
    logout(request)
    if kept is not None:
        request.session[KEPT_KEY] = kept
    return redirect(f"{reverse('wagtailadmin_login')}?{urlencode({'next': request.path})}")


def _form_to_keep(request, user):
    """The fields of a staff form sent just after the 12-hour limit, or None.

    Without JavaScript nobody saw a warning, so the save is the first sign of the
    limit; the staff member must not lose what they typed. Only a verified staff
    member's own admin form that passed the CSRF check is kept (a forged cross-site
    form must never come back as "your changes"), without anything secret, and only
    for them. Files are not kept: they would have to be uploaded again.
    """
    if request.method != "POST" or not staff_path(request.path) or _exempt(request.path):
        return None
    if not user.is_verified() or not _passes_csrf_check(request):
        return None
    fields = [
        (name, values) for name, values in request.POST.lists() if not _SECRET_FIELD.search(name)
    ]
    return {"path": request.path, "user": user.pk, "fields": fields}


def _passes_csrf_check(request):
    """Django's own CSRF check, now: CsrfViewMiddleware only runs it just before the view."""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None


def renew_when_due(request, age, every):
    """Push the session's expiry ``age`` seconds ahead, at most once every ``every`` seconds.

    Renewing means saving the session, a database write; doing it on every request made
    a read-only page fail while another process held SQLite's write lock. The expiry
    therefore runs from the last renewal, up to ``every`` seconds before the last visit.
    """
    session = request.session
    now = time.time()
    if session.get_expiry_age() == age and now - session.get(RENEWED_KEY, 0) < every:
        return
    session[RENEWED_KEY] = now
    session.set_expiry(age)
