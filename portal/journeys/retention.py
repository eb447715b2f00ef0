"""Journey steps are deleted ``KEEP_JOURNEY_DAYS`` after they happened: as long as the rides,
so the supervisor's "left behind" figure stays true for every month it offers."""

from django.utils.translation import gettext_lazy as _

from portal.journeys.models import Step
from portal.retention import DELETED, register


@register(
    "journey steps",
    label=_("what you tried"),
    days="KEEP_JOURNEY_DAYS",
    action=DELETED,
)
def forget_old_steps(cutoff, batches):
    """Delete the steps from before ``cutoff``."""
    batches.delete(Step.objects.filter(at__lt=cutoff))
