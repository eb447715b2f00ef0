from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HospitalConfig(AppConfig):
    name = "services.hospital"
    label = "hospital"
    verbose_name = _("Hospital booking")

    def ready(self):
        import services.hospital.closing  # noqa: F401 - what closing an account erases
        from portal.audit.sentences import register_sentence
        from services.hospital import my_data  # noqa: F401 - what a resident's data download holds
        from services.hospital.rating import describe  # noqa: F401 - appointments can be rated
        from services.hospital.retention import forget_old_appointments  # noqa: F401

        register_sentence(
            "saved_identity",
            _("%(who)s saved your real name and ID number for hospital booking %(how)s."),
            own=_("You saved your real name and ID number for hospital booking %(how)s."),
        )
