"""Duty: who may act for residents right now.

Acting for a resident (with their consent) needs three things: the person is active staff, holds
the permission ``accounts.act_for_resident`` (volunteers, counter staff, supervisors), and is on
duty now. Family members do not go through here: they act under consents that name them.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Duty
from portal.accounts.roles import ACT_FOR_RESIDENT

# Where permissions live (groups and users): asked directly when listing everyone who holds one.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def duty_of(user):
    """``user``'s duty record, made (off duty) the first time it is asked for."""
    duty, _ = Duty.objects.get_or_create(person=user)
    return duty


def may_act_now(user):
    """True when ``user`` may act for residents now: active staff, permitted, on duty."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not user.has_perm(ACT_FOR_RESIDENT):
        return False
    return Duty.objects.filter(person=user, on_duty=True).exists()


def on_duty_now():
    """The duties of everyone who may act for residents now (as :func:`may_act_now` says of
    each), in one query however many are on duty."""
    allowed = (
        get_user_model()
        .objects.with_perm(ACT_FOR_RESIDENT, backend=MODEL_BACKEND)
        .filter(is_active=True, is_staff=True)
    )
    return Duty.objects.filter(on_duty=True, person__in=allowed)


def set_on_duty(user, on_duty):
    """Put ``user`` on duty or off it from now; return their duty record.

    Only people who may act for residents can go on duty (``PermissionError`` otherwise);
    anyone can go off duty.
    """
    if on_duty and not (user.is_active and user.is_staff and user.has_perm(ACT_FOR_RESIDENT)):
        raise PermissionError(f"{user} may not act for residents, so cannot go on duty")
    with transaction.atomic():
        duty = duty_of(user)
        if duty.on_duty != on_duty:
            duty.on_duty = on_duty
            duty.changed_at = timezone.now()
            duty.save(update_fields=["on_duty", "changed_at"])
    return duty
