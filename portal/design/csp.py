"""The inline stylesheets' hashes into the page's Content-Security-Policy.

``{% inline_style %}`` (``portal.design.templatetags.design_tags``) notes each stylesheet's
hash on the request; this middleware, placed after django-csp's, adds them to ``style-src``
before django-csp writes the header.
"""


class StyleHashesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hashes = getattr(request, "csp_style_hashes", None)
        if hashes:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["style-src"] = [*update.get("style-src", []), *sorted(hashes)]
            response._csp_update = update
        return response
