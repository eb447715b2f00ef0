"""The notifications API every feature uses to tell a person something by SMS or call.

``send`` writes an outbox row in the caller's transaction and queues delivery
when that transaction commits; ``send_to_resident`` does it for a person, in their
language and by their preferred medium; ``record_status`` applies a provider's report.
``opt_out`` and ``opt_in`` keep the numbers that asked for no more messages (STOP), which
``send`` honours for everything but sign-in codes.
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.accounts.phone import normalize_phone
from portal.audit.sentences import register_sentence
from portal.notifications import delivery, limits, templates
from portal.notifications.models import STATUS_RANK, Medium, Message, OptOut, Purpose, Status

logger = logging.getLogger(__name__)

# Twilio's error for a number that texted STOP to it (its own list, kept apart from ours).
TWILIO_OPTED_OUT = "21610"

# Stopping and restarting messages goes in the resident's audit log (see ``opt_out``).
register_sentence(
    "stopped_messages",
    _("%(who)s asked for no more messages from the portal %(how)s, except sign-in codes."),
    own=_("You asked for no more messages from the portal %(how)s, except sign-in codes."),
)
register_sentence(
    "restarted_messages",
    _("%(who)s asked for messages from the portal again %(how)s."),
    own=_("You asked for messages from the portal again %(how)s."),
)


def send(
    recipient,
    template,
    context,
    *,
    purpose,
    medium=Medium.SMS,
    language=None,
    urgent=False,
    related=None,
    secret="",
    secret_until=None,
    answer_url="",
):
    """Queue an SMS or voice call to ``recipient`` and return its outbox row.

    The row is written now, in the caller's transaction; the delivery task is
    queued only when that transaction commits. A duplicate (same text to the
    same number within a few minutes) or a message over the hourly caps is kept
    as a ``cancelled`` row with the reason in ``error_code``, and not sent.
    Reminders and other non-urgent messages wait until quiet hours end.

    A one-time ``secret`` (a sign-in code) is written as ``SECRET_MASK`` in ``context``: the
    stored text shows the mask to staff, the provider gets the secret, and the secret is
    wiped once delivered, failed, or past ``secret_until``. Sign-in codes have their own
    hourly budget (``NOTIFY_MAX_CODES_PER_HOUR``) and their own limits per number (in
    ``portal.accounts.code_limits``), so bulk messages never starve them.

    A voice call with an ``answer_url`` asks something: the provider fetches what to say
    there and posts the keys pressed back (a rating by key); ``body`` is what staff see.
    """
    if purpose == Purpose.SIGN_IN_CODE and not secret:
        raise ValueError("Send a sign-in code as secret=..., with SECRET_MASK in its text.")
    recipient = normalize_phone(recipient)
    language = language or get_language() or "zh-hans"
    body = templates.render(template, context, language)
    urgent = urgent or purpose == Purpose.SIGN_IN_CODE
    now = timezone.now()
    message = Message(
        medium=medium,
        recipient=recipient,
        purpose=purpose,
        template=template,
        language=language,
        body=body,
        urgent=urgent,
        not_before=limits.earliest_send_time(purpose, urgent, now),
        secret=secret,
        secret_until=secret_until if secret else None,
        answer_url=answer_url,
    )
    if related is not None:
        message.related_type = ContentType.objects.get_for_model(related)
        message.related_id = str(related.pk)
    refused = _opted_out_refusal(recipient, purpose) or limits.over_limit(
        recipient, body, now, purpose=purpose
    )
    if refused:
        message.status = Status.CANCELLED
        message.error_code = refused
        message.error_permanent = True
        message.save()
        logger.warning("message to %s not sent: %s", recipient, refused)
        return message
    message.save()
    transaction.on_commit(lambda: enqueue(message))
    return message


def goes_at(purpose, *, urgent=False):
    """When a message of ``purpose`` queued now would go: now, or the end of quiet hours."""
    now = timezone.now()
    return limits.earliest_send_time(purpose, urgent, now)


def _opted_out_refusal(recipient, purpose):
    """``"opted_out"`` when ``recipient`` asked for no more messages, else None.

    Checked before the caps, so a message that will not go never uses up the hourly total. A
    sign-in code still goes: the person asked for it a moment ago, on the sign-in page.
    """
    if purpose == Purpose.SIGN_IN_CODE:
        return None
    return "opted_out" if OptOut.objects.filter(phone=recipient).exists() else None


def send_to_resident(person, text, *, purpose, related=None, urgent=False):
    """Send ``person`` a plain-text notice, in their language, by their preferred medium.

    ``text`` is a function of no arguments that makes the words: it is called with
    ``person``'s language active, so a family member or the patient each read it in their
    own. The notice goes by ``person.notify_by`` (SMS when they never chose) through
    :func:`send`, with ``purpose``, ``related`` and ``urgent`` passed on (``urgent`` for what
    cannot wait for quiet hours to end). Returns the outbox row, or ``None`` (and sends
    nothing) when ``person`` has no phone.
    """
    if not person.phone:
        return None
    with translation.override(person.language):
        body = text()
    return send(
        person.phone,
        "notice",
        {"text": body},
        purpose=purpose,
        medium=person.notify_by or Medium.SMS,
        language=person.language,
        urgent=urgent,
        related=related,
    )


def enqueue(message):
    """Have a due row delivered: by a batch of its queue already on its way, or a new one.
    If the broker is down the row waits for the sweep."""
    if message.not_before > timezone.now():
        return  # the sweep queues it when it is due
    kick(delivery.queue_for(message.urgent, message.purpose))


# Set while a batch task of the queue is published and has not started to claim: a row
# committed meanwhile is claimed by it, so a burst of rows costs one task, not one each.
BATCH_WAITING = "notifications:batch-waiting:{queue}"


def kick(queue, *, countdown=None):
    """Publish a batch task for ``queue`` (``portal.queues``), unless one is waiting already.

    ``countdown`` (seconds) schedules one for later, for retries: those always publish. A
    flag lost with its task only costs the flag's few seconds, or the sweep's minute.
    """
    from portal.notifications.tasks import deliver_due

    flag = BATCH_WAITING.format(queue=queue)
    if countdown is None and not deliver_due.app.conf.task_always_eager:
        try:
            if not caches["counters"].add(flag, 1, timeout=settings.NOTIFY_BATCH_WAIT_SECONDS):
                return
        except Exception:  # the cache is unreachable: publish anyway
            logger.warning("cache unreachable: publishing a batch for %s regardless", queue)
    try:
        deliver_due.apply_async(args=[queue], queue=queue, countdown=countdown)
    except Exception:  # the broker is unreachable: nothing is lost, the rows are still queued
        logger.exception("could not queue a batch for %s; the sweep will retry", queue)
        batch_started(queue)  # the next row tries again


def batch_started(queue):
    """Called by a batch task before it claims: rows committed from now on need a new one."""
    try:
        caches["counters"].delete(BATCH_WAITING.format(queue=queue))
    except Exception:  # unreachable: the flag runs out by itself
        logger.warning("cache unreachable: the batch flag of %s runs out by itself", queue)


def requeue_due(grace_seconds=30, batch=500):
    """Queue a batch for each queue with rows still ``queued`` after their time (the broker
    was down, or a worker died); a full batch asks for the next, so a backlog drains.

    Returns how many rows were due. Sending twice is impossible: delivery claims
    rows with a conditional update before it calls the provider.
    """
    cutoff = timezone.now() - timezone.timedelta(seconds=grace_seconds)
    due = list(
        Message.objects.filter(status=Status.QUEUED, not_before__lte=cutoff)
        .order_by("id")
        .values_list("urgent", "purpose")[:batch]
    )
    for queue in {delivery.queue_for(urgent, purpose) for urgent, purpose in due}:
        kick(queue)
    return len(due)


# Twilio's words for SMS and call states, in ours.
PROVIDER_STATUSES = {
    "accepted": Status.SENDING,
    "queued": Status.SENDING,
    "sending": Status.SENDING,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
    "read": Status.DELIVERED,
    "canceled": Status.CANCELLED,
    "initiated": Status.SENT,
    "ringing": Status.SENT,
    "in-progress": Status.SENT,
    "answered": Status.SENT,
    "completed": Status.DELIVERED,
    "busy": Status.UNDELIVERED,
    "no-answer": Status.UNDELIVERED,
}


def record_status(provider_id, provider_status, error_code=""):
    """Apply a provider's status report; return True if it moved the row forward.

    Idempotent and safe out of order: one conditional UPDATE moves the status only
    to a higher rank, so a repeated or late report changes nothing.
    """
    status = PROVIDER_STATUSES.get((provider_status or "").lower())
    if status is None or not provider_id:
        return False
    rank = STATUS_RANK[status]
    lower = [name for name, value in STATUS_RANK.items() if value < rank]
    changes = {"status": status, "updated_at": timezone.now()}
    if error_code:
        changes["error_code"] = str(error_code)[:20]
    moved = Message.objects.filter(provider_id=provider_id, status__in=lower).update(**changes)
    if str(error_code) == TWILIO_OPTED_OUT:
        # Twilio will not deliver to this number until it texts START: stop asking it to.
        recipient = (
            Message.objects.filter(provider_id=provider_id).values_list("recipient", flat=True)
        ).first()
        if recipient:
            opt_out(recipient, source=OptOut.Source.PROVIDER)
    return bool(moved)


def status_of(message_id):
    """The outbox status of one message (a ``Status``), or ``None`` if there is no such row."""
    return Message.objects.filter(pk=message_id).values_list("status", flat=True).first()


def latest_about(related, recipient):
    """The newest outbox row about ``related`` (an appointment, a ride) to ``recipient``, or
    None: for a page to say truly how a message went (sent, waiting for the morning, failed).
    Only its ``status``, ``medium`` and ``not_before`` are read (the rest is deferred)."""
    return (
        Message.objects.only("status", "medium", "not_before")
        .filter(
            related_type=ContentType.objects.get_for_model(related),
            related_id=str(related.pk),
            recipient=normalize_phone(recipient),
        )
        .order_by("-pk")
        .first()
    )


def opt_out(phone, *, source, acting=None):
    """Send ``phone`` no more messages except sign-in codes; return its :class:`OptOut`.

    ``source`` is an ``OptOut.Source``. ``acting`` (a ``portal.acting.Acting``), when the
    number is a resident's, puts the change in their audit log. Asking again changes nothing
    (and writes no second entry). Raises ``ValidationError`` for what is not a phone number.
    """
    phone = normalize_phone(phone)
    with transaction.atomic():
        # get_or_create tries the insert in a savepoint and reads the row when a concurrent
        # STOP made it first: no read-then-write race.
        row, created = OptOut.objects.get_or_create(phone=phone, defaults={"source": source})
        if created and acting is not None:
            acting.record("stopped_messages")
    return row


def opt_in(phone, *, acting=None):
    """Undo :func:`opt_out` for ``phone`` (START); True if it had opted out.

    ``acting`` as for :func:`opt_out`: the change goes in the resident's audit log.
    """
    with transaction.atomic():
        deleted, _kinds = OptOut.objects.filter(phone=normalize_phone(phone)).delete()
        if deleted and acting is not None:
            acting.record("restarted_messages")
    return bool(deleted)


def opted_out(phone):
    """True when ``phone`` asked for no more messages (sign-in codes still go to it)."""
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        return False
    return OptOut.objects.filter(phone=phone).exists()
