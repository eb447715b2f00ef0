"""Consent API: every channel records, checks and withdraws a resident's permission here.

Services call :func:`require_consent` before they act for someone else; it returns the consent
to pass on to :func:`portal.audit.api.record`, so the resident can later see which permission
was used.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from portal.audit import api as audit
from portal.audit.models import Channel
from portal.consent.models import Consent, GivenVia, Scope

# How the resident said yes decides which channel the audit entry shows.
CHANNEL_FOR_GIVEN_VIA = {
    GivenVia.WEB: Channel.WEB,
    GivenVia.PHONE_KEYPRESS: Channel.PHONE,
    GivenVia.SMS_REPLY: Channel.PHONE,
    GivenVia.IN_PERSON_COUNTER: Channel.COUNTER,
}


class ConsentRequired(PermissionDenied):
    """The acting user holds no valid consent from the resident for this scope.

    A ``PermissionDenied``, so a view that lets it through answers 403. ``str()`` gives a
    sentence for the person at the desk, in the language active when it is shown.
    """

    def __init__(self, resident, scope, acting_user):
        self.resident = resident
        self.scope = scope
        self.acting_user = acting_user
        super().__init__(resident, scope)

    @property
    def message(self):
        return gettext(
            "You need %(resident)s's permission first for this: %(scope)s. "
            "Ask them, then record their permission."
        ) % {"resident": self.resident, "scope": Scope(self.scope).label}

    def __str__(self):
        return self.message


def grant(
    resident,
    scope,
    *,
    grantee=None,
    given_via,
    recorded_by=None,
    valid_for=timedelta(days=365),
    note="",
):
    """Record that ``resident`` allows ``grantee`` to act for them in ``scope``; return it.

    ``grantee=None`` means any volunteer or counter staff member on duty who handles the
    resident's request. ``given_via`` is how the resident said yes (a ``GivenVia`` value);
    ``recorded_by`` is who typed it in, kept apart from who may act, and is required for
    consent given in person. The consent is valid from now until ``now + valid_for``
    (exclusive). Writes a ``granted_consent`` audit entry in the same transaction.
    """
    scope = Scope(scope)
    given_via = GivenVia(given_via)
    if valid_for <= timedelta(0):
        raise ValueError("valid_for must be positive")
    if grantee is not None and grantee.pk == resident.pk:
        raise ValueError("a resident does not need consent from themselves")
    if given_via == GivenVia.IN_PERSON_COUNTER and recorded_by is None:
        raise ValueError("consent given in person needs recorded_by")
    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.create(
            resident=resident,
            grantee=grantee,
            scope=scope,
            given_via=given_via,
            recorded_by=recorded_by,
            created_at=now,
            expires_at=now + valid_for,
            note=note,
        )
        audit.record(
            resident,
            "granted_consent",
            actor=recorded_by or resident,
            channel=CHANNEL_FOR_GIVEN_VIA[given_via],
            consent=consent,
            scope=str(scope),
        )
    return consent


def revoke(consent, *, by, channel=None):
    """Withdraw ``consent`` from now on, as asked by ``by``; return it.

    ``channel`` defaults to the one ``by`` works through (see
    :func:`portal.audit.api.channel_for`). Writes a ``revoked_consent`` audit entry. Withdrawing
    a consent that is already withdrawn changes nothing and writes nothing.
    """
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit.record(
                locked.resident,
                "revoked_consent",
                actor=by,
                channel=channel or audit.channel_for(by, locked.resident),
                consent=locked,
                scope=locked.scope,
            )
    consent.revoked_at = locked.revoked_at
    return consent


def revoke_all(resident, grantee, *, by, channel):
    """Withdraw every consent ``resident`` gave ``grantee`` that is still in force; return how many.

    Each one goes through :func:`revoke` (so each writes its own ``revoked_consent`` audit
    entry), all in one transaction: either every one is withdrawn or none is. ``by`` and
    ``channel`` are passed on to :func:`revoke`. Consents already withdrawn or expired are left
    alone and not counted.
    """
    with transaction.atomic():
        active = (
            Consent.objects.select_for_update()
            .in_force()
            .filter(resident=resident, grantee=grantee)
        )
        consents = list(active)
        for consent in consents:
            revoke(consent, by=by, channel=channel)
    return len(consents)


def _is_staff(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def valid_consent(resident, scope, acting_user):
    """The consent that lets ``acting_user`` act for ``resident`` in ``scope`` now, or None.

    Valid means not withdrawn and not yet at ``expires_at``. It must name ``acting_user`` as
    grantee, or name nobody, and then only staff (volunteers, counter staff) may use it. A
    consent naming the acting user is preferred over a general one; among equals, the newest.
    """
    if not (acting_user and acting_user.is_authenticated and acting_user.is_active):
        return None
    who = Q(grantee=acting_user)
    if _is_staff(acting_user):
        who |= Q(grantee__isnull=True)
    return (
        Consent.objects.in_force()
        .filter(who, resident=resident, scope=Scope(scope))
        .order_by(F("grantee").asc(nulls_last=True), "-created_at", "-pk")
        .first()
    )


def residents_who_allow(acting_user, scope):
    """The residents whose consent in ``scope`` names ``acting_user`` and is in force now."""
    resident_ids = Consent.objects.in_force().filter(grantee=acting_user, scope=Scope(scope))
    return get_user_model().objects.filter(pk__in=resident_ids.values("resident_id"))


def require_consent(resident, scope, acting_user):
    """Return the consent that lets ``acting_user`` act for ``resident`` in ``scope``.

    Call this before acting for someone else and pass the result to the audit entry. Raises
    :class:`ConsentRequired` (a translated message for the person at the desk) when there is
    none.
    """
    consent = valid_consent(resident, scope, acting_user)
    if consent is None:
        raise ConsentRequired(resident, scope, acting_user)
    return consent
