from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "services.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self):
        import services.applications.closing
        import services.applications.my_data
        import services.applications.rating
        import services.applications.retention  # noqa: F401 - registers the forgetting
        from portal.audit.sentences import register_sentence

        register_sentence(
            "sent_application",
            _("%(who)s sent your application for %(label)s (%(number)s) %(how)s."),
            own=_("You sent your application for %(label)s (%(number)s) %(how)s."),
        )
        register_sentence(
            "accepted_application",
            _("%(who)s began checking your application for %(label)s (%(number)s) %(how)s."),
        )
        register_sentence(
            "asked_for_document",
            _("%(who)s asked for a document for your application %(number)s %(how)s."),
        )
        register_sentence(
            "approved_application",
            _("%(who)s approved your application for %(label)s (%(number)s) %(how)s."),
        )
        register_sentence(
            "refused_application",
            _("%(who)s did not approve your application for %(label)s (%(number)s) %(how)s."),
        )
