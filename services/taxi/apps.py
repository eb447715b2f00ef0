from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxiConfig(AppConfig):
    name = "services.taxi"
    label = "taxi"
    verbose_name = _("One-tap taxi")

    def ready(self):
        # Register the sentences operators' entries show on residents' audit pages.
        from services.taxi import phone_dispatch  # noqa: F401
