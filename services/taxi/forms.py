"""The questions of the taxi's "other choices" pages: one question a form.

Each question form takes the resident and the visit's answers so far (to show them again),
and gives back what to keep with :meth:`answers`. Forms with a skip button say what skipping
means with :meth:`skipped`.
"""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from services.taxi import api, flow


class HomeAddressForm(forms.Form):
    home_address = forms.CharField(
        label=_("Where should the taxi pick you up?"),
        help_text=_("Your home address. Add a landmark if it helps the driver."),
        max_length=200,
        error_messages={"required": _("Enter the address where the taxi should come.")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )


class Question(forms.Form):
    """One question of the flow; ``heading`` is the question, asked as the page's h1."""

    heading = ""

    def __init__(self, data=None, *, resident, state):
        super().__init__(data)
        self.resident = resident
        self.state = state

    def answers(self):
        raise NotImplementedError

    def skipped(self):
        return None  # this question has no skip button


class PickupForm(Question):
    heading = _("Where should the taxi pick you up?")

    pickup = forms.ChoiceField(
        label=_("Pick-up place"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where the taxi should pick you up."),
            "invalid_choice": _("That place is no longer saved. Choose one of the places shown."),
        },
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["pickup"].choices = [
            (value, place_words(label, address))
            for value, label, address, _note in flow.pickup_options(self.resident)
        ]
        self.fields["pickup"].initial = self.state.get("pickup", flow.HOME)

    def answers(self):
        return {"pickup": self.cleaned_data["pickup"]}


class DestinationForm(Question):
    heading = _("Where are you going?")

    destination = forms.CharField(
        label=_("Where to"),
        help_text=_("You can leave this empty and tell the driver instead."),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Keep the address under 200 characters.")},
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["destination"].initial = self.state.get("destination", "")

    def answers(self):
        return {"destination": self.cleaned_data["destination"].strip()}

    def skipped(self):
        return {"destination": ""}


# 12:30, 12：30, 12.30, 12点30, 12点30分, 12点, 1230
TIME_PATTERN = re.compile(r"^(\d{1,2})\s*(?:[:：.点时]\s*(\d{1,2})?\s*分?|(\d{2}))?$")


class WhenForm(Question):
    heading = _("When should the taxi come?")

    when = forms.ChoiceField(
        label=_("Pick-up time"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when the taxi should come.")},
    )
    time = forms.CharField(
        label=_("Another time, today or tomorrow"),
        help_text=_("Use the 24-hour clock: for half past two in the afternoon, enter 14:30."),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["when"].choices = when_choices()
        self.fields["when"].initial = self.state.get("when", flow.NOW)
        if self.state.get("when") == flow.LATER:
            self.fields["time"].initial = time_format(
                timezone.localtime(flow.pickup_time(self.state)), "H:i"
            )

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("time") or "").strip()
        if not cleaned.get("when") and typed:
            # A time typed without ticking "another time" means that time.
            self._errors.pop("when", None)
            cleaned["when"] = flow.LATER
        if cleaned.get("when") == flow.LATER:
            try:
                cleaned["at"] = later_time(typed)
            except forms.ValidationError as error:
                self.add_error("time", error)
        return cleaned

    def answers(self):
        when = self.cleaned_data["when"]
        if when == flow.LATER:
            return {"when": when, "at": self.cleaned_data["at"].isoformat()}
        return {"when": when, "at": None}


class NotesForm(Question):
    heading = _("Anything the driver should know?")

    notes = forms.CharField(
        label=_("Notes for the driver"),
        help_text=_(
            "For example: I walk slowly, please wait at the door. You can leave this empty."
        ),
        required=False,
        max_length=300,
        error_messages={"max_length": _("Keep the notes under 300 characters.")},
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.from_profile = flow.profile_notes(self.resident)
        if "notes" in self.state.get("answered", ()):
            self.fields["notes"].initial = self.state.get("notes", "")
        else:
            self.fields["notes"].initial = self.from_profile

    def answers(self):
        return {"notes": self.cleaned_data["notes"].strip()}


class ConfirmForm(forms.Form):
    """The check page's one button; refusals from the api become its errors."""

    key = forms.CharField(widget=forms.HiddenInput)


def place_words(label, address):
    if label is None:
        return gettext("Home: %(address)s") % {"address": address}
    return gettext("%(label)s: %(address)s") % {"label": label, "address": address}


def when_choices():
    offered = [(flow.NOW, pgettext("when the taxi comes", "Now"))]
    for minutes in flow.DELAYS:
        offered.append((str(minutes), delay_words(minutes)))
    offered.append((flow.LATER, gettext("At another time (enter it below)")))
    return offered


def delay_words(minutes):
    if minutes % 60:
        return ngettext("In %(count)d minute", "In %(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    return ngettext("In %(count)d hour", "In %(count)d hours", hours) % {"count": hours}


def later_time(typed, now=None):
    """The next moment at the typed clock time: today, or tomorrow once it has passed today."""
    if not typed:
        raise forms.ValidationError(_("Enter the time, for example 14:30."), code="required")
    match = TIME_PATTERN.match(typed)
    hour = int(match.group(1)) if match else 99
    minute = int(match.group(2) or match.group(3) or 0) if match else 99
    if hour > 23 or minute > 59:
        raise forms.ValidationError(
            _("Enter the time as hours and minutes, for example 14:30."), code="invalid"
        )
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    moment = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    passed_today = moment < now - api.PAST_GRACE
    if passed_today:
        moment += timedelta(days=1)
    return moment
