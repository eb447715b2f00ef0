"""The fields a record made for a resident keeps about how it was made: the acting context.

A taxi ride and a hospital appointment (and whatever a service makes next) inherit them, and
``portal.acting.Acting.stamp()`` fills them, so "who, as what, how, under what" is written the
same way everywhere.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Role
from portal.channels import Channel


class ActingRecord(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    acting_role = models.CharField(
        _("done as"), max_length=16, choices=Role.choices, default=Role.RESIDENT
    )
    consent = models.ForeignKey(
        "consent.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)ss",
        verbose_name=_("permission used"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)ss_entered",
        verbose_name=_("typed in by"),
    )
    reference = models.CharField(
        _("done under"),
        max_length=40,
        blank=True,
        help_text=_('For example "request:42": the request for help it was done for.'),
    )

    class Meta:
        abstract = True
