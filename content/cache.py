"""Clearing the kept copies of pages when something they show changes (content.page_cache),
and asking a front-end cache in front of the portal (``wagtail.contrib.frontend_cache``, if
one is configured) to do the same for what changes outside Wagtail's publishing.

- a page published: that page in every language, and the pages above it that list it
  (published for the first time: every page);
- a page unpublished, deleted, moved or renamed, the hotline, a centre or the help bar
  changed: every page (links and the help bar are on every page);
- last month's ratings published: the service pages that show them.

A web server that starts (new code, new settings) clears every page too (``portal/wsgi.py``).
"""

from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache
from wagtail.models import Page

from content import page_cache


def paths_of(pages):
    """The paths of ``pages`` in every language, each with the live pages above it."""
    paths = set()
    for page in pages:
        for translation in page.get_translations(inclusive=True).live():
            for shown in [*translation.get_ancestors().live().filter(depth__gt=1), translation]:
                url = shown.get_url()
                if url:
                    paths.add(url)
    return paths


def clear_published_page(sender, instance, **_):
    """Receiver of ``page_published``: a page published for the first time may be linked
    from every page (the privacy notice in the footer), so it clears every page."""
    if instance.first_published_at == instance.last_published_at:
        page_cache.clear_everything()
    else:
        page_cache.clear_paths(paths_of([instance]))


def clear_every_page(sender=None, **_):
    """Receiver of what every page shows (links, the help bar) changing."""
    page_cache.clear_everything()


def clear_service_pages(sender, *, services, **_):
    """Receiver of ``portal.signals.results_published``: the pages of ``services`` changed,
    in every language."""
    from content.models import ServicePage

    pages = list(ServicePage.objects.live().filter(service__in=services))
    page_cache.clear_paths(paths_of(pages))
    purge_pages_from_cache(pages)


def connect():
    """Connect the receivers (from ``ContentConfig.ready``)."""
    from django.core.signals import setting_changed
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from content.models import CommunityCentre, HelpBarSettings, Hotline
    from portal.signals import results_published

    page_published.connect(clear_published_page, dispatch_uid="content.clear_published")
    for name, signal in (
        ("unpublished", page_unpublished),
        ("renamed", page_slug_changed),
        ("moved", post_page_move),
    ):
        signal.connect(clear_every_page, dispatch_uid=f"content.clear_all.page_{name}")
    post_delete.connect(clear_every_page, sender=Page, dispatch_uid="content.clear_all.delete")
    for model in (Hotline, CommunityCentre, HelpBarSettings):
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            uid = f"content.clear_all.{model.__name__}.{name}"
            signal.connect(clear_every_page, sender=model, dispatch_uid=uid)
    results_published.connect(clear_service_pages, dispatch_uid="content.clear_service_pages")
    # Tests change settings a page shows (the retention periods) without a restart.
    setting_changed.connect(clear_every_page, dispatch_uid="content.clear_all.settings")
