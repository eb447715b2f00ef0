"""Consent API: every channel records, checks and withdraws a resident's permission here.

Services do not call this directly: the acting context (``portal.acting.Acting``) asks
:func:`require_consent` before a service acts for someone else and records the consent it got
on the ride, the appointment and the audit entry, so the resident can later see which
permission was used.

A consent names who may act: a person (a family member, or one member of staff), or nobody by
name and the open request it belongs to (``reference``, such as ``request:42``): then whoever
is on duty and holds that request may use it. Staff use a consent only while on duty
(``portal.accounts.duty``). Consents run out soon unless the resident chose otherwise.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from portal.accounts.duty import may_act_now
from portal.audit import api as audit
from portal.channels import Channel
from portal.consent import grantees
from portal.consent.models import RECORDED_BY_SOMEONE, Consent, GivenVia, Scope

# How the resident said yes decides which channel the audit entry shows.
CHANNEL_FOR_GIVEN_VIA = {
    GivenVia.WEB: Channel.WEB,
    GivenVia.PHONE_KEYPRESS: Channel.PHONE,
    GivenVia.PHONE_SPOKEN: Channel.PHONE,
    GivenVia.SMS_REPLY: Channel.SMS,
    GivenVia.IN_PERSON_COUNTER: Channel.COUNTER,
}
# How long a consent lasts when nobody says: the life of a request for help, or a week for a
# named person. A resident who wants longer says so (the family page keeps a year).
FOR_A_REQUEST = timedelta(days=2)
FOR_A_PERSON = timedelta(days=7)


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


class NotOnDuty(ConsentRequired):
    """Staff who are off duty, or lack the permission, act for nobody, whatever consents exist."""

    @property
    def message(self):
        return gettext(
            "Only a volunteer or member of staff on duty may act for a resident. "
            "Go on duty first, then try again."
        )


def grant(
    resident,
    scope,
    *,
    grantee=None,
    reference="",
    given_via,
    recorded_by=None,
    valid_for=None,
    note="",
):
    """Record that ``resident`` allows someone to act for them in ``scope``; return the consent.

    Who may act: ``grantee`` (a person), or, with ``grantee=None``, whoever is on duty and holds
    the open request ``reference`` (for example ``"request:42"``); one of the two is required.
    ``given_via`` is how the resident said yes (a ``GivenVia`` value); ``recorded_by`` is who
    typed it in, kept apart from who may act, and is required when the resident said it on the
    phone or signed at a counter. The consent is valid from now for ``valid_for`` (default: two
    days for a request, a week for a person). Writes a ``granted_consent`` audit entry in the
    same transaction.
    """
    scope = Scope(scope)
    given_via = GivenVia(given_via)
    reference = (reference or "").strip()
    if grantee is None and not reference:
        raise ValueError("a consent names who may act: a grantee, or the request's reference")
    if valid_for is None:
        valid_for = FOR_A_PERSON if grantee is not None else FOR_A_REQUEST
    if valid_for <= timedelta(0):
        raise ValueError("valid_for must be positive")
    if grantee is not None and grantee.pk == resident.pk:
        raise ValueError("a resident does not need consent from themselves")
    if given_via in RECORDED_BY_SOMEONE and recorded_by is None:
        raise ValueError(f"consent given {given_via.label} needs recorded_by")
    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.create(
            resident=resident,
            grantee=grantee,
            reference=reference,
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
            reference=reference,
            scope=str(scope),
        )
    return consent


def revoke(consent, *, by, channel):
    """Withdraw ``consent`` from now on, as asked by ``by``; return it.

    ``by`` is who withdrew it (the resident, or staff for them; None for the portal, for
    example when the request it belonged to closed), ``channel`` how (a ``Channel``). Writes a
    ``revoked_consent`` audit entry. Withdrawing a consent that is already withdrawn changes
    nothing and writes nothing.
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
                channel=channel,
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


def valid_consent(resident, scope, acting_user, *, reference=""):
    """The consent that lets ``acting_user`` act for ``resident`` in ``scope`` now, or None.

    Valid means not withdrawn and not yet at ``expires_at``. Someone who is not staff (a
    family member) may use a consent that names them. Staff may use one only while they may
    act now (on duty, with the permission: ``portal.accounts.duty.may_act_now``), and then one
    that names them, or one that names the request ``reference`` they act under. A consent
    naming the acting user is preferred over one for the request; among equals, the newest.
    """
    if not (acting_user and acting_user.is_authenticated and acting_user.is_active):
        return None
    who = Q(grantee=acting_user)
    if acting_user.is_staff:
        if not may_act_now(acting_user):
            return None
        if reference:
            who |= Q(grantee__isnull=True, reference=reference)
    return (
        Consent.objects.in_force()
        .filter(who, resident=resident, scope=Scope(scope))
        .order_by(F("grantee").asc(nulls_last=True), "-created_at", "-pk")
        .first()
    )


def residents_who_allow(acting_user, scope):
    """The residents whose consent in ``scope`` names ``acting_user`` and is in force now."""
    users = get_user_model().objects
    if not grantees.holds_any(acting_user):
        return users.none()
    return users.filter(pk__in=_allowing(acting_user, [scope]))


def ids_of_residents_who_allow(acting_user, *scopes):
    """As :func:`residents_who_allow`, for any of ``scopes``: their ids, as a subquery to
    filter with; nothing to filter for someone who holds no permission (``grantees``)."""
    if not grantees.holds_any(acting_user):
        return Consent.objects.none().values("resident_id")
    return _allowing(acting_user, scopes)


def _allowing(acting_user, scopes):
    return (
        Consent.objects.in_force()
        .filter(grantee=acting_user, scope__in=[Scope(scope) for scope in scopes])
        .values("resident_id")
    )


def require_consent(resident, scope, acting_user, *, reference=""):
    """Return the consent that lets ``acting_user`` act for ``resident`` in ``scope``.

    Called before acting for someone else (``portal.acting.Acting.with_consent``); the result
    goes on the record and the audit entry. ``reference`` is the request the acting user
    holds, if any. Raises :class:`ConsentRequired` (a translated message for the person at the
    desk) when there is none.
    """
    consent = valid_consent(resident, scope, acting_user, reference=reference)
    if consent is None:
        if acting_user and acting_user.is_staff and not may_act_now(acting_user):
            raise NotOnDuty(resident, scope, acting_user)
        raise ConsentRequired(resident, scope, acting_user)
    return consent
