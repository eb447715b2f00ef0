from django import forms
from django.utils.translation import gettext_lazy as _

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
