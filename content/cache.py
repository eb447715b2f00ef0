"""Clearing the cached copies of pages when something they show changes outside Wagtail.

Publishing a page clears its copies through ``wagtail.contrib.frontend_cache`` by itself;
what is shown on a page but lives elsewhere (last month's ratings) clears them here.
"""

from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache


def clear_service_pages(sender, *, services, **_):
    """Receiver of ``portal.signals.results_published``: the pages of ``services`` changed,
    in every language."""
    from content.models import ServicePage

    purge_pages_from_cache(ServicePage.objects.live().filter(service__in=services))
