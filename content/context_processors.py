from django.utils.functional import SimpleLazyObject


def _help_bar(request):
    from wagtail.models import Site

    from content.models import HelpBarSettings, Hotline
    from services.registry import service_url

    site = Site.find_for_request(request)
    settings = HelpBarSettings.for_site(site) if site else None
    hotline = settings.hotline if settings else None
    if hotline is not None:
        hotline = hotline.localized
    else:
        hotline = Hotline.objects.filter(locale__language_code=_language()).first()
    ask_url = service_url("assist")
    if ask_url is None and settings and settings.ask_page:
        ask_url = settings.ask_page.localized.url
    if ask_url is None:
        ask_url = f"tel:{hotline.dial}" if hotline else "/"
    return {"hotline": hotline, "ask_url": ask_url}


def _language():
    from wagtail.models import Locale

    return Locale.get_active().language_code


def help_bar(request):
    """The hotline and the 'ask a person' link, looked up only when a page shows them."""
    return {"help_bar": SimpleLazyObject(lambda: _help_bar(request))}
