from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "portal.ratings"
    label = "ratings"
    verbose_name = _("Ratings")

    def ready(self):
        from portal.audit.sentences import register_sentence

        register_sentence(
            "rated",
            _("%(who)s wrote down how satisfied you were %(how)s (%(level)s out of 5)."),
            own=_("You said how satisfied you were %(how)s (%(level)s out of 5)."),
        )
        register_sentence(
            "changed_rating",
            _("%(who)s changed how satisfied you were %(how)s (now %(level)s out of 5)."),
            own=_("You changed how satisfied you were %(how)s (now %(level)s out of 5)."),
        )
