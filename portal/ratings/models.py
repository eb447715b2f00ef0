"""One rating model for anything rated (requests for help, rides, appointments), and the
monthly results published on each service's page. What was rated is a reference
(``request:42``, ``ride:12``), so this app never imports what it rates."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.channels import Channel


class Level(models.IntegerChoices):
    """The five levels of the government service rating (好差评)."""

    VERY_SATISFIED = 5, _("Very satisfied (非常满意)")
    SATISFIED = 4, _("Satisfied (满意)")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied (基本满意)")
    DISSATISFIED = 2, _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = 1, _("Very dissatisfied (非常不满意)")


# A rating at or below this opens a follow-up by a supervisor.
POOR = Level.DISSATISFIED


class Rating(models.Model):
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("resident"),
    )
    subject = models.CharField(_("what was rated"), max_length=40)
    level = models.PositiveSmallIntegerField(_("how satisfied"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("given through"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written down by"),
        help_text=_("Who typed it in on a follow-up call; empty when the resident did."),
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)
    # Preset reasons the resident ticked (keys of portal.ratings.reasons.REASONS).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    changed_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    # A poor rating's follow-up was handled: the resident may rate again.
    may_rate_again = models.BooleanField(_("may rate again"), default=False)
    # A poor rating's follow-up: when a person had to call by, and when one first took it.
    follow_up_due = models.DateTimeField(_("follow up by"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["resident", "subject"], name="one_rating_each")
        ]
        # The month's results and the supervisor's figures count ratings given in a period.
        indexes = [models.Index(fields=["created_at"], name="rating_given_at")]

    def __str__(self):
        return f"{self.subject} · {self.level}"


class MonthlyResult(models.Model):
    """How satisfied residents were with one service in one month, as its page shows it.

    Written once, when the month is published (``portal.ratings.results``): a rating changed
    afterwards does not change what was published.
    """

    service = models.CharField(_("service"), max_length=20)  # a built-in service's key
    month = models.DateField(_("month"))  # its first day
    # How many ratings of each level: {"5": 12, "4": 3, ...}.
    counts = models.JSONField(_("ratings of each level"), default=dict)
    total = models.PositiveIntegerField(_("ratings"))
    poor = models.PositiveIntegerField(_("poor ratings"))
    poor_followed_up_in_time = models.PositiveIntegerField(
        _("poor ratings followed up within one working day")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly rating result")
        verbose_name_plural = _("monthly rating results")
        constraints = [
            models.UniqueConstraint(fields=["service", "month"], name="one_result_a_month")
        ]

    def __str__(self):
        return f"{self.service} {self.month:%Y-%m}"
