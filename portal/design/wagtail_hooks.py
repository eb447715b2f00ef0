"""How values read in the Wagtail admin: times in Shanghai time, yes and no in words, a dash
for nothing.

Wagtail's inspect pages print a field with ``{{ value|localize }}``, which formats an aware
time in UTC (the filter skips the time-zone conversion plain ``{{ value }}`` does) and prints
``None``, ``True`` and ``False`` as they are. Every field of every inspect page goes through
:class:`AdminValue` instead; listings use :func:`yes_no_column` for their yes/no fields.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from django.utils.translation import gettext
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.fields import register_display_class
from wagtail.admin.ui.tables import Column

NOTHING = "—"


def admin_words(value):
    """``value`` as staff read it: Shanghai time, 是/否, "—" for nothing."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return formats.localize(value)


class AdminValue(Component):
    """One field's value on an inspect page (Wagtail's field display class)."""

    def __init__(self, value):
        self.value = value

    def render_html(self, parent_context=None):
        return conditional_escape(admin_words(self.value))


# Every model field; foreign keys (images and documents keep Wagtail's own) by any model.
register_display_class(models.Field, display_class=AdminValue)
register_display_class(models.ForeignKey, to=models.Model, display_class=AdminValue)


class YesNoColumn(Column):
    """A listing column for a yes/no field: 是 or 否, never True or False."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return None
        return gettext("yes") if value else gettext("no")


def yes_no_column(model, field_name):
    """A :class:`YesNoColumn` for ``model.field_name``, labelled and sorted like Wagtail's."""
    field = model._meta.get_field(field_name)
    return YesNoColumn(field_name, label=capfirst(field.verbose_name), sort_key=field_name)
