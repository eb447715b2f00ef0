"""The blocks of a step-by-step guide: one step is one short sentence, one big picture and
what to do if it goes wrong."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from content.checks import alt_text_problem, guide_step_problem, if_wrong_problem


class GuideStepBlock(blocks.StructBlock):
    """One step: what to do, a picture of the screen showing it, and what to do if it goes
    wrong. The picture is never decorative: it is what the step shows, so it always needs
    words for people who cannot see it (and for read aloud)."""

    text = blocks.CharBlock(
        max_length=200,
        label=_("What to do"),
        # The numbers are content.checks.STEP_MAX_CJK and STEP_MAX_LATIN.
        help_text=_(
            "One short sentence: at most 40 Chinese characters (120 letters in English), "
            "e.g. 按绿色的“叫车”按钮。"
        ),
    )
    picture = ImageChooserBlock(
        label=_("Picture"),
        help_text=_("A big, clear picture of the screen at this step."),
    )
    alt = blocks.CharBlock(
        max_length=200,
        label=_("What the picture shows"),
        help_text=_("For people who cannot see it, e.g. 手机屏幕下方有一个绿色的大按钮。"),
    )
    if_wrong = blocks.TextBlock(
        label=_("If it goes wrong"),
        help_text=_("What to do then, in one or two short sentences."),
    )

    class Meta:
        icon = "list-ol"
        label = _("Step")

    def clean(self, value):
        # Refusals of the fields themselves (an empty picture) come first, field by field.
        value = super().clean(value)
        errors = {}
        for name, problem in (
            ("text", guide_step_problem(value.get("text"))),
            ("alt", alt_text_problem(value.get("alt"))),
            ("if_wrong", if_wrong_problem(value.get("if_wrong"))),
        ):
            if problem:
                errors[name] = ValidationError(problem)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value
