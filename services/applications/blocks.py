"""The questions an editor puts on an application page: one block a kind of question.

Every question has a short name (its ``key``, letters and digits): it never changes when the
page is translated (wagtail-localize translates the question's words, not its key), so a
condition can name an earlier question by it, and an answer names the question it answered.
The options of a single-choice question likewise have a value that stays while their labels
are translated.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

# At most eight questions: a resident answers each on its own page (elder-ux.md).
MAX_QUESTIONS = 8
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,29}$"
_VALUES = re.compile(r"[a-z0-9_]+")

# The kinds of question, by block name.
CHOICE = "choice"
TEXT = "text"
PHONE = "phone"
YES_NO = "yes_no"
DATE = "date"


def _key_block(label, help_text):
    # A RegexBlock, not a CharBlock: wagtail-localize copies it unchanged to translations.
    return blocks.RegexBlock(
        regex=KEY_PATTERN,
        max_length=30,
        label=label,
        help_text=help_text,
        error_messages={
            "invalid": _("Use small letters, digits and _ only, starting with a letter."),
        },
    )


class QuestionBlock(blocks.StructBlock):
    """What every kind of question has: its key, the question, help, words said aloud and an
    optional condition on an earlier single-choice answer."""

    key = _key_block(
        _("Short name"),
        _("Letters and digits, e.g. district. Stays the same in every language."),
    )
    question = blocks.CharBlock(
        max_length=120,
        label=_("Question"),
        help_text=_("One plain question, e.g. 您住在哪个区？"),
    )
    help_text = blocks.TextBlock(
        required=False,
        max_length=300,
        label=_("Help"),
        help_text=_("Optional. One or two sentences shown under the question."),
    )
    ask_aloud = blocks.TextBlock(
        required=False,
        max_length=300,
        label=_("Words to ask aloud"),
        help_text=_("Optional. What staff and the phone line say to ask this question."),
    )
    show_if_question = blocks.RegexBlock(
        regex=KEY_PATTERN,
        max_length=30,
        required=False,
        label=_("Only ask when the answer to"),
        help_text=_("Optional. The short name of an earlier single-choice question."),
        error_messages={"invalid": _("Give the short name of an earlier question.")},
    )
    show_if_values = blocks.RegexBlock(
        regex=r"^[a-z0-9_]+(\s*,\s*[a-z0-9_]+)*$",
        max_length=200,
        required=False,
        label=_("is one of"),
        help_text=_("The option values that show this question, separated by commas."),
        error_messages={"invalid": _("Give option values separated by commas.")},
    )

    class Meta:
        icon = "help"

    def clean(self, value):
        value = super().clean(value)
        has_question = bool(value.get("show_if_question"))
        has_values = bool(value.get("show_if_values"))
        if has_question != has_values:
            field = "show_if_values" if has_question else "show_if_question"
            raise StructBlockValidationError(
                block_errors={
                    field: ValidationError(
                        _gettext("A condition needs both an earlier question and its values.")
                    )
                }
            )
        return value


class OptionBlock(blocks.StructBlock):
    value = _key_block(
        _("Value"), _("Letters and digits, e.g. xuhui. Stays the same in every language.")
    )
    label = blocks.CharBlock(max_length=60, label=_("Words on the choice"))

    class Meta:
        icon = "radio-full"
        label = _("Choice")


class ChoiceQuestionBlock(QuestionBlock):
    options = blocks.ListBlock(OptionBlock(), min_num=2, max_num=8, label=_("Choices"))

    class Meta:
        icon = "list-ul"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        values = [option["value"] for option in value.get("options") or []]
        if len(set(values)) != len(values):
            raise StructBlockValidationError(
                block_errors={
                    "options": ValidationError(_gettext("Each choice needs a value of its own."))
                }
            )
        return value


class TextQuestionBlock(QuestionBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Short text")


class PhoneQuestionBlock(QuestionBlock):
    class Meta:
        icon = "mobile-alt"
        label = _("Phone number")


class YesNoQuestionBlock(QuestionBlock):
    class Meta:
        icon = "tick"
        label = _("Yes or no")


class DateQuestionBlock(QuestionBlock):
    when = blocks.ChoiceBlock(
        choices=[
            ("any", _("Any date")),
            ("past", _("Today or before (e.g. a birthday)")),
            ("future", _("Today or later (e.g. a start date)")),
        ],
        default="any",
        label=_("Which dates"),
    )

    class Meta:
        icon = "date"
        label = _("Date")


class QuestionsBlock(blocks.StreamBlock):
    """The questions in the order they are asked, checked as a whole."""

    choice = ChoiceQuestionBlock()
    text = TextQuestionBlock()
    phone = PhoneQuestionBlock()
    yes_no = YesNoQuestionBlock()
    date = DateQuestionBlock()

    class Meta:
        max_num = MAX_QUESTIONS
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        problems = questions_problems([(child.block_type, child.value) for child in value])
        if problems:
            raise StreamBlockValidationError(
                block_errors={
                    index: ValidationError(message) for index, message in problems.items()
                }
            )
        return value


def condition_values(text):
    """The option values a condition lists (``"a, b"`` -> ``["a", "b"]``)."""
    return _VALUES.findall(text or "")


def questions_problems(questions):
    """What is wrong with a list of ``(kind, value)`` questions, by position: a repeated
    short name, or a condition that does not name an earlier single-choice question and
    values it has."""
    problems = {}
    earlier = {}
    for index, (kind, value) in enumerate(questions):
        key = value.get("key")
        if key in earlier:
            problems[index] = _gettext("Another question already has the short name %(key)s.") % {
                "key": key
            }
        target = value.get("show_if_question")
        if target and index not in problems:
            problems[index] = _condition_problem(earlier.get(target), target, value)
        if not problems.get(index):
            problems.pop(index, None)
        earlier.setdefault(key, (kind, value))
    return problems


def _condition_problem(found, target, value):
    if found is None:
        return _gettext(
            "The condition names %(key)s: that is not an earlier question on this page."
        ) % {"key": target}
    kind, earlier_value = found
    if kind != CHOICE:
        return _gettext(
            "The condition names %(key)s: only a single-choice question can show another."
        ) % {"key": target}
    have = {option["value"] for option in earlier_value.get("options") or []}
    unknown = [item for item in condition_values(value.get("show_if_values")) if item not in have]
    if unknown:
        return _gettext("%(key)s has no choice with the value %(values)s.") % {
            "key": target,
            "values": ", ".join(unknown),
        }
    return None
