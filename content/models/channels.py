"""Help channels editors maintain: the hotline and the community service centres.

They are snippets, so one change shows everywhere: the help bar on every page
and the "by phone" / "at a centre" parts of every service page.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet


class Hotline(TranslatableMixin, models.Model):
    """A phone line residents can call, such as the portal's one-key service line."""

    name = models.CharField(
        _("name"),
        max_length=60,
        help_text=_("What residents call it, for example 为老服务一键通."),
    )
    number = models.CharField(
        _("number as written"),
        max_length=30,
        help_text=_("Written the way residents read it, for example 962-200."),
    )
    dial = models.CharField(
        _("number to dial"),
        max_length=20,
        help_text=_("Digits only, used for the tap-to-call link, for example 962200."),
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=80,
        help_text=_("In plain words, for example 每天 8:00 至 20:00."),
    )
    typical_wait = models.CharField(
        _("typical wait"),
        max_length=80,
        blank=True,
        help_text=_("Optional. For example 通常 2 分钟内接听."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("number"),
        FieldPanel("dial"),
        FieldPanel("hours"),
        FieldPanel("typical_wait"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self):
        return f"{self.name} {self.number}"


class CommunityCentre(TranslatableMixin, index.Indexed, models.Model):
    """A community service centre with a counter where staff do services for residents."""

    name = models.CharField(
        _("name"), max_length=80, help_text=_("The name on the door of the centre.")
    )
    district = models.CharField(
        _("district"),
        max_length=40,
        help_text=_("The district residents know it by, for example 静安区."),
    )
    address = models.CharField(
        _("address"),
        max_length=160,
        help_text=_("Street and number, and a landmark if it helps, for example 近地铁站 2 号口."),
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=80,
        help_text=_("In plain words, for example 周一至周六 9:00 至 17:00."),
    )
    phone = models.CharField(
        _("phone"), max_length=30, help_text=_("The centre's own number, as written.")
    )
    dial = models.CharField(
        _("number to dial"), max_length=20, help_text=_("Digits only, for the tap-to-call link.")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("district"),
        FieldPanel("address"),
        FieldPanel("hours"),
        FieldPanel("phone"),
        FieldPanel("dial"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("district"),
        index.SearchField("address"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("community service centre")
        verbose_name_plural = _("community service centres")
        ordering = ["district", "name"]

    def __str__(self):
        return f"{self.name} ({self.district})"


register_snippet(Hotline)
register_snippet(CommunityCentre)
