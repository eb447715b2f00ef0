from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from portal.audit import retention  # noqa: F401 - the one path that removes entries
