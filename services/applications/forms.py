"""The web's form for one question of an application page, from the elder design system's
components: big radios for a choice or yes/no, a text box, a phone box, the date boxes."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.design.forms import DatePartsField
from services.applications import api


class QuestionForm(forms.Form):
    """One question; ``cleaned_data["answer"]`` is the value to keep (a string)."""

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["answer"] = _field(question)

    def clean_answer(self):
        raw = self.cleaned_data.get("answer")
        try:
            return api.validate(self.question, raw).value
        except ValidationError as problem:
            raise ValidationError(problem.messages[0]) from None


def _field(question):
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    if question.kind in ("choice", "yes_no"):
        return forms.ChoiceField(
            choices=list(question.options),
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose one of the answers shown.")},
            **common,
        )
    if question.kind == "phone":
        return forms.CharField(
            max_length=30,
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **common,
        )
    if question.kind == "date":
        # Past or future only: checked by api.validate, which says "today" in its message.
        return DatePartsField(**common)
    return forms.CharField(max_length=api.TEXT_MAX, **common)


def initial_for(question, value):
    """The form's initial answer from a kept value (a date kept as ``YYYY-MM-DD``)."""
    if value is None:
        return {}
    if question.kind == "date":
        try:
            return {"answer": datetime.date.fromisoformat(value)}
        except ValueError:
            return {}
    return {"answer": value}


class ForWhomForm(forms.Form):
    """Whom the application is for: asked only of someone family members let apply for them."""

    person = forms.ChoiceField(
        label=_("Who is the application for?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who the application is for."),
            "invalid_choice": _("Choose one of the people shown."),
        },
    )

    def __init__(self, *args, user, family, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(user.pk), _("For me"))]
        choices += [(str(member.pk), _("For %(name)s") % {"name": member}) for member in family]
        self.fields["person"].choices = choices
