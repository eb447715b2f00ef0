"""Signed-in residents come from the shared session cache, not a query on every page.

Django's session check loads the user from the database on every request; for residents
that query was a tenth of a signed-in page's CPU. Residents signed in with a phone code name
this backend in their session, so their user is read from the "sessions" cache (Redis, or
the files every web process shares) and fetched only when it is not there.

Staff are never kept: their rows hold a password hash, and their permissions and duty
change while they work. Any save or delete of a user, a change of their groups, and the
closing of an account (an UPDATE, no signal) forget the kept copy, so the next page reads
the row again; a copy is kept at most ``KEEP_SECONDS`` in any case.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

PATH = "portal.accounts.resident_backend.ResidentBackend"
KEEP_SECONDS = 10 * 60


def _key(user_id):
    return f"resident:{user_id}"


def forget(user_id):
    """Drop the kept copy of user ``user_id``: the next page reads their row."""
    caches["sessions"].delete(_key(user_id))


class ResidentBackend(ModelBackend):
    """Restores residents' sessions from the cache; never checks a password (ModelBackend
    does, for staff)."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        cache = caches["sessions"]
        user = cache.get(_key(user_id))
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None and not user.is_staff:
            cache.set(_key(user_id), user, KEEP_SECONDS)
        return user


@receiver(post_save, sender=get_user_model(), dispatch_uid="resident_backend_saved")
@receiver(post_delete, sender=get_user_model(), dispatch_uid="resident_backend_deleted")
def _user_changed(sender, instance, **kwargs):
    forget(instance.pk)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="resident_groups")
def _groups_changed(sender, instance, pk_set=None, reverse=False, **kwargs):
    for user_id in (pk_set or ()) if reverse else (instance.pk,):
        forget(user_id)
