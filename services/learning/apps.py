from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "services.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self):
        import services.learning.closing
        import services.learning.my_data
        import services.learning.retention
        import services.learning.tasks  # noqa: F401 - the reminders' task, for beat
        from portal.audit.sentences import register_sentence

        register_sentence(
            "signed_up_for_learning",
            _("%(who)s signed you up for a learning session %(how)s."),
            own=_("You signed up for a learning session %(how)s."),
        )
        register_sentence(
            "waiting_for_learning",
            _("%(who)s put you on the waiting list of a learning session %(how)s."),
            own=_("You joined the waiting list of a learning session %(how)s."),
        )
        register_sentence(
            "moved_up_for_learning",
            _("%(who)s gave you a place that became free in a learning session %(how)s."),
        )
        register_sentence(
            "cancelled_learning_place",
            _("%(who)s cancelled your place in a learning session %(how)s."),
            own=_("You cancelled your place in a learning session %(how)s."),
        )
        register_sentence(
            "attended_learning",
            _("%(who)s wrote down %(how)s that you came to a learning session."),
        )
