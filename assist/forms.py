"""The resident's "call me back" question: when, and (if they like) what about."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assist.models import Topic
from portal.ratings.models import Level

NOW, AFTERNOON, TOMORROW_MORNING = "now", "afternoon", "tomorrow"
# (label, the hour of the day the call may come from, days ahead)
WHEN = {
    NOW: (_("As soon as possible"), None, 0),
    AFTERNOON: (_("This afternoon, after 14:00"), 14, 0),
    TOMORROW_MORNING: (_("Tomorrow morning, after 9:00"), 9, 1),
}


def optional_text(label):
    """A few lines the resident may leave empty."""
    return forms.CharField(
        label=label, required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallBackForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When should we call you?"),
        choices=[(key, label) for key, (label, _hour, _days) in WHEN.items()],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    topic = forms.ChoiceField(
        label=_("What is it about? (you may skip this)"),
        choices=Topic.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = optional_text(_("Anything we should know? (you may skip this)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if timezone.localtime().hour >= 14:  # "this afternoon" has begun or passed
            self.fields["when"].choices = [
                (key, label) for key, label in self.fields["when"].choices if key != AFTERNOON
            ]

    def call_after(self):
        """The moment the resident wants the call from, or None for as soon as possible."""
        _label, hour, days = WHEN[self.cleaned_data["when"]]
        if hour is None:
            return None
        day = timezone.localdate() + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(hour)))


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the help you got?"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = optional_text(_("Anything to tell us? (you may skip this)"))
