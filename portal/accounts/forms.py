from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.phone import code_recipient
from portal.accounts.signin import normalize_code


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile or home phone number"),
        max_length=30,
        error_messages={"required": _("Enter your phone number.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "spellcheck": "false"}
        ),
    )

    def clean_phone(self):
        return clean_code_recipient(self.cleaned_data["phone"])


def clean_code_recipient(raw):
    """A number a code may go to, in E.164, or a ``ValidationError`` that says what to type."""
    try:
        return code_recipient(raw)
    except ValidationError as error:
        if error.code == "number_not_served":
            raise
        raise ValidationError(
            _("Enter a phone number we can call, like 138 0013 8000."), code="invalid_phone"
        ) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code"),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code from the message.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self):
        # Full-width digits (what Chinese input methods type) count; other characters do not.
        code = normalize_code(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(_("The code has 6 digits. Check the message and try again."))
        return code


class NameForm(forms.Form):
    preferred_name = forms.CharField(
        label=_("How should we address you?"),
        help_text=_("For example 王阿姨 or Mr Li. You can skip this."),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class HomeForm(forms.Form):
    home_address = forms.CharField(
        label=_("Your home address"),
        help_text=_("A taxi picks you up here. Add a landmark if it helps. You can skip this."),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
