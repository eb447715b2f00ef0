"""Resident sign-in with a phone number and a 6-digit code.

The rules (shared/design/elder-ux.md, "signing in"): a code lasts 10 minutes and
works once, only for the attempt that asked for it; 5 wrong guesses end a code;
each wrong guess makes the next wait longer; at most 5 codes a phone an hour;
100 wrong guesses lock the phone until staff unlock it. Whether a number is
registered is never revealed: asking for a code always gets the same answer.
"""

import enum
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from portal.accounts.models import PhoneCodeDevice
from portal.accounts.phone import normalize_phone
from portal.audit import api as audit
from portal.audit.models import Channel as AuditChannel
from portal.notifications import api as notify
from portal.notifications.models import Channel, Purpose


class Outcome(enum.Enum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # try again, tries are left
    NEW_CODE_NEEDED = "new_code_needed"  # expired, used, or too many wrong tries
    WAIT = "wait"  # guessing too fast
    LOCKED = "locked"


def new_attempt():
    """A random id for one sign-in attempt; the browser session keeps it."""
    return secrets.token_urlsafe(24)


def _device_for(phone):
    user = get_user_model().objects.filter(phone=phone).first()
    if user is None:
        # The first sign-in creates the resident; until a code is entered they
        # have never signed in (last_login is empty) and see nothing.
        user = get_user_model().objects.create_resident(phone)
    device, _ = PhoneCodeDevice.objects.get_or_create(user=user, defaults={"name": "phone"})
    return device


def _hourly_count(phone):
    key = f"signin:codes:{phone}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key)


def request_code(raw_phone, attempt, *, by_voice=False, language="zh-hans"):
    """Send a code to this phone for this attempt, if the rules allow; return the E.164 number.

    Raises ``ValidationError`` for a number that cannot be called. Otherwise says
    nothing about whether a code went, so nobody can probe which numbers exist.
    """
    phone = normalize_phone(raw_phone)
    _issue_code(phone, phone, attempt, by_voice=by_voice, language=language)
    return phone


def request_number_change(user, raw_new_phone, attempt, *, language="zh-hans"):
    """Send a code to the number a resident wants to move to; return it in E.164.

    The code belongs to the resident's own device, so ``verify_code(user.phone, ...)``
    checks it; it goes to the new number to prove the resident holds that phone.
    """
    new_phone = normalize_phone(raw_new_phone)
    _issue_code(user.phone, new_phone, attempt, by_voice=False, language=language)
    return new_phone


def change_phone(user, new_phone):
    """Move ``user`` to ``new_phone`` (already proved by a code) and write it in the audit log."""
    with transaction.atomic():
        user.phone = user.username = new_phone
        user.save(update_fields=["phone", "username"])
        audit.record(user, "changed_phone", actor=user, channel=AuditChannel.WEB)


def _issue_code(owner_phone, send_to, attempt, *, by_voice, language):
    """A new code on ``owner_phone``'s device for ``attempt``, sent to ``send_to``.

    Says nothing when the hourly cap is reached or the device is locked.
    """
    if _hourly_count(send_to) > settings.SIGNIN_MAX_CODES_PER_HOUR:
        return
    with transaction.atomic():
        device = PhoneCodeDevice.objects.select_for_update().get(pk=_device_for(owner_phone).pk)
        if device.locked:
            return
        # A resident with only a landline cannot read an SMS: codes come by call.
        by_voice = by_voice or (send_to == owner_phone and device.user.notify_by == "voice")
        device.attempt = attempt
        device.wrong_tries = 0
        device.generate_token(length=6, valid_secs=settings.SIGNIN_CODE_VALID_SECONDS)
        notify.send(
            send_to,
            "sign_in_code",
            {"code": device.token},
            purpose=Purpose.SIGN_IN_CODE,
            channel=Channel.VOICE if by_voice else Channel.SMS,
            language=language,
            related=device,
        )


def verify_code(phone, attempt, code):
    """Check a code; return ``(outcome, user)``. The user is set only when signed in."""
    code = "".join(character for character in str(code) if character.isdigit())
    with transaction.atomic():
        device = (
            PhoneCodeDevice.objects.select_for_update()
            .filter(user__phone=phone)
            .select_related("user")
            .first()
        )
        if device is None:
            return Outcome.NEW_CODE_NEEDED, None
        if device.locked:
            return Outcome.LOCKED, None
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return Outcome.WAIT, None
        if not device.token or not hmac.compare_digest(device.attempt, attempt or ""):
            return Outcome.NEW_CODE_NEEDED, None
        if device.verify_token(code):
            device.throttle_reset(commit=False)
            device.wrong_tries = 0
            device.failures_since_unlock = 0
            device.attempt = ""
            device.save()
            return Outcome.SIGNED_IN, device.user
        return _wrong_guess(device), None


def _wrong_guess(device):
    device.throttle_increment(commit=False)
    device.wrong_tries += 1
    device.failures_since_unlock += 1
    outcome = Outcome.WRONG
    if device.wrong_tries >= settings.SIGNIN_MAX_WRONG_TRIES:
        device.token = None  # this code is finished: ask for a new one
        outcome = Outcome.NEW_CODE_NEEDED
    if device.failures_since_unlock >= settings.SIGNIN_LOCK_AFTER_FAILURES:
        device.locked = True
        device.token = None
        outcome = Outcome.LOCKED
    device.save()
    return outcome


def unlock(phone, *, by, checked_how):
    """Lift a hard lock after staff ``by`` checked who the resident is (``checked_how``).

    Written in the resident's audit log, like every action taken on their behalf.
    """
    phone = normalize_phone(phone)
    resident = get_user_model().objects.get(phone=phone)
    with transaction.atomic():
        PhoneCodeDevice.objects.filter(user=resident).update(
            locked=False,
            failures_since_unlock=0,
            throttling_failure_count=0,
            throttling_failure_timestamp=None,
        )
        audit.record(
            resident,
            "unlocked_sign_in",
            actor=by,
            channel=AuditChannel.COUNTER,
            checked_how=checked_how,
        )
