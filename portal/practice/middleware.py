"""Practice runs: the real taxi and hospital pages under ``/practice/``, where nothing is kept.

``/practice`` + a page's real path (``/practice/taxi/``, ``/practice/en/hospital/``) runs that
page's own view, template and service api, with three differences:

- **nothing is written**: the request runs inside one transaction that is always rolled back,
  so no ride, appointment, audit entry or outbox row is kept; what waits for a commit (the
  dispatch, every text message, the Celery tasks) never starts; and a hospital's own booking
  system is not asked (``portal.practice.state``, read by the hospital's ``get_provider``);
- **a made-up resident acts** (``portal.practice.resident``), signed in or not, so nothing of
  a real resident's is read or changed;
- **a session of its own**, under its own cookie, so a real flow in progress (the taxi's other
  choices, a hospital visit half chosen) is not touched. It is the one thing kept, saved after
  the rollback.

Two middlewares do it. :class:`PracticePathMiddleware` (before the language is chosen) takes
``/practice`` off the path and puts it in the script prefix, so ``reverse()``, ``redirect()``
and ``{% url %}`` in the real views keep the resident inside practice. :class:`PracticeMiddleware`
(after sign-in is known) lets only the practised services' pages through, swaps the session
and the user, and runs the rest of the request in the rolled-back transaction.

A practice ends when the button that books answers with the page of what it made (the ride,
the slip): that page is shown at once, in the same transaction (on the next request the ride
is gone), with the "well done" panel. A later look at it finds it gone: the practice-over page.
"""

from dataclasses import dataclass, field
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import transaction
from django.http import HttpResponseNotFound, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import (
    NoReverseMatch,
    Resolver404,
    get_script_prefix,
    resolve,
    reverse,
    set_script_prefix,
)
from django.utils.cache import patch_vary_headers
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme

from portal.practice import resident as made_up
from portal.practice.state import practice_run
from services import registry

# The path segment a practice page's address starts with (registry.PRACTICE_PREFIX's).
SEGMENT = registry.PRACTICE_PREFIX.strip("/")
COOKIE_NAME = "practice_session"
# A practice run is short: its session (answers so far, which made-up resident) goes after this.
PRACTICE_SECONDS = 2 * 3600
# Pages that show what the button before them made: the end of a practice run.
FINISHING = {"taxi:ride", "hospital:slip"}
# Pages about something a practice made, which is gone once its request ended.
GONE_AFTERWARDS = {"taxi:ride", "taxi:cancel", "hospital:slip", "hospital:cancel"}
# Polled by the ride page's script: the practice ride is gone, so answer at once, writing nothing.
POLLED = {"taxi:ride_status"}


@dataclass
class Practice:
    """What the practice pages need to know (``request.practice``; templates read it)."""

    real_prefix: str
    service: str = ""
    done: bool = False
    resident_name: str = ""
    # Real addresses (outside practice), worked out before the script prefix changes.
    service_url: str = ""
    again_url: str = ""
    end_url: str = "/"
    remember_url: str = ""
    # The signed-in resident, if any: they may keep that they learned this.
    real_resident: object = field(default=None, repr=False)


class PracticePathMiddleware:
    """``/practice/...``: the rest is the page's path; ``/practice/`` joins the script prefix.

    Before ``LocaleMiddleware``, so ``/practice/en/taxi/`` is read as an English page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        own = f"/{SEGMENT}"
        if path != own and not path.startswith(f"{own}/"):
            return self.get_response(request)
        real_prefix = get_script_prefix()
        request.path_info = path[len(own) :] or "/"
        request.practice = Practice(real_prefix=real_prefix)
        set_script_prefix(f"{real_prefix}{SEGMENT}/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(real_prefix)


class PracticeMiddleware:
    """Runs a practice request: a practised service's page only, as the made-up resident, in
    its own session, inside a transaction that is rolled back.

    After the sign-in middlewares (the real person is known) and before the messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        run = getattr(request, "practice", None)
        if run is None:
            return self.get_response(request)
        match = _resolve(request.path_info)
        if match is None or match.namespace not in registry.PRACTISED:
            return _leave(request, run)
        if match.view_name in POLLED:
            return HttpResponseNotFound()
        user = request.user
        _prepare(request, run, match.namespace, user)
        real_session = request.session
        store = import_module(settings.SESSION_ENGINE).SessionStore(
            request.COOKIES.get(COOKIE_NAME)
        )
        request.session = store
        try:
            with practice_run(), transaction.atomic():
                request.user = made_up.make(made_up.number_for(store))
                response = self.get_response(request)
                finished = _finished(request, response)
                if finished is not None:
                    response = self._follow(request, *finished)
                if response.status_code == 404 and (finished or match.view_name in GONE_AFTERWARDS):
                    # What an earlier practice request made (a second tap names it): gone.
                    response = render(request, "practice/over.html", status=410)
                transaction.set_rollback(True)
        finally:
            request.session = real_session
            request.user = user
        _keep(store, response, run)
        return response

    def _follow(self, request, location, path_info):
        """Answer with the page the redirect names, as a GET in this same transaction."""
        request.method = request.META["REQUEST_METHOD"] = "GET"
        request.META["QUERY_STRING"] = location.query
        request.path, request.path_info = location.path, path_info
        request.GET = QueryDict(location.query)
        request.POST = QueryDict()
        request._files = MultiValueDict()
        request.resolver_match = None
        request.practice.done = True
        return self.get_response(request)


