"""Content pages served from Django's cache (Redis at scale, files in var/ embedded).

A page that is the same for everyone who reads it in the same language, text size and
contrast is kept whole, headers included, the first time a signed-out visitor gets it, and
given to the next ones without running any view. What makes a page kept:

- it is a live, public Wagtail page (:func:`mark_wagtail_page`, a ``before_serve_page``
  hook, says so);
- the request is a plain GET (or HEAD) without a query string, and carries no cookie but the
  language, display and CSRF ones: anyone signed in, part-way through signing in, or with a
  message waiting has a session or message cookie and is never served from here;
- the response is a 200 that sets no cookie, used no CSRF token and is not private.

So nothing personal and no one person's CSRF token is kept. The inlined stylesheet is allowed
by its hash (``portal.design``'s ``{% inline_style %}``), not by a per-request nonce, so the
kept Content-Security-Policy header stays true. The key is the path (which carries the
language), the text size and the contrast.

What a page shows changes in three ways, each clearing what it affects (:mod:`content.cache`):
a page published (that page in every language, and the pages above it that list it), a
page unpublished, moved, renamed or deleted, or the hotline or a centre changed (every
page, by moving to a new generation of keys), and last month's ratings published (their
service pages). ``PAGE_CACHE_SECONDS`` bounds what nothing cleared.
"""

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

from portal.design.display import CONTRAST_COOKIE, CONTRASTS, SIZE_COOKIE, TEXT_SIZES

GENERATION_KEY = "page-cache:generation"
# Cookies that do not change a signed-out page beyond what the key holds.
HARMLESS_COOKIES = frozenset(
    {SIZE_COOKIE, CONTRAST_COOKIE, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
)
# Headers a kept page is given again; the rest (Date, the middleware's own) are made afresh.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Security-Policy",
    "Vary",
    "X-Frame-Options",
)


def mark_wagtail_page(page, request, serve_args, serve_kwargs):
    """``before_serve_page`` hook: a live, public page may be kept."""
    if not page.get_view_restrictions().exists():
        request.page_cacheable = True


def _display(cookies):
    size, contrast = cookies.get(SIZE_COOKIE), cookies.get(CONTRAST_COOKIE)
    return (
        size if size in TEXT_SIZES else "standard",
        contrast if contrast in CONTRASTS else "normal",
    )


def _cache():
    return caches["pages"]


def _generation():
    return _cache().get_or_set(GENERATION_KEY, 1, timeout=None)


def _key(generation, path, size, contrast):
    return f"page-cache:{generation}:{size}:{contrast}:{path}"


def remembered(name, make):
    """``make()``, kept with the pages: what every page shows (the help bar), made once for
    every page until something clears every page."""
    key = f"page-cache:{_generation()}:part:{name}"
    value = _cache().get(key)
    if value is None:
        value = make()
        _cache().set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def keys_for(paths):
    """Every kept copy's key of ``paths`` (each text size and contrast)."""
    generation = _generation()
    return [
        _key(generation, path, size, contrast)
        for path in paths
        for size in TEXT_SIZES
        for contrast in CONTRASTS
    ]


def clear_paths(paths):
    """Forget the kept copies of the pages at ``paths`` ("/en/services/taxi/")."""
    _cache().delete_many(keys_for(paths))


def clear_everything():
    """Forget every kept page: the next generation of keys starts empty."""
    try:
        _cache().incr(GENERATION_KEY)
    except ValueError:  # nothing kept yet
        _cache().set(GENERATION_KEY, 2, timeout=None)


def _may_serve(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and set(request.COOKIES) <= HARMLESS_COOKIES
    )


def _may_keep(request, response):
    control = response.get("Cache-Control", "")
    return (
        getattr(request, "page_cacheable", False)
        and response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in control
        and "no-cache" not in control
        and not getattr(response, "streaming", False)
    )


class PageCacheMiddleware:
    """Serve kept pages before anything else runs; keep the ones that may be kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_serve(request):
            return self.get_response(request)
        key = _key(_generation(), request.path, *_display(request.COOKIES))
        kept = _cache().get(key)
        if kept is not None:
            return _rebuilt(kept, head=request.method == "HEAD")
        response = self.get_response(request)
        if _may_keep(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            _cache().set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        return response


def _rebuilt(kept, head):
    content, headers = kept
    response = HttpResponse(b"" if head else content)
    for name, value in headers.items():
        response[name] = value
    if head:
        response["Content-Length"] = str(len(content))
    return response
