from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Messages to residents")

    def ready(self):
        import portal.notifications.closing  # noqa: F401 - what closing an account erases
        from portal.notifications import retention  # noqa: F401 - registers its forgetting
