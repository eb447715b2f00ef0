"""The resident's agreements to the processing of sensitive data (PIPL art. 29).

Not the permissions to act for a resident (``portal.consent``): these say whether the portal
may keep and use a kind of sensitive data at all. Rows are only ever added: the newest row for
a resident and purpose is their answer now (yes, no, or withdrawn), so the history stays.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.channels import Channel


class Purpose(models.TextChoices):
    # Real name, ID number and health (which department, which visits): hospital booking.
    HOSPITAL = "hospital", _("ID number and hospital visits, for hospital booking")
    # Home address, saved places and trips: the taxi.
    TAXI = "taxi", _("Home address and trips, for calling taxis")


class ProcessingConsent(models.Model):
    """One answer a resident gave to the question of one purpose, in one wording version."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="processing_consents",
        verbose_name=_("resident"),
    )
    purpose = models.CharField(_("what it is for"), max_length=20, choices=Purpose.choices)
    version = models.PositiveSmallIntegerField(_("wording version"))
    agreed = models.BooleanField(_("agreed"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    channel = models.CharField(_("how it was given"), max_length=20, choices=Channel.choices)
    # Staff who heard it said or saw it signed; None when the resident answered themselves.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement to use sensitive data")
        verbose_name_plural = _("agreements to use sensitive data")
        # Newest first by insertion, not by clock: the newest row is the answer now.
        ordering = ["-id"]
        indexes = [models.Index(fields=["resident", "purpose", "-id"])]

    def __str__(self):
        return f"{self.resident} · {self.get_purpose_display()} · v{self.version}"
