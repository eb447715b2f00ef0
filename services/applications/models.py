"""Application pages editors build in Wagtail, and the applications residents send.

An :class:`ApplicationPage` explains one service (who is eligible, the documents, what happens
next, how long it takes) and holds its questions, one a page on the web. An
:class:`Application` is one resident's answers to it: each answer kept with the question's
words as they were asked, so a question changed later leaves the answers readable as given.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from content.blocks import AtCentreBlock, ByPhoneBlock
from content.models.pages import TITLE_PANEL, SummaryMixin
from portal.acting_record import ActingRecord
from services.applications.blocks import MAX_QUESTIONS, QuestionsBlock, questions_problems


class ContactUnit(models.TextChoices):
    WORKING_HOURS = "hours", _("working hours")
    WORKING_DAYS = "days", _("working days")


class ApplicationPage(SummaryMixin, Page):
    """A service residents apply for (敬老卡, 助餐): what it is, then its questions."""

    eligibility = models.TextField(
        _("who can apply"),
        max_length=400,
        help_text=_("In plain words, e.g. 年满60周岁的本市户籍老人。"),
    )
    documents = StreamField(
        [("item", blocks.CharBlock(max_length=120, label=_("Document")))],
        blank=True,
        verbose_name=_("documents you will need"),
        help_text=_("Optional. One document a line, e.g. 身份证, 一寸照片."),
    )
    what_happens_next = models.TextField(
        _("what happens next"),
        max_length=400,
        help_text=_("After the resident sends it: who checks it, what they do, what they send."),
    )
    how_long = models.CharField(
        _("how long it takes"),
        max_length=80,
        help_text=_("In plain words, e.g. 约10个工作日."),
    )
    case_label = models.CharField(
        _("case label"),
        max_length=30,
        help_text=_("What the help desk calls these applications, e.g. 敬老卡."),
    )
    centre = models.ForeignKey(
        "content.CommunityCentre",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("centre that handles it"),
        help_text=_("Leave empty for the city-wide help desk queue."),
    )
    contact_within = models.PositiveSmallIntegerField(
        _("first contact within"),
        default=2,
        help_text=_("How soon a person contacts the resident after they apply."),
    )
    contact_unit = models.CharField(
        _("counted in"), max_length=5, choices=ContactUnit.choices, default=ContactUnit.WORKING_DAYS
    )
    questions = StreamField(
        QuestionsBlock(),
        verbose_name=_("questions"),
        help_text=_("One question a page, at most 8, in the order they are asked."),
    )
    offline_ways = StreamField(
        [("by_phone", ByPhoneBlock()), ("at_centre", AtCentreBlock())],
        verbose_name=_("ways without the web"),
        help_text=_("Every service says how to do it by phone and at a community centre."),
    )

    # Settings, the same in every language: the routing and the deadline.
    override_translatable_fields = [
        SynchronizedField("centre"),
        SynchronizedField("contact_within"),
        SynchronizedField("contact_unit"),
    ]

    content_panels = [
        TITLE_PANEL,
        FieldPanel("summary"),
        FieldPanel("eligibility"),
        FieldPanel("documents"),
        FieldPanel("what_happens_next"),
        FieldPanel("how_long"),
        FieldPanel("questions"),
        FieldPanel("offline_ways"),
        MultiFieldPanel(
            [
                FieldPanel("case_label"),
                FieldPanel("centre"),
                FieldPanel("contact_within"),
                FieldPanel("contact_unit"),
            ],
            heading=_("Who handles it"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["content.ServiceIndexPage"]
    subpage_types = []
    template = "applications/application_page.html"

    class Meta:
        verbose_name = _("application page")

    def clean(self):
        super().clean()
        if len(self.questions) > MAX_QUESTIONS:
            raise ValidationError(
                {
                    "questions": gettext(
                        "At most %(max)d questions: a resident answers each on its own page."
                    )
                    % {"max": MAX_QUESTIONS}
                }
            )
        # The questions block checks these in the editor's form; saved another way (the
        # demo, a script), the page is held to the same rules here.
        problems = questions_problems([(child.block_type, child.value) for child in self.questions])
        if problems:
            raise ValidationError(
                {
                    "questions": [
                        gettext("Question %(number)d: %(problem)s")
                        % {"number": index + 1, "problem": problem}
                        for index, problem in sorted(problems.items())
                    ]
                }
            )
        kinds = {block.block_type for block in self.offline_ways}
        if {"by_phone", "at_centre"} - kinds:
            raise ValidationError(
                {
                    "offline_ways": gettext(
                        "Add both a 'Do it by phone' and a 'Do it at a community centre' block: "
                        "every service must be possible without the web."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        from services.applications import api

        context = super().get_context(request, *args, **kwargs)
        context["about"] = api.about(self)
        return context


class State(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Being checked")
    DOCUMENTS_NEEDED = "documents", _("Documents needed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Not approved")


OPEN_STATES = (State.SENT, State.ACCEPTED, State.DOCUMENTS_NEEDED)
FINAL_STATES = (State.APPROVED, State.REFUSED)


class Application(ActingRecord):
    """One resident's application: their answers, as asked, and where it stands."""

    page = models.ForeignKey(
        ApplicationPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("application page"),
    )
    # Copied when sent: the page may be changed or deleted later.
    title = models.CharField(_("service"), max_length=255)
    case_label = models.CharField(_("case label"), max_length=30)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("resident"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_made",
        verbose_name=_("sent by"),
    )
    language = models.CharField(_("language asked in"), max_length=10)
    # [{"key", "question", "answer", "value"}]: the question's words as asked, the answer as
    # shown to the resident, and the stored value. Emptied when the keep time is over.
    answers = models.JSONField(_("answers"), default=list, blank=True)
    answers_forgotten_at = models.DateTimeField(_("answers forgotten on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SENT)
    missing_document = models.CharField(_("document needed"), max_length=200, blank=True)
    bring_it_to = models.CharField(_("where to bring it"), max_length=200, blank=True)
    refusal_reason = models.TextField(_("why it was not approved"), max_length=500, blank=True)
    key = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "key"],
                condition=~models.Q(key=""),
                name="one_application_per_tap",
            )
        ]

    def __str__(self):
        return f"{self.case_number} {self.case_label}"

    @property
    def case_number(self):
        """The number the resident quotes: SQ and six digits."""
        return f"SQ{self.pk:06d}" if self.pk else ""

    @property
    def subject(self):
        """What the help desk and the ratings call it: ``application:<id>``."""
        return f"application:{self.pk}"
