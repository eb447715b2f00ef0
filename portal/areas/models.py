"""Districts (区) and streets (街道 or 镇), and the community service centre serving each street.

Editors keep them in the admin; ``portal.areas.shanghai`` loads Shanghai's as a start.
Names are in Chinese, the way residents know them, with an optional English name shown to
those who read the portal in English.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


def _in_english():
    return (translation.get_language() or "").lower().startswith("en")


def _label(name, name_en):
    """``name_en`` when the active language is English and there is one, else ``name``."""
    return name_en if name_en and _in_english() else name


class District(models.Model):
    """A district of the city (区), such as 静安区."""

    name = models.CharField(
        _("name (Chinese)"),
        max_length=40,
        unique=True,
        help_text=_("The Chinese name, for example 静安区."),
    )
    name_en = models.CharField(
        _("name (English)"),
        max_length=60,
        blank=True,
        help_text=_("Optional. Shown to residents who read English, for example Jing'an District."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Lower numbers come first in lists."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return _label(self.name, self.name_en)


class StreetQuerySet(models.QuerySet):
    def for_choice(self):
        """Streets with their district, in the order they are offered to choose from."""
        return self.select_related("district").order_by(
            "district__sort_order", "district__name", "name"
        )


class Street(models.Model):
    """A street (街道) or town (镇) of a district: the area a community centre serves."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="streets",
        verbose_name=_("district"),
    )
    name = models.CharField(
        _("name (Chinese)"),
        max_length=40,
        help_text=_("The Chinese name, for example 静安寺街道."),
    )
    name_en = models.CharField(
        _("name (English)"),
        max_length=60,
        blank=True,
        help_text=_(
            "Optional. Shown to residents who read English, for example Jing'an Temple Subdistrict."
        ),
    )
    centre = models.ForeignKey(
        "content.CommunityCentre",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="streets",
        verbose_name=_("community service centre"),
        help_text=_("The community service centre that serves this street."),
    )

    objects = StreetQuerySet.as_manager()

    panels = [
        FieldPanel("district"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("centre"),
    ]

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["district__sort_order", "district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="areas_street_unique_name_in_district",
                violation_error_message=_("This district already has a street with this name."),
            )
        ]

    def __str__(self):
        return _label(self.name, self.name_en)

    @property
    def full_name(self):
        """The district and the street, for example 静安区 静安寺街道."""
        return f"{self.district} {self}"


def street_choices(queryset=None):
    """Streets for a ChoiceField, grouped by district in order.

    ``[(district_label, [(street.pk, street_label), ...]), ...]``; districts without streets
    are left out. Labels follow the active language, so call it when the form is made.
    """
    streets = (Street.objects.all() if queryset is None else queryset).for_choice()
    groups = []
    current = None
    for street in streets:
        if street.district_id != current:
            current = street.district_id
            groups.append((str(street.district), []))
        groups[-1][1].append((street.pk, str(street)))
    return groups
