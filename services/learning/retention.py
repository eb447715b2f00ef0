"""Places in learning sessions are deleted ``KEEP_APPOINTMENTS_DAYS`` after the session.

A place is kept as long as a hospital appointment (there is no setting of its own yet): it
says where a person was and when. What the resident learned is their own progress and
stays until they close their account (``services.learning.closing``).
"""

from django.utils.translation import gettext_lazy as _

from portal.retention import DELETED, register
from services.learning.models import Place


@register(
    "learning places",
    label=_("class places"),
    days="KEEP_APPOINTMENTS_DAYS",
    action=DELETED,
)
def forget_old_places(cutoff, batches):
    """Delete places in sessions that ended before ``cutoff``."""
    batches.delete(Place.objects.filter(session__ends_at__lt=cutoff, created_at__lt=cutoff))
