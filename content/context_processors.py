from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from content import page_cache


def _help_bar(request):
    from wagtail.models import Site

    from content.models import HelpBarSettings, Hotline
    from services.registry import service_url

    site = Site.find_for_request(request)
    settings = HelpBarSettings.for_site(site) if site else None
    hotline = settings.hotline if settings else None
    if hotline is None:
        hotline = Hotline.objects.filter(locale__language_code=_language()).first()
    # In the page's language, never a copy still holding the other language's words.
    hotline = hotline.for_reader() if hotline else None
    ask_url = service_url("assist")
    if ask_url is None and settings and settings.ask_page:
        ask_url = settings.ask_page.localized.url
    if ask_url is None:
        ask_url = f"tel:{hotline.dial}" if hotline else "/"
    return {"hotline": hotline, "ask_url": ask_url, "privacy_url": _privacy_url()}


def _privacy_url():
    """The privacy notice in the page's language (or the one there is), or None."""
    from content.models import PrivacyNoticePage

    notices = PrivacyNoticePage.objects.live().public()
    notice = notices.filter(locale__language_code=_language()).first() or notices.first()
    return notice.url if notice else None


def _language():
    from wagtail.models import Locale

    return Locale.get_active().language_code


def help_bar(request):
    """The hotline, the 'ask a person' link and the privacy notice's address, looked up only
    when a page shows them, and kept with the pages (what changes them clears every page)."""
    return {
        "help_bar": SimpleLazyObject(
            lambda: page_cache.remembered(
                f"help-bar:{request.get_host()}:{get_language()}", lambda: _help_bar(request)
            )
        )
    }
