import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.design.display import CONTRASTS, TEXT_SIZES


class DisplayForm(forms.Form):
    size = forms.ChoiceField(
        label=_("Text size"),
        choices=list(TEXT_SIZES.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a text size."),
            "invalid_choice": _("Choose one of the text sizes shown."),
        },
    )
    contrast = forms.ChoiceField(
        label=_("Colours"),
        choices=list(CONTRASTS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the colours you find easiest to read."),
            "invalid_choice": _("Choose one of the colour options shown."),
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


# ---------------------------------------------------------------------------------------------
# The date component: three big number boxes, year, month and day, each with its own label
# (as GOV.UK's date input: no calendar pop-up and no JavaScript; a date of birth is typed
# faster than it is picked). Shown with design/components/date_input.html.


class DatePartsWidget(forms.MultiWidget):
    """Year, month and day boxes; each typed as digits (``inputmode=numeric``)."""

    template_name = "design/widgets/date_parts.html"
    PARTS = (
        ("year", pgettext_lazy("date part", "Year"), 4),
        ("month", pgettext_lazy("date part", "Month"), 2),
        ("day", pgettext_lazy("date part", "Day"), 2),
    )

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "maxlength": size,
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            )
            for name, _label, size in self.PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value:
            return [value.year, value.month, value.day]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (part, label, _size) in zip(
            context["widget"]["subwidgets"], self.PARTS, strict=True
        ):
            subwidget["label"] = label
            subwidget["part"] = part
            if attrs and attrs.get("id"):  # id_answer_year, not id_answer_0
                subwidget["attrs"]["id"] = f"{attrs['id']}_{part}"
        return context


MISSING_PART = {
    "year": _("Enter the year of the date."),
    "month": _("Enter the month of the date."),
    "day": _("Enter the day of the date."),
}


def _words(day):
    return date_format(day, "DATE_FORMAT")


class DatePartsField(forms.MultiValueField):
    """A date typed as year, month and day. Each problem gets its own plain sentence:
    a box left empty, letters instead of digits, a date that does not exist, or one before
    ``earliest`` or after ``latest`` (dates, optional)."""

    widget = DatePartsWidget

    def __init__(self, *, earliest=None, latest=None, **kwargs):
        self.earliest, self.latest = earliest, latest
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        # The format is always said: after the question's own help, if it has some.
        hint = _("For example 1950 3 27: year, then month, then day.")
        given = kwargs.get("help_text")
        kwargs["help_text"] = format_lazy("{} {}", given, hint) if given else hint
        super().__init__(parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        value = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not any(value):
            if self.required:
                raise forms.ValidationError(
                    _("Enter the date: year, month and day."), code="required"
                )
            return None
        for (name, _label, _size), part in zip(DatePartsWidget.PARTS, value, strict=True):
            if not part:
                raise forms.ValidationError(MISSING_PART[name], code="incomplete")
        if not all(part.isdigit() for part in value):
            raise forms.ValidationError(_("Use digits only, for example 1950 3 27."), code="digits")
        year, month, day = (int(part) for part in value)
        if year < 1900 or year > 2200:
            raise forms.ValidationError(
                _("Enter the year with 4 digits, for example 1950."), code="year"
            )
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a real date, for example 1950 3 27."), code="invalid"
            ) from None
        if self.earliest and date < self.earliest:
            raise forms.ValidationError(
                _("The date must be %(date)s or later.") % {"date": _words(self.earliest)},
                code="too_early",
            )
        if self.latest and date > self.latest:
            raise forms.ValidationError(
                _("The date must be %(date)s or before.") % {"date": _words(self.latest)},
                code="too_late",
            )
        return date

    def compress(self, data_list):  # clean() above does it all
        return data_list
