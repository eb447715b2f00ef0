"""Audit entries are deleted ``KEEP_AUDIT_DAYS`` (three years by default) after they were written.

Deleted rather than anonymised: an entry exists to tell one resident who saw or did what with
their information, and without the resident it tells nobody anything. This is the one path
that removes entries (:func:`portal.audit.models.delete_expired`); everything else is refused.
The run's count is written down in a ``RetentionRun`` (portal.retention).
"""

from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEntry, delete_expired
from portal.retention import DELETED, register


@register(
    "audit entries",
    label=_("who saw your information"),
    days="KEEP_AUDIT_DAYS",
    action=DELETED,
)
def forget_old_entries(cutoff, batches):
    """Delete audit entries written before ``cutoff``, batch by batch."""

    def act(pks):
        removed = delete_expired(pks, batches.now)
        batches.note(AuditEntry, removed)
        return removed

    batches.run(AuditEntry.objects.filter(created_at__lt=cutoff), act)