def _resolve(path_info):
    try:
        return resolve(path_info)
    except Resolver404:
        return None


def _leave(request, run):
    """Not a practised page: the same page for real (a POST goes there as it was sent)."""
    target = run.real_prefix + request.path_info.lstrip("/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = run.real_prefix
    if request.method in ("GET", "HEAD") and request.META.get("QUERY_STRING"):
        target = f"{target}?{request.META['QUERY_STRING']}"
    response = HttpResponseRedirect(target)
    if request.method not in ("GET", "HEAD"):
        response.status_code = 307  # leaves practice with the form as sent (sign out)
    return response


def _prepare(request, run, service, user):
    """Fill in ``run``: the real addresses, and the signed-in resident if there is one."""
    run.service = service
    run.resident_name = made_up.name()
    practice_prefix = get_script_prefix()
    run.again_url = registry.service_url(service) or practice_prefix  # reversed in practice
    set_script_prefix(run.real_prefix)
    try:
        run.service_url = registry.service_url(service) or run.real_prefix
        run.end_url = reverse("wagtail_serve", args=[""])
        try:
            run.remember_url = reverse("learning:remember")
        except NoReverseMatch:  # not built yet: no button
            run.remember_url = ""
        _warm_help_bar(request)
    finally:
        set_script_prefix(practice_prefix)
    # Read from the real session, before it is swapped (the user is loaded lazily from it).
    if user.is_authenticated and getattr(user, "is_resident", False):
        run.real_resident = user


def _warm_help_bar(request):
    """Make sure the help bar kept for every page was made with real addresses.

    It is kept with the content pages, for every reader (``content.page_cache.remembered``):
    made first on a practice page it would send everyone to ``/practice/help/``.
    """
    from content.context_processors import help_bar

    help_bar(request)["help_bar"].get("ask_url")


def _finished(request, response):
    """(location, path_info) when a practice POST answers with the page of what it made."""
    if request.method != "POST" or response.status_code not in (301, 302, 303):
        return None
    location = urlsplit(response.get("Location", ""))
    prefix = get_script_prefix()
    if location.scheme or location.netloc or not location.path.startswith(prefix):
        return None
    path_info = "/" + location.path[len(prefix) :]
    match = _resolve(path_info)
    if match is None or match.view_name not in FINISHING:
        return None
    return location, path_info


def _keep(store, response, run):
    """Save the practice session (outside the rolled-back transaction) and its cookie."""
    if not store.accessed:
        return
    patch_vary_headers(response, ("Cookie",))
    if not store.modified or store.is_empty():
        return
    if store.session_key is None and set(store.keys()) <= {made_up.SESSION_KEY}:
        # A first look that chose nothing (a crawler, a glance): a new made-up resident next
        # time does no harm, and the session table does not fill up with them.
        return
    store.set_expiry(PRACTICE_SECONDS)
    try:
        store.save()
    except UpdateError:  # ended meanwhile: the next page starts a new practice
        return
    response.set_cookie(
        COOKIE_NAME,
        store.session_key,
        max_age=PRACTICE_SECONDS,
        path=f"{run.real_prefix}{SEGMENT}/",
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
