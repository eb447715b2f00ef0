"""The privacy notice: what the portal collects, why, who sees it, how long, and your rights.

Editors write it in Wagtail and translate it like any page, but its structure is fixed, because
the law (PIPL) asks for each part; each part is short enough to fit on one screen at the
largest text size. How long each kind of record is kept is not typed by editors: the page reads
the same settings the nightly forgetting runs on (``portal.retention.schedule``), so the notice
and the practice never disagree.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from content.checks import cjk_count
from content.models.pages import TITLE_PANEL, SummaryMixin
from portal import retention

# One screen at the largest text size (32 px) on a 390 px wide phone holds about this much.
SECTION_MAX_CJK = 120
SECTION_MAX_WORDS = 45


def section_problem(text):
    """Why one part of the notice is too long for one screen, or ``None``."""
    text = (text or "").strip()
    if cjk_count(text) > SECTION_MAX_CJK:
        return gettext_now(
            "Keep each part to %(max)d Chinese characters or fewer (now %(count)d), so it "
            "fits on one screen at the largest text size."
        ) % {"max": SECTION_MAX_CJK, "count": cjk_count(text)}
    if not cjk_count(text) and len(text.split()) > SECTION_MAX_WORDS:
        return gettext_now(
            "Keep each part to %(max)d words or fewer (now %(count)d), so it fits on one "
            "screen at the largest text size."
        ) % {"max": SECTION_MAX_WORDS, "count": len(text.split())}
    return None


class ServiceDataBlock(blocks.StructBlock):
    """What one service collects, why, and who sees it."""

    service = blocks.CharBlock(label=_("service"), max_length=40)
    what = blocks.TextBlock(label=_("what we collect"))
    why = blocks.TextBlock(label=_("why"))
    who_sees = blocks.TextBlock(label=_("who sees it"))

    class Meta:
        label = _("a service's data")
        icon = "doc-full"

    def clean(self, value):
        value = super().clean(value)
        text = " ".join(value[name] for name in ("what", "why", "who_sees"))
        problem = section_problem(text)
        if problem:
            raise blocks.StructBlockValidationError({"what": ValidationError(problem)})
        return value


def _section(label, help_text):
    return models.TextField(label, help_text=help_text)


class PrivacyNoticePage(SummaryMixin, Page):
    """The privacy notice, in the parts the law asks for, each one screen long."""

    who_we_are = _section(
        _("who we are"), _("Who runs the portal and how to reach them. One screen at most.")
    )
    services = StreamField(
        [("service", ServiceDataBlock())],
        verbose_name=_("what we collect for each service"),
        help_text=_("One part for each service: what, why, and who sees it."),
        min_num=1,
    )
    keeping = models.TextField(
        _("how long we keep it"),
        blank=True,
        help_text=_(
            "Optional: a short sentence before the list of how long each kind of record is "
            "kept. The list comes from the portal's settings and cannot be edited here."
        ),
    )
    rights = _section(
        _("your rights"),
        _("What a resident may ask: to see, copy, correct, withdraw consent, close the account."),
    )
    ask_a_person = _section(
        _("how to ask a person"),
        _("Who to call or visit with a question. The hotline and centres are added below it."),
    )

    content_panels = [
        TITLE_PANEL,
        FieldPanel("summary"),
        FieldPanel("who_we_are"),
        FieldPanel("services"),
        FieldPanel("keeping"),
        FieldPanel("rights"),
        FieldPanel("ask_a_person"),
    ]
    parent_page_types = ["content.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "content/privacy_notice_page.html"

    class Meta:
        verbose_name = _("privacy notice")

    def clean(self):
        super().clean()
        problems = {}
        for name in ("who_we_are", "keeping", "rights", "ask_a_person"):
            problem = section_problem(getattr(self, name))
            if problem:
                problems[name] = problem
        if problems:
            raise ValidationError(problems)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        schedule = retention.schedule()
        # Deleted and wiped are told apart, each part one screen long at the largest text.
        context["kept"] = kept_groups(k for k in schedule if k["action"] == retention.DELETED)
        context["wiped"] = kept_groups(k for k in schedule if k["action"] == retention.ANONYMISED)
        # Closing an account: the wait, and how long the audit log outlives it.
        context["closing_days"] = settings.ACCOUNT_CLOSING_DAYS
        context["audit_days"] = next(
            kind["days"] for kind in schedule if kind["name"] == "audit entries"
        )
        return context


# Closing an account is told in a part of its own, with what is kept after it.
HAS_ITS_OWN_PART = {"closed accounts"}


def kept_groups(schedule):
    """The retention schedule grouped by period, shortest first, so the part stays one screen
    long: [{"days", "labels", "names"}]. Each kind's label names what goes (an anonymised
    kind's label names what is wiped, such as the notes on requests for help)."""
    groups = {}
    for kind in schedule:
        if kind["name"] not in HAS_ITS_OWN_PART:
            groups.setdefault(kind["days"], []).append(kind)
    # Translators: between the items of a list, as in "taxi rides, hospital appointments".
    separator = pgettext("list separator", ", ")
    return [
        {
            "days": days,
            "labels": separator.join(str(kind["label"]) for kind in kinds),
            "names": " ".join(kind["name"] for kind in kinds),
        }
        for days, kinds in sorted(groups.items())
    ]
