"""Page types residents read. Each is edited in Wagtail and translated with wagtail-localize."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, TitleFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from content.blocks import AtCentreBlock, BodyBlock, ByPhoneBlock, TileBlock
from content.checks import summary_problem
from portal.ratings import results as rating_results
from services.registry import SERVICE_CHOICES, practice_url, service_url

# The page title's label, in a context of its own: the bare msgid "title" is also a doctor's
# title (职称) in this project's translations, which would label every page's title 职称.
TITLE_PANEL = TitleFieldPanel("title", heading=pgettext_lazy("page title", "Title"))


class SummaryMixin(models.Model):
    """A one-sentence, plain-language summary shown under the title."""

    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_(
            "One plain sentence saying what this is for: at most 40 Chinese characters "
            "(25 English words)."
        ),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        language = self.locale.language_code if self.locale_id else None
        problem = summary_problem(self.summary, language)
        if problem:
            raise ValidationError({"summary": problem})


class HomePage(Page):
    """The start page: big tiles for the services, in the order editors choose."""

    intro = models.CharField(
        _("welcome line"),
        max_length=120,
        blank=True,
        help_text=_("Optional. One short sentence above the tiles."),
    )
    tiles = StreamField(
        [("tile", TileBlock())],
        blank=True,
        verbose_name=_("tiles"),
        help_text=_("The services on the home page, most used first. Six tiles at most."),
        max_num=6,
    )

    content_panels = [TITLE_PANEL, FieldPanel("intro"), FieldPanel("tiles")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "content.ServiceIndexPage",
        "content.HelpPage",
        "content.PrivacyNoticePage",
        "content.GuideIndexPage",
    ]
    template = "content/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tiles"] = [
            {"label": tile.value["label"], "icon": tile.value["icon"], "url": tile.value.url()}
            for tile in self.tiles
            if tile.value.url()
        ]
        from content.models.guides import guides_index_for

        context["guides_index"] = guides_index_for(self)
        return context


class ServiceIndexPage(SummaryMixin, Page):
    """Lists the service pages under it."""

    content_panels = [TITLE_PANEL, FieldPanel("summary")]
    parent_page_types = ["content.HomePage"]
    # Services editors publish themselves are application pages (services.applications).
    subpage_types = ["content.ServicePage", "applications.ApplicationPage"]
    template = "content/service_index_page.html"

    class Meta:
        verbose_name = _("service index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = self.get_children().live().public().specific()
        return context


class ServicePage(SummaryMixin, Page):
    """One service explained plainly, with the ways to do it without the web."""

    service = models.CharField(
        _("built-in service"),
        max_length=20,
        blank=True,
        choices=SERVICE_CHOICES,
        help_text=_("Optional. Shows a big button that starts this service on the web."),
    )
    steps = StreamField(
        [("step", blocks.CharBlock(max_length=200, label=_("Step")))],
        verbose_name=_("steps"),
        help_text=_("What happens, in order. One short sentence a step."),
    )
    what_to_bring = StreamField(
        [("item", blocks.CharBlock(max_length=120, label=_("Item")))],
        blank=True,
        verbose_name=_("what to bring"),
        help_text=_("Optional. Documents or cards to have ready, e.g. 身份证, 医保卡."),
    )
    offline_ways = StreamField(
        [("by_phone", ByPhoneBlock()), ("at_centre", AtCentreBlock())],
        verbose_name=_("ways without the web"),
        help_text=_("Every service says how to do it by phone and at a community centre."),
    )
    body = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("more detail"),
        help_text=_("Optional. More detail."),
    )
    guide = models.ForeignKey(
        "content.GuidePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("step-by-step guide"),
        help_text=_("Optional. The guide with pictures that shows how to do it."),
    )
    what_we_changed = models.TextField(
        _("what we changed"),
        max_length=300,
        blank=True,
        help_text=_(
            "Optional. Shown under last month's ratings of the built-in service: a few "
            "sentences on what residents told us and what we changed."
        ),
    )

    content_panels = [
        TITLE_PANEL,
        FieldPanel("summary"),
        FieldPanel("service"),
        FieldPanel("guide"),
        FieldPanel("steps"),
        FieldPanel("what_to_bring"),
        FieldPanel("offline_ways"),
        FieldPanel("body"),
        FieldPanel("what_we_changed"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["content.ServiceIndexPage"]
    subpage_types = []
    template = "content/service_page.html"

    class Meta:
        verbose_name = _("service page")

    def clean(self):
        super().clean()
        kinds = {block.block_type for block in self.offline_ways}
        missing = {"by_phone", "at_centre"} - kinds
        if missing:
            raise ValidationError(
                {
                    "offline_ways": _(
                        "Add both a 'Do it by phone' and a 'Do it at a community centre' block: "
                        "every service must be possible without the web."
                    )
                }
            )

    def start_url(self):
        return service_url(self.service) if self.service else None

    def practice_url(self):
        """Where to try the built-in service with nothing sent or booked, or ``None``."""
        return practice_url(self.service) if self.service else None

    def guide_for_reader(self):
        """The guide in this page's language (the chosen one if it has no translation yet),
        or ``None`` when there is none or it is not published."""
        guide = self.guide
        if guide is None:
            return None
        guide = guide.get_translation_or_none(self.locale) or guide
        return guide if guide.live else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["ratings"] = rating_results.latest(self.service) if self.service else None
        return context


class HelpPage(SummaryMixin, Page):
    """A help article: how to get help, how to use the phone line, where the centres are."""

    body = StreamField(
        BodyBlock(), verbose_name=_("body"), help_text=_("Short paragraphs in plain words.")
    )

    content_panels = [TITLE_PANEL, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["content.HomePage", "content.HelpPage"]
    subpage_types = ["content.HelpPage"]
    template = "content/help_page.html"

    class Meta:
        verbose_name = _("help page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["call_back_url"] = self._call_back_url(request)
        return context

    def _call_back_url(self, request):
        """The "call me back" service, on the page the help bar's "ask a person" names."""
        from wagtail.models import Site

        from content.models.site_settings import HelpBarSettings

        site = Site.find_for_request(request)
        ask_page = HelpBarSettings.for_site(site).ask_page if site else None
        if ask_page is None or ask_page.translation_key != self.translation_key:
            return None
        return service_url("assist")
