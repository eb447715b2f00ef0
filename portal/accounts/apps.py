from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Register the sentences these actions show on residents' audit pages, and the
        # forgetting of old sign-in code records.
        from portal.accounts import enrolment, phone_change, retention  # noqa: F401
