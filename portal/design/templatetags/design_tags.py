"""Template tags of the elder design system."""

import base64
import hashlib
from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.design.icons import icon_svg

register = template.Library()


def _read_css():
    with open(finders.find("design/portal.css"), encoding="utf-8") as handle:
        return handle.read()


_cached_css = lru_cache(maxsize=1)(_read_css)


@lru_cache(maxsize=64)
def style_hash(css):
    """The CSP source that allows the inline stylesheet ``css``: ``'sha256-...'``."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@register.tag
def inline_style(parser, token):
    """``{% inline_style %}css{% endinline_style %}``: a ``<style>`` allowed by its hash in
    the page's Content-Security-Policy (``portal.design.csp``), not by a per-request nonce,
    so a page kept in the page cache keeps a true policy."""
    nodelist = parser.parse(("endinline_style",))
    parser.delete_first_token()
    return InlineStyleNode(nodelist)


class InlineStyleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        css = self.nodelist.render(context)
        request = context.get("request")
        if request is not None:
            if not hasattr(request, "csp_style_hashes"):
                request.csp_style_hashes = set()
            request.csp_style_hashes.add(style_hash(css))
        return mark_safe(f"<style>{css}</style>")  # noqa: S308 - our own stylesheets


@register.simple_tag
def inline_css():
    """The whole stylesheet, inlined: one round trip gives a styled page."""
    css = _read_css() if settings.DEBUG else _cached_css()
    return mark_safe(css)  # noqa: S308 - our own static file, not user input


@register.simple_tag
def html_lang():
    """The active language as a BCP 47 tag for ``<html lang>`` (``zh-Hans``, ``en``)."""
    code = get_language() or settings.LANGUAGE_CODE
    if code.lower() == "zh-hans":
        return "zh-Hans"
    return code


@register.simple_tag
def icon(name):
    return mark_safe(icon_svg(name))  # noqa: S308 - fixed markup from icons.py


@lru_cache(maxsize=4096)
def _translated(path, code):
    """``path`` in language ``code``: the URL patterns alone decide, so it is worked out once."""
    from django.urls import get_script_prefix, translate_url

    # Under a script prefix (a practice page, portal.practice) the page's own path follows it.
    prefix = get_script_prefix()
    inner = path[len(prefix) - 1 :] if path.startswith(prefix) else path
    translated = translate_url(inner, code)
    return path if translated == inner else translated


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language, to this same page in that language.

    A Wagtail page links to its translation (or that language's home page when
    it has none yet); any other view links to the same URL with the other prefix.
    """
    from wagtail.models import Locale, Page, Site

    request = context["request"]
    page = context.get("page")
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if isinstance(page, Page):
            locale = Locale.objects.filter(language_code=code).first()
            target = page.get_translation_or_none(locale) if locale else None
            if target is None or not target.live:
                site = Site.find_for_request(request)
                root = site.root_page.get_translation_or_none(locale) if site and locale else None
                target = root if root is not None and root.live else None
            url = target.url if target is not None else None
        else:
            url = _translated(request.get_full_path(), code)
        if url:
            links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag
def field_widget(field, size=""):
    """A form field's input, tied to its hint and error for screen readers."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {"class": f"input input-{size}" if size else "input"}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
