"""The audit log: who saw or did what with a resident's information, append-only.

Rows are only ever added. ``save()`` on an existing row, ``delete()``, and the queryset's
``update()`` and ``delete()`` (and its raw delete) all raise :class:`AppendOnlyError`; foreign
keys protect the rows from cascades. The one way out is :func:`delete_expired`, for the nightly
retention task only: entries older than ``KEEP_AUDIT_DAYS`` go, and the task writes down how
many in a :class:`RetentionRun`. The sentence a resident reads is rendered at display time from
``action`` and ``details`` (see ``portal.audit.sentences``), so it is always in the reader's
language.
"""

from datetime import timedelta

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

    def _raw_delete(self, using):
        # What Django's deletion collector calls for a "fast" delete: closed too.
        raise AppendOnlyError("Audit entries cannot be deleted.")


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


def delete_expired(pks, now):
    """Delete those of the entries ``pks`` older than ``KEEP_AUDIT_DAYS`` at ``now``; return how
    many went.

    The one sanctioned way to remove audit entries, for the retention task only
    (``portal.audit.retention``, run by ``portal.retention.forget_old_records``, which records
    the count in a :class:`RetentionRun`). The age test is part of the DELETE statement itself,
    and ``now`` is never later than the clock, so no id passed here can remove a younger entry.
    """
    now = min(now, timezone.now())
    cutoff = now - timedelta(days=settings.KEEP_AUDIT_DAYS)
    expired = AuditEntry.objects.filter(pk__in=list(pks), created_at__lt=cutoff)
    # The plain queryset's raw delete: one DELETE ... WHERE id IN (...) AND created_at < cutoff.
    return models.QuerySet._raw_delete(expired, expired.db)


class RetentionRun(models.Model):
    """One run of the nightly retention task: how many rows of each kind it forgot.

    ``counts`` holds, per kind (``portal.retention``): ``action`` (deleted or anonymised),
    ``days`` kept, ``rows``, ``by_model``, ``batches`` and ``longest_batch_ms``. It is where
    the audit log's own expired entries are counted: an audit entry always names one resident,
    so the log cannot note its own clearing-out.
    """

    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("rows forgotten, by kind"), default=dict, blank=True)
    failed = models.JSONField(_("kinds that failed"), default=list, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]
        # No permission to give: the audit app's one permission stays "view the log".
        default_permissions = ()

    def __str__(self):
        return f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"
