from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxiConfig(AppConfig):
    name = "services.taxi"
    label = "taxi"
    verbose_name = _("One-tap taxi")

    def ready(self):
        import services.taxi.closing  # what closing an account erases
        import services.taxi.my_data  # noqa: F401 - what a resident's data download holds

        # Register the sentences operators' entries show on residents' audit pages.
        from services.taxi import phone_dispatch  # noqa: F401
        from services.taxi.rating import describe  # noqa: F401 - rides can be rated
        from services.taxi.retention import forget_old_rides  # noqa: F401 - registers it
