"""The questions of the web booking flow, each one form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PatientForm(forms.Form):
    """Who the appointment is for: asked only of someone a family member lets book for them."""

    patient = forms.ChoiceField(
        label=_("Who is the appointment for?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who the appointment is for."),
            "invalid_choice": _("Choose one of the people shown."),
        },
    )

    def __init__(self, *args, user, family, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(user.pk), _("For me"))]
        choices += [(str(member.pk), _("For %(name)s") % {"name": member}) for member in family]
        self.fields["patient"].choices = choices


class IdentityForm(forms.Form):
    """The patient's real name and ID card number, asked once: hospitals book by real name."""

    real_name = forms.CharField(
        label=_("Real name"),
        help_text=_("As on the ID card."),
        max_length=40,
        error_messages={"required": _("Enter the name as it is on the ID card.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("ID card number"),
        help_text=_("18 digits, or 17 digits and an X."),
        max_length=30,
        error_messages={"required": _("Enter the 18-character ID card number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ChoiceForm(forms.Form):
    """One choice made with a big button (hospital, department, day or time)."""

    choice = forms.ChoiceField(
        error_messages={
            "required": _("Choose one of the buttons."),
            "invalid_choice": _("That choice is no longer available. Choose one of these."),
        },
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(str(value), str(value)) for value in choices]


class CancelForm(forms.Form):
    """The one question before an appointment is cancelled."""

    answer = forms.ChoiceField(
        label=_("Are you sure you want to cancel this appointment?"),
        choices=[("yes", _("Yes, cancel it")), ("no", _("No, keep it"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes to cancel, or no to keep the appointment.")},
    )
