from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistConfig(AppConfig):
    name = "assist"
    verbose_name = _("Help requests")

    def ready(self):
        from assist import (  # noqa: F401 - listens to the services; registers its forgetting
            closing,  # what closing an account erases
            my_data,  # and what a resident's data download holds
            receivers,
            retention,
        )
        from assist.opening import next_open
        from content.hotline import register_desk_hours
        from portal.audit.sentences import register_sentence

        register_desk_hours(next_open)

        register_sentence(
            "held_request",
            _("%(who)s took your request for help."),
        )
