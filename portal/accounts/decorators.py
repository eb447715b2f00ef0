from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def resident_required(view=None, *, return_to=None):
    """A resident's own pages: signed in, and a resident (staff accounts have none).

    Someone not signed in goes to sign in, then back to this page. A button's POST that
    finds the session ended is never replayed: they come back to a GET page, shown afresh.
    For a view that only takes POST, ``return_to`` names the page that shows its form
    (reversed with the view's URL arguments); without it, the page is this URL, which is
    right for a form that posts to the page showing it.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(_back_after_signin(request, return_to, args, kwargs))
            if not request.user.is_resident:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.login_required = True  # as Django's own decorator marks it
        return wrapper

    return decorate(view) if view is not None else decorate


def _back_after_signin(request, return_to, args, kwargs):
    if return_to and request.method not in ("GET", "HEAD"):
        # Without it, the POST-only address would be the sign-in's ``next``: a GET there
        # answers 405.
        return reverse(return_to, args=args, kwargs=kwargs)
    return request.get_full_path()
