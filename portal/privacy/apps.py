from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "portal.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        import portal.privacy.closing  # noqa: F401 - what closing an account erases
        from portal.audit.sentences import register_sentence
        from portal.privacy import (  # noqa: F401 - register the portal's own sections, and
            agreements,  # the audit sentences of agreements
            sections,
        )

        register_sentence(
            "viewed_my_data",
            _("%(who)s looked at everything the portal holds about you %(how)s."),
            own=_("You looked at everything the portal holds about you %(how)s."),
        )
        register_sentence(
            "downloaded_my_data",
            _("%(who)s downloaded a copy of everything the portal holds about you %(how)s."),
            own=_("You downloaded a copy of everything the portal holds about you %(how)s."),
        )
