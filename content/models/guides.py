"""Step-by-step guides: how to use a service (or an everyday thing on the phone), one picture
a step, with a way to practise first and a way to ask a person to teach you."""

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from content.checks import GUIDE_MAX_STEPS
from content.guide_blocks import GuideStepBlock
from content.models.pages import TITLE_PANEL, SummaryMixin
from services.registry import SERVICE_CHOICES, practice_url

# The view where a resident asks for someone to teach them a guide (assist builds it; a name,
# so content never imports assist). While it does not exist the link is not shown.
TEACH_ME_URL_NAME = "assist:teach_me"


class GuideIndexPage(SummaryMixin, Page):
    """Lists the guides under it."""

    content_panels = [TITLE_PANEL, FieldPanel("summary")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.GuidePage"]
    template = "content/guide_index_page.html"

    class Meta:
        verbose_name = _("guide index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = self.get_children().live().public().specific()
        return context


class GuidePage(SummaryMixin, Page):
    """A guide: numbered steps, each one short sentence with a big picture."""

    service = models.CharField(
        _("built-in service"),
        max_length=20,
        blank=True,
        choices=SERVICE_CHOICES,
        help_text=_(
            "Optional. The built-in service this guide teaches: the guide then offers to "
            "practise it first."
        ),
    )
    steps = StreamField(
        [("step", GuideStepBlock())],
        min_num=1,
        max_num=GUIDE_MAX_STEPS,
        verbose_name=_("steps"),
        help_text=_(
            "One step a block, in order: at most 10. Each has a picture of the screen and "
            "what to do if it goes wrong."
        ),
    )

    content_panels = [
        TITLE_PANEL,
        FieldPanel("summary"),
        FieldPanel("service"),
        FieldPanel("steps"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["content.GuideIndexPage"]
    subpage_types = []
    template = "content/guide_page.html"

    class Meta:
        verbose_name = _("guide")

    def practice_url(self):
        """Where to try the service with nothing sent or booked, or ``None``."""
        return practice_url(self.service) if self.service else None

    def teach_me_url(self):
        """Where to ask a person to teach this guide, or ``None`` while there is no such page."""
        try:
            return f"{reverse(TEACH_ME_URL_NAME)}?guide={self.pk}"
        except NoReverseMatch:
            return None


def guides_index_for(home):
    """The live guides index under ``home`` (in its language), or ``None``."""
    return GuideIndexPage.objects.child_of(home).live().public().first()
