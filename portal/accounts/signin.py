"""Resident sign-in with a phone number and a 6-digit code.

The rules (shared/design/elder-ux.md, "signing in"): a code lasts 10 minutes and works
once, only for the attempt (browser session) that asked for it; 5 wrong guesses end a
code; each wrong guess makes the next guess at that code wait longer. Limits slow whoever
asks or guesses (``code_limits``), never lock the resident out: a stranger's guesses are
at the stranger's own code. Whether a number is registered is never revealed, and asking
for a code creates no account: the account is made when a code is confirmed.
"""

import dataclasses
import enum
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language

from portal.accounts import code_limits
from portal.accounts.clients import client_ip
from portal.accounts.models import SignInCode
from portal.accounts.phone import code_recipient
from portal.audit import api as audit
from portal.channels import Channel as AuditChannel
from portal.notifications import api as notify
from portal.notifications.models import SECRET_MASK, Medium, Purpose, Status

CODE_DIGITS = 6


class Outcome(enum.Enum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # try again, tries are left
    EXPIRED = "expired"  # the code ran out of time: ask for a new one (not a wrong guess)
    NEW_CODE_NEEDED = "new_code_needed"  # used, never asked for, or too many wrong tries
    WAIT = "wait"  # guessing this code too fast: a few seconds
    TOO_MANY = "too_many"  # this client typed too many codes: minutes


@dataclasses.dataclass(frozen=True)
class CodeRequest:
    """What happened when a code was asked for, so a page can say it truthfully."""

    phone: str
    message_id: int | None = None  # the outbox row, when a code went into the outbox
    refusal: code_limits.Refusal | None = None  # why no code went, when none did


def normalize_code(raw):
    """The digits of a typed code: full-width digits (what Chinese input methods type)
    become ASCII by NFKC, spaces and dashes go; ``None`` unless exactly 6 digits remain."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = "".join(text.split()).replace("-", "")
    if len(text) == CODE_DIGITS and text.isascii() and text.isdigit():
        return text
    return None


def new_attempt():
    """A random id for one sign-in attempt; the browser session keeps it."""
    return secrets.token_urlsafe(24)


def request_code(request, raw_phone, attempt, *, by_voice=False):
    """Send a sign-in code to this phone for this attempt, if the limits allow.

    Returns a ``CodeRequest`` saying whether a code went into the outbox, or why not.
    Raises ``ValidationError`` for a number the portal does not send codes to. The answer is
    the same whether or not the number belongs to anyone.
    """
    phone = code_recipient(raw_phone)
    return _issue_code(request, phone, phone, attempt, by_voice=by_voice)


def request_number_change(request, user, raw_new_phone, attempt):
    """Send a code to the number a resident wants to move to (``CodeRequest``).

    The code signs in as the resident (``verify_code(user.phone, ...)``); it goes to the new
    number to prove the resident holds that phone.
    """
    new_phone = code_recipient(raw_new_phone)
    return _issue_code(request, user.phone, new_phone, attempt, by_voice=False)


class NumberTaken(Exception):
    """The new number already belongs to another account."""


def change_phone(user, new_phone):
    """Move ``user`` to ``new_phone`` (already proved by a code) and write it in the audit log.

    Raises ``NumberTaken`` when another account has the number, including one that took it
    a moment ago (two confirmations racing).
    """
    try:
        with transaction.atomic():
            if get_user_model().objects.filter(phone=new_phone).exclude(pk=user.pk).exists():
                raise NumberTaken(new_phone)
            user.phone = user.username = new_phone
            user.save(update_fields=["phone", "username"])
            audit.record(user, "changed_phone", actor=user, channel=AuditChannel.WEB)
    except IntegrityError:
        raise NumberTaken(new_phone) from None


def _issue_code(request, owner_phone, send_to, attempt, *, by_voice):
    """A new code for ``attempt`` that signs in as ``owner_phone``, sent to ``send_to``."""
    refusal = code_limits.refusal_for_code(request, send_to)
    if refusal:
        return CodeRequest(send_to, refusal=refusal)
    owner = get_user_model().objects.filter(phone=owner_phone).first()
    # A resident with only a landline cannot read an SMS: codes come by call.
    by_voice = by_voice or (
        owner is not None and send_to == owner_phone and owner.notify_by == "voice"
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    valid_until = timezone.now() + timezone.timedelta(seconds=settings.SIGNIN_CODE_VALID_SECONDS)
    with transaction.atomic():
        SignInCode.objects.update_or_create(
            attempt=attempt,
            defaults={
                "phone": owner_phone,
                "sent_to": send_to,
                "client": client_ip(request),
                "code_hash": SignInCode.hash(code),
                "valid_until": valid_until,
                "wrong_tries": 0,
                "throttling_failure_count": 0,
                "throttling_failure_timestamp": None,
                "created_at": timezone.now(),
            },
        )
        message = notify.send(
            send_to,
            "sign_in_code",
            {"code": SECRET_MASK},
            purpose=Purpose.SIGN_IN_CODE,
            medium=Medium.VOICE if by_voice else Medium.SMS,
            language=get_language(),
            secret=code,
            secret_until=valid_until,
        )
        if message.status == Status.CANCELLED:
            # The portal's budget for codes is used up: say so, and keep no code that never went.
            SignInCode.objects.filter(attempt=attempt).delete()
            return CodeRequest(send_to, refusal=code_limits.Refusal("busy", 15 * 60))
    return CodeRequest(send_to, message_id=message.pk)


def verify_code(phone, attempt, raw_code):
    """Check a code for this attempt; return ``(outcome, user)``.

    The user is set only when signed in; a number that had no account gets one now.
    """
    code = normalize_code(raw_code)
    with transaction.atomic():
        entry = (
            SignInCode.objects.select_for_update()
            .filter(phone=phone, attempt=attempt or "-")
            .exclude(code_hash="")
            .first()
        )
        if entry is None:
            return Outcome.NEW_CODE_NEEDED, None
        allowed, _ = entry.verify_is_allowed()
        if not allowed:
            return Outcome.WAIT, None
        if timezone.now() >= entry.valid_until:
            return Outcome.EXPIRED, None
        if code is not None and entry.matches(code):
            entry.code_hash = ""  # used once
            entry.save(update_fields=["code_hash"])
            return Outcome.SIGNED_IN, _account_for(phone)
        return _wrong_guess(entry), None


def _wrong_guess(entry):
    entry.throttle_increment(commit=False)
    entry.wrong_tries += 1
    outcome = Outcome.WRONG
    if entry.wrong_tries >= settings.SIGNIN_MAX_WRONG_TRIES:
        entry.code_hash = ""  # this code is finished: ask for a new one
        outcome = Outcome.NEW_CODE_NEEDED
    entry.save()
    return outcome


def _account_for(phone):
    """The account of ``phone``, made now if this is its first confirmed code."""
    users = get_user_model().objects
    user = users.filter(phone=phone).first()
    if user is None:
        try:
            with transaction.atomic():
                user = users.create_resident(phone)
        except IntegrityError:  # another confirmation made it a moment ago
            user = users.get(phone=phone)
    return user


def forget_old_codes(days=1):
    """Delete code records older than ``days`` (they only count towards the hourly limits)."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    return SignInCode.objects.filter(created_at__lt=cutoff).delete()[0]
