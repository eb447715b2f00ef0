"""The audit log: who saw or did what with a resident's information, append-only.

Rows are only ever added. ``save()`` on an existing row, ``delete()``, and the queryset's
``update()`` and ``delete()`` all raise :class:`AppendOnlyError`; foreign keys protect the rows
from cascades. The sentence a resident reads is rendered at display time from ``action`` and
``details`` (see ``portal.audit.sentences``), so it is always in the reader's language.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.channels import Channel


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit entries cannot be changed.")


AuditEntryManager = models.Manager.from_queryset(AuditEntryQuerySet)


class AuditEntry(models.Model):
    """One thing someone (or the portal) saw or did with one resident's information."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        verbose_name=_("resident"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_entries_as_actor",
        null=True,
        blank=True,
        verbose_name=_("who"),
        help_text=_("Empty when the portal did it by itself."),
    )
    actor_role = models.CharField(
        _("role at the time"),
        max_length=200,
        help_text=_("Who they acted as (a role of portal.accounts.roles.Role) then."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_entries_entered",
        null=True,
        blank=True,
        verbose_name=_("typed in by"),
        help_text=_("Who typed it in, when that was not the person who acted."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=40,
        blank=True,
        help_text=_('What it was done under, for example "request:42".'),
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    consent = models.ForeignKey(
        "consent.Consent",
        on_delete=models.PROTECT,
        related_name="audit_entries",
        null=True,
        blank=True,
        verbose_name=_("consent used"),
    )
    created_at = models.DateTimeField(
        _("when"), default=timezone.now, editable=False, db_index=True
    )

    objects = AuditEntryManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        # Related managers and Django internals use the base manager: make it refuse too.
        base_manager_name = "objects"
        # Nobody can be given add, change or delete: looking is the only right there is.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["resident", "-created_at"])]

    def __str__(self):
        return (
            f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.action} ({self.resident})"
        )

    def save(self, **kwargs):
        # force_insert: even a copy carrying an existing pk can never overwrite a row.
        if not self._state.adding or kwargs.get("update_fields") or kwargs.get("force_update"):
            raise AppendOnlyError("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(**kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def sentence(self):
        """What happened, as one plain sentence for the resident, in the active language."""
        from portal.audit.sentences import describe

        return describe(self)

    sentence.short_description = _("what happened")

    def consent_sentence(self):
        """Which permission was used, for example "You gave permission in person on ...", or ""."""
        from portal.audit.sentences import describe_consent

        return describe_consent(self)
