"""Whether someone holds any permission at all: kept, so most signed-in pages ask nothing.

The taxi home, the hospital flow and "my appointments" look for residents who let the
signed-in person act for them; almost nobody has any, yet each look cost a query (or a
subquery) on every such page. Whether the person holds any permission in force is kept in the
shared session cache and forgotten when a permission naming them is saved (given or
withdrawn). "None" cannot become wrong by waiting (time only ends permissions); "some" only
means the real query runs. A permission given in the instant between the look and the keeping
could be missed for at most ``KEEP_SECONDS``; acting always checks the permission itself.
"""

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.consent.models import Consent

KEEP_SECONDS = 10 * 60
NONE, SOME = "none", "some"


def _key(user_id):
    return f"grantee:{user_id}"


def holds_any(user):
    """True unless ``user`` holds no permission in force from anyone (usually no query)."""
    cache = caches["sessions"]
    state = cache.get(_key(user.pk))
    if state is None:
        state = SOME if Consent.objects.in_force().filter(grantee=user).exists() else NONE
        cache.set(_key(user.pk), state, KEEP_SECONDS)
    return state == SOME


@receiver(post_save, sender=Consent, dispatch_uid="consent_grantee_changed")
def _permission_saved(sender, instance, **kwargs):
    if instance.grantee_id is not None:
        # Now, and again once committed: a page read between the two may have kept "none".
        key = _key(instance.grantee_id)
        caches["sessions"].delete(key)
        transaction.on_commit(lambda: caches["sessions"].delete(key))
