from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Content")

    def ready(self):
        from content.cache import clear_service_pages
        from portal.signals import results_published

        results_published.connect(clear_service_pages, dispatch_uid="content.clear_service_pages")
