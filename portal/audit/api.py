"""Audit API: write down who saw or did what with a resident's information, and read it back.

Every view of a resident's personal data by staff or volunteers, and every action taken on
their behalf, goes through :func:`record` (services through ``portal.acting.Acting.record``;
views of data through :func:`record_view`). Entries are
append-only; the resident reads them at /my-information/.
"""

from portal.accounts.roles import Role, role_of
from portal.audit.models import AuditEntry
from portal.audit.sentences import SENTENCES, VIEWS
from portal.channels import Channel


def record(
    resident,
    action,
    *,
    actor=None,
    channel,
    role=None,
    consent=None,
    entered_by=None,
    reference="",
    **details,
):
    """Append one entry to ``resident``'s audit log and return it.

    ``action`` is a short code with a sentence in ``portal.audit.sentences`` (for example
    ``"booked_taxi"``); ``actor`` is who did it, None for the portal itself; ``role`` the
    ``Role`` they acted in (default: :func:`portal.accounts.roles.role_of`). ``channel`` is how
    the resident reached the portal (a ``Channel``). ``consent`` is the permission that was used
    and must be ``resident``'s; ``entered_by`` who typed it in when not the actor; ``reference``
    what it was done under (``"request:42"``). Extra keyword arguments are stored as JSON
    ``details`` and may be used by the sentence. Runs in the caller's transaction, so the entry
    exists exactly when the action does. Services record through ``portal.acting.Acting``.
    """
    if action not in SENTENCES:
        raise ValueError(
            f"No sentence for audit action {action!r}: add one with "
            "portal.audit.sentences.register_sentence()"
        )
    if consent is not None and consent.resident_id != resident.pk:
        raise ValueError("The consent belongs to another resident.")
    return AuditEntry.objects.create(
        resident=resident,
        actor=actor,
        actor_role=Role(role or role_of(actor, resident)),
        action=action,
        details=details,
        channel=Channel(channel),
        consent=consent,
        entered_by=entered_by,
        reference=reference or "",
    )


def record_view(user, resident, what, *, channel=Channel.STAFF_TOOLS, consent=None, reference=""):
    """Write down that ``user`` (staff, a volunteer, family) looked at ``resident``'s data.

    ``what`` says which data, one of ``portal.audit.sentences.VIEWS`` (``"profile"``,
    ``"appointments"``, ``"health_data"`` ...); the action is ``"viewed_<what>"``. ``channel``
    is where the look was made: the staff tools by default, the desk passes its own. A resident
    looking at their own data is not written down: returns None then.
    """
    if what not in VIEWS:
        raise ValueError(f"Unknown personal data {what!r}; known: {', '.join(VIEWS)}")
    if not (user and user.is_authenticated):
        raise ValueError("Only a signed-in user can be recorded viewing personal data.")
    if user.pk == resident.pk:
        return None
    return record(
        resident,
        f"viewed_{what}",
        actor=user,
        channel=channel,
        consent=consent,
        reference=reference,
    )


def entries_for(resident):
    """``resident``'s audit entries, newest first, ready to be described."""
    return (
        AuditEntry.objects.filter(resident=resident)
        .select_related("actor", "consent", "consent__grantee")
        .order_by("-created_at", "-pk")
    )
