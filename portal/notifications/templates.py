"""Message texts in Chinese and English: short (a Chinese SMS segment is 70 characters)
and signed with the portal's name, the way residents expect an official SMS to look."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

SIGNATURE = _("[Silver Portal]")

TEMPLATES = {
    "sign_in_code": _(
        "Your sign-in code is %(code)s. It works for 10 minutes. Do not tell anyone."
    ),
    "welcome": _("Welcome, %(name)s. You can now use the portal. Call %(hotline)s for help."),
    # Text the caller has already written in the resident's language.
    "notice": "%(text)s",
}


class UnknownTemplate(KeyError):
    pass


def render(template, context, language):
    """The signed text of ``template`` in ``language``, filled from ``context``."""
    if template not in TEMPLATES:
        raise UnknownTemplate(template)
    with translation.override(language):
        return f"{SIGNATURE}{TEMPLATES[template] % context}"
