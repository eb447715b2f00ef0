from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HospitalConfig(AppConfig):
    name = "services.hospital"
    label = "hospital"
    verbose_name = _("Hospital booking")

    def ready(self):
        from portal.audit.sentences import register_sentence

        register_sentence(
            "saved_identity",
            _("%(who)s saved your real name and ID number for hospital booking %(how)s."),
            own=_("You saved your real name and ID number for hospital booking %(how)s."),
        )
