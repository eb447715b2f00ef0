"""Sign-in code records are deleted ``KEEP_SIGNIN_CODES_DAYS`` (one by default) after made.

Deleted: a record only counts towards the hourly limits on asking for codes, and holds the
number and network address that asked. (The hourly ``accounts.forget_old_codes`` task deletes
them a day old too; this keeps the privacy notice's figure and the nightly count honest.)
"""

from django.utils.translation import gettext_lazy as _

from portal.accounts.models import SignInCode
from portal.retention import DELETED, register


@register(
    "sign-in codes",
    label=_("sign-in codes"),
    days="KEEP_SIGNIN_CODES_DAYS",
    action=DELETED,
)
def forget_old_codes(cutoff, batches):
    """Delete sign-in code records made before ``cutoff``."""
    batches.delete(SignInCode.objects.filter(created_at__lt=cutoff))
