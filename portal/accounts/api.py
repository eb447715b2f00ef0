"""Resident API: change a resident's details, for the web pages and the help desk alike.

Every function takes an acting context (``portal.acting.Acting``): the resident themselves on
the website, or someone acting for them (a family member, a volunteer or counter staff on
duty) with their consent in ``Scope.DETAILS``. Each change is checked as the model checks it,
saved in one transaction with an audit entry the resident can read, and raises a translated
``ValidationError`` with nothing changed when the input is wrong.

Family members are added and removed through :func:`add_family_member` and
:func:`remove_family_member`: only the resident may do that (a helper cannot make someone else
a proxy for the resident).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.accounts.models import SavedPlace, User
from portal.accounts.phone import normalize_phone
from portal.consent import api as consent_api
from portal.consent.models import GivenVia, Scope

# The details a resident (or someone for them) may change here. The phone number they sign in
# with changes only through a code sent to the new number (portal.accounts.signin).
DETAILS = (
    "preferred_name",
    "home_address",
    "street",
    "language",
    "notify_by",
    "needs_wheelchair",
    "needs_hearing",
    "needs_boarding_help",
    "phone_straight_to_person",
    "emergency_name",
    "emergency_phone",
)
# How long a family member may act when the resident adds them on the website: as before, a
# year, until the resident withdraws it (the family page lists and withdraws them).
FAMILY_CONSENT_LIFE = timedelta(days=365)


def change_details(acting, **changes):
    """Change some of ``acting.resident``'s :data:`DETAILS`; return the resident.

    ``changes`` maps field names to new values (``street`` an ``areas.Street`` or None;
    ``emergency_phone`` in any form a person types, normalised here). Unknown fields raise
    ``ValueError``. Writes one ``changed_details`` audit entry naming the fields that changed
    (never their values); a change to nothing new writes nothing.
    """
    unknown = set(changes) - set(DETAILS)
    if unknown:
        raise ValueError(f"Not a detail that can be changed here: {sorted(unknown)}")
    if changes.get("emergency_phone"):
        changes["emergency_phone"] = normalize_phone(changes["emergency_phone"])
    acting = acting.with_consent(Scope.DETAILS)
    with transaction.atomic():
        resident = User.objects.select_for_update().get(pk=acting.resident.pk)
        changed = [name for name, value in changes.items() if getattr(resident, name) != value]
        if not changed:
            return resident
        for name in changed:
            setattr(resident, name, changes[name])
        resident.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in changed])
        resident.save(update_fields=changed)
        acting.record("changed_details", fields=sorted(changed))
    _copy_onto(acting.resident, resident, changed)
    return resident


def add_saved_place(acting, *, label, address, landmark=""):
    """Save a place ``acting.resident`` often goes to; return it. Audited as ``saved_place``."""
    acting = acting.with_consent(Scope.DETAILS)
    place = SavedPlace(
        resident=acting.resident, label=label.strip(), address=address.strip(), landmark=landmark
    )
    place.full_clean()
    with transaction.atomic():
        place.save()
        acting.record("saved_place", place=place.label)
    return place


def remove_saved_place(acting, place):
    """Remove one of ``acting.resident``'s saved places. Audited as ``removed_place``."""
    acting = acting.with_consent(Scope.DETAILS)
    if place.resident_id != acting.resident.pk:
        raise PermissionDenied("That place is another resident's.")
    with transaction.atomic():
        label = place.label
        place.delete()
        acting.record("removed_place", place=label)


def add_family_member(acting, member, scopes):
    """Let ``member`` act for the resident in ``scopes``; return the consents (one per scope).

    Only the resident may add a family member, on the website after the member confirmed a
    code sent to their phone; each consent lasts :data:`FAMILY_CONSENT_LIFE` unless withdrawn.
    """
    _resident_only(acting)
    if member.pk == acting.resident.pk:
        raise ValidationError("A resident cannot be their own family member.")
    with transaction.atomic():
        return [
            consent_api.grant(
                acting.resident,
                scope,
                grantee=member,
                given_via=GivenVia.WEB,
                valid_for=FAMILY_CONSENT_LIFE,
            )
            for scope in scopes
        ]


def remove_family_member(acting, member):
    """Withdraw every permission the resident gave ``member``; return how many were in force."""
    _resident_only(acting)
    return consent_api.revoke_all(acting.resident, member, by=acting.user, channel=acting.channel)


def _resident_only(acting):
    if acting.on_behalf:
        raise PermissionDenied("Only the resident may choose their family members.")


def _copy_onto(target, source, fields):
    """Keep the caller's user object (often ``request.user``) in step with the database."""
    if target is not source:
        for name in fields:
            setattr(target, name, getattr(source, name))
