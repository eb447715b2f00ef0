"""Pages with personal data are never kept by a browser or a cache on the way.

A resident's profile, saved places, family, slips, appointments, rides and audit log, and
every staff page, are shown only to someone signed in. Marking each view would miss the next
one, so this middleware marks every response to a signed-in person, and everything under
``/admin/`` (its sign-in page included), ``Cache-Control: no-store``: the back button on a
shared computer, or a proxy, then cannot show them to the next person. Pages for anonymous
visitors keep their caching.
"""

from django.utils.cache import add_never_cache_headers

ADMIN_PREFIX = "/admin/"


class PrivatePagesMiddleware:
    """Adds ``no-store`` for signed-in people and the admin, unless the view chose its own
    ``Cache-Control`` (it knows best what its response holds)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        # Read after the view, so the page that answers a sign-in is covered too.
        if (user is not None and user.is_authenticated) or request.path_info.startswith(
            ADMIN_PREFIX
        ):
            add_never_cache_headers(response)
        return response
