"""Text size and contrast: chosen by the resident, remembered in cookies.

They work without JavaScript: the choice is a plain form post, and the server
puts a class on ``<html>``. (The identity work will keep them in the profile.)
"""

from django.utils.translation import gettext_lazy as _

TEXT_SIZES = {
    "standard": _("Standard (20 px)"),
    "large": _("Large (24 px)"),
    "extra": _("Extra large (32 px)"),
}
CONTRASTS = {"normal": _("Normal colours"), "high": _("High contrast (yellow on black)")}
SIZE_COOKIE = "text_size"
CONTRAST_COOKIE = "contrast"
COOKIE_AGE = 365 * 24 * 3600


def display_for(request):
    """The resident's text size and contrast: from the profile when signed in, else cookies.

    On a practice page (``portal.practice``) the made-up resident is signed in: the real
    person's choice is used, theirs or the cookies'."""
    practice = getattr(request, "practice", None)
    user = practice.real_resident if practice else getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(user, "text_size"):
        return {"size": user.text_size, "contrast": user.contrast}
    size = request.COOKIES.get(SIZE_COOKIE)
    contrast = request.COOKIES.get(CONTRAST_COOKIE)
    return {
        "size": size if size in TEXT_SIZES else "standard",
        "contrast": contrast if contrast in CONTRASTS else "normal",
    }


def remember(response, size, contrast, secure):
    for name, value in ((SIZE_COOKIE, size), (CONTRAST_COOKIE, contrast)):
        response.set_cookie(
            name, value, max_age=COOKIE_AGE, httponly=True, samesite="Lax", secure=secure
        )
    return response
