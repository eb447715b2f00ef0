"""What the pages that ask for a code say about it: only what is true at that moment.

Each of those pages keeps a small state in the session (the number, the attempt of the last
code that went, the outbox row, or why none went) and shows it with
``accounts/_code_status.html``.
"""

from portal.notifications import api as notify
from portal.notifications.models import Status

SENT = {Status.SENT, Status.DELIVERED}
FAILED = {Status.FAILED, Status.UNDELIVERED, Status.CANCELLED}


def remember(state, result, attempt, *, by_voice=False):
    """Fold a ``signin.CodeRequest`` into a page's session ``state`` and return it.

    A refused request keeps the attempt of the code that went before, so that code still works.
    """
    state = {**state, "phone": result.phone, "by_voice": by_voice}
    if result.refusal:
        state["refusal"] = [result.refusal.reason, result.refusal.wait_minutes]
    else:
        state.update(attempt=attempt, message_id=result.message_id, refusal=None)
    return state


def status(state):
    """What to tell the person: ``{"state": "sent" | "sending" | "failed" | "refused", ...}``."""
    if state.get("refusal"):
        reason, minutes = state["refusal"]
        return {"state": "refused", "reason": reason, "minutes": minutes, **_common(state)}
    outbox = notify.status_of(state["message_id"]) if state.get("message_id") else None
    if outbox in SENT:
        return {"state": "sent", **_common(state)}
    if outbox in FAILED or outbox is None:
        return {"state": "failed", **_common(state)}
    return {"state": "sending", **_common(state)}


def _common(state):
    return {"phone": state.get("phone", ""), "by_voice": state.get("by_voice", False)}


def has_code(state):
    """Whether a code went for this state, so the page asks for it."""
    return bool(state.get("attempt"))
