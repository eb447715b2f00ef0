"""Audit API: write down who saw or did what with a resident's information, and read it back.

Every view of a resident's personal data by staff or volunteers, and every action taken on
their behalf, goes through :func:`record` (or :func:`record_view` from a view). Entries are
append-only; the resident reads them at /my-information/.
"""

from portal.accounts.roles import SERVE_AT_COUNTER
from portal.audit.models import AuditEntry, Channel
from portal.audit.sentences import SENTENCES, VIEWS, role_of


def channel_for(actor, resident):
    """The channel an action by ``actor`` for ``resident`` came through, when nobody said.

    The portal itself is ``system``; the resident or a family member on the website is ``web``;
    staff who serve at a counter (``accounts.serve_at_counter``, given to counter staff) are
    ``counter``; other staff (volunteers, supervisors) are ``volunteer``.
    """
    if actor is None:
        return Channel.SYSTEM
    if actor.pk == resident.pk or not actor.is_staff:
        return Channel.WEB
    # A superuser holds every permission without being given it: that says nothing about
    # where they work.
    if actor.has_perm(SERVE_AT_COUNTER) and not actor.is_superuser:
        return Channel.COUNTER
    return Channel.VOLUNTEER


def record(resident, action, *, actor=None, channel, consent=None, **details):
    """Append one entry to ``resident``'s audit log and return it.

    ``action`` is a short code with a sentence in ``portal.audit.sentences`` (for example
    ``"booked_taxi"``); ``actor`` is who did it, None for the portal itself, and their role is
    snapshotted from their groups now. ``channel`` is a ``Channel`` value. ``consent`` is the
    permission that was used (from ``require_consent``) and must be ``resident``'s. Extra
    keyword arguments are stored as JSON ``details`` and may be used by the sentence.
    Runs in the caller's transaction, so the entry exists exactly when the action does.
    """
    if action not in SENTENCES:
        raise ValueError(
            f"No sentence for audit action {action!r}: add one with "
            "portal.audit.sentences.register_sentence()"
        )
    channel = Channel(channel)
    if consent is not None and consent.resident_id != resident.pk:
        raise ValueError("The consent belongs to another resident.")
    return AuditEntry.objects.create(
        resident=resident,
        actor=actor,
        actor_role=role_of(actor, resident),
        action=action,
        details=details,
        channel=channel,
        consent=consent,
    )


def record_view(request, resident, what, *, consent=None):
    """Write down that the signed-in staff member or volunteer looked at ``resident``'s data.

    ``what`` says which data, one of ``portal.audit.sentences.VIEWS`` (``"profile"``,
    ``"appointments"``, ``"health_data"`` ...); the action is ``"viewed_<what>"``. The actor
    is ``request.user`` with their groups as role, the channel follows from who they are. A
    resident looking at their own data is not written down: returns None then.
    """
    if what not in VIEWS:
        raise ValueError(f"Unknown personal data {what!r}; known: {', '.join(VIEWS)}")
    user = request.user
    if not user.is_authenticated:
        raise ValueError("Only a signed-in user can be recorded viewing personal data.")
    if user.pk == resident.pk:
        return None
    return record(
        resident,
        f"viewed_{what}",
        actor=user,
        channel=channel_for(user, resident),
        consent=consent,
    )


def entries_for(resident):
    """``resident``'s audit entries, newest first, ready to be described."""
    return (
        AuditEntry.objects.filter(resident=resident)
        .select_related("actor", "consent", "consent__grantee")
        .order_by("-created_at", "-pk")
    )
