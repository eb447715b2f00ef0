from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Register the sentences these actions show on residents' audit pages, the
        # forgetting of old sign-in code records, and of kept signed-in residents.
        from portal.accounts import (  # noqa: F401
            enrolment,
            phone_change,
            resident_backend,
            retention,
        )
