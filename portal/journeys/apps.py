from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "portal.journeys"
    label = "journeys"
    verbose_name = _("Journeys")

    def ready(self):
        from portal.journeys import retention  # noqa: F401 - registers its forgetting
