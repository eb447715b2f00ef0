from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "portal.consent"
    label = "consent"
    verbose_name = _("Consent")

    def ready(self):
        # A permission saved forgets that its grantee held none (portal/consent/grantees.py).
        from portal.consent import grantees  # noqa: F401
