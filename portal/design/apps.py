from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignConfig(AppConfig):
    name = "portal.design"
    label = "design"
    verbose_name = _("Elder design system")
