"""Site-wide choices editors make once: the hotline in the help bar, where "ask a person" goes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="help")
class HelpBarSettings(BaseSiteSetting):
    """What the help bar on every page shows."""

    hotline = models.ForeignKey(
        "content.Hotline",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hotline"),
        help_text=_("The number shown on every page. Its translation is used on English pages."),
    )
    ask_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("'ask a person' page"),
        help_text=_("Where the 'ask a person to help me' button goes."),
    )

    panels = [FieldPanel("hotline"), FieldPanel("ask_page")]

    class Meta:
        verbose_name = _("help bar")
