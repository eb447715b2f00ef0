from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HospitalConfig(AppConfig):
    name = "services.hospital"
    label = "hospital"
    verbose_name = _("Hospital booking")
