"""The answers of an application are forgotten ``APPLICATIONS_KEEP_DAYS`` after it was decided.

The answers (what the resident told us: dates of birth, phone numbers, where they live) are
what identifies them; they are wiped, and the case stays without them (its number, service and
outcome) for the desk's figures. An application not decided yet is never touched, however old.
The keep time is the setting ``APPLICATIONS_KEEP_DAYS``.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.retention import ANONYMISED, register
from services.applications.models import FINAL_STATES, Application

SETTING = "APPLICATIONS_KEEP_DAYS"


@register("applications", label=_("application answers"), days=SETTING, action=ANONYMISED)
def forget_old_answers(cutoff, batches):
    """Wipe the answers of applications decided (and last changed) before ``cutoff``."""
    due = Application.objects.filter(
        state__in=FINAL_STATES,
        decided_at__lt=cutoff,
        updated_at__lt=cutoff,
        answers_forgotten_at__isnull=True,
    )

    def act(pks):
        rows = due.filter(pk__in=pks).update(
            answers=[], missing_document="", bring_it_to="", answers_forgotten_at=timezone.now()
        )
        batches.note(Application, rows)
        return rows

    batches.run(due, act)
