from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxiConfig(AppConfig):
    name = "services.taxi"
    label = "taxi"
    verbose_name = _("One-tap taxi")
