"""The operator's forms on a ride's page: the car the company found, or what happened next.

Each form carries a hidden ``entry`` id, made fresh when the page is shown: it becomes the
event id, so pressing the button twice (or the browser sending the form again) applies once.
"""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.phone import normalize_phone
from services.taxi import api
from services.taxi.models import Status
from services.taxi.phone_dispatch import OUTCOMES

MAX_MINUTES_AWAY = 120
# A mainland plate: the province character, the city letter, then five or six letters or
# digits (six for new-energy cars). People type it with spaces, dots or in lower case.
_PLATE = re.compile(r"^(?P<province>[\u4e00-\u9fff])(?P<city>[A-Z])(?P<rest>[A-Z0-9]{5,6})$")
_PLATE_NOISE = re.compile(r"[\s·.\-•]")


def normalize_plate(raw):
    """``raw`` as the portal writes plates (``沪A·12345``), or raise ``ValidationError``."""
    match = _PLATE.match(_PLATE_NOISE.sub("", str(raw or "")).upper())
    if match is None:
        raise ValidationError(
            _("Type the plate as it is on the car, for example 沪A·12345."), code="invalid_plate"
        )
    return f"{match['province']}{match['city']}·{match['rest']}"


class EntryForm(forms.Form):
    entry = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    # The page holds several of these forms: each needs its own element ids.
    id_prefix = "entry"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)

    error_messages = {"entry": _("This form is out of date. Reload the page and try again.")}

    def clean_entry(self):
        return str(self.cleaned_data["entry"])

    def full_clean(self):
        super().full_clean()
        # The hidden id cannot be fixed by the operator: say so once, above the form.
        if self.is_bound and "entry" in self.errors:
            del self.errors["entry"]
            self.add_error(None, self.error_messages["entry"])


class CarFoundForm(EntryForm):
    """The taxi company found a car: which car, who drives it, how soon it comes."""

    id_prefix = "car"

    plate = forms.CharField(
        label=_("Car plate"),
        max_length=20,
        error_messages={"required": _("Type the car's plate.")},
    )
    colour = forms.ChoiceField(
        label=_("Car colour"),
        choices=[("", "---------"), *api.COLOURS.items()],
        error_messages={
            "required": _("Choose the car's colour."),
            "invalid_choice": _("Choose one of the colours in the list."),
        },
    )
    driver_phone = forms.CharField(
        label=_("Driver's phone"),
        max_length=30,
        error_messages={"required": _("Type the driver's phone number.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    minutes_away = forms.IntegerField(
        label=_("Minutes away"),
        min_value=0,
        max_value=MAX_MINUTES_AWAY,
        error_messages={
            "required": _("Type how many minutes until the car is there."),
            "invalid": _("Minutes away is a whole number from 0 to 120."),
            "min_value": _("Minutes away is a whole number from 0 to 120."),
            "max_value": _("Minutes away is a whole number from 0 to 120."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def clean_plate(self):
        return normalize_plate(self.cleaned_data["plate"])

    def clean_driver_phone(self):
        try:
            return normalize_phone(self.cleaned_data["driver_phone"], region="CN")
        except ValidationError:
            raise ValidationError(
                _("This is not a phone number we can call. Check the digits."),
                code="invalid_phone",
            ) from None

    def car(self):
        """The car as an event's data carries it."""
        fields = ("plate", "colour", "driver_phone", "minutes_away")
        return {key: self.cleaned_data[key] for key in fields}


class OutcomeForm(EntryForm):
    """What happened after the car was found (or that none was): one button each."""

    id_prefix = "outcome"

    kind = forms.ChoiceField(
        choices=[
            (status.value, label)
            for status, label in OUTCOMES.items()
            if status != Status.CAR_FOUND
        ],
        error_messages={"invalid_choice": _("Choose one of the buttons.")},
    )


class CompanyToldForm(EntryForm):
    """The operator phoned the company to call a cancelled ride off."""

    id_prefix = "told"
