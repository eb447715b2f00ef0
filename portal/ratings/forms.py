"""The web rating question: five labelled levels, optional reasons, an optional comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.ratings.models import Level


class RateForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied were you?"),
        choices=Level.choices,  # 5 (very satisfied) first
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you were.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("What went wrong? (you may skip this)"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (you may skip this)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = list(reasons)
