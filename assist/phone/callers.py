"""Who calls or texts, known only by the number Twilio reports; and times as they hear them."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.accounts.phone import code_recipient, normalize_phone


def resident_with(number):
    """The active resident registered with ``number`` (any written form), or None."""
    try:
        number = normalize_phone(number or "")
    except ValidationError:
        return None
    users = get_user_model().objects
    return users.filter(phone=number, is_staff=False, is_active=True).first()


def may_become_resident(number):
    """True for a number we do not know that we may call back: one a sign-in code could go to
    (mobile and home numbers in the regions the portal serves), never premium-rate ranges where
    calling back costs money; and not a number of staff or of a closed account."""
    try:
        number = code_recipient(number or "")
    except ValidationError:
        return False
    return not get_user_model().objects.filter(phone=number).exists()


def account_for(number, language):
    """A resident account for a number we do not know that asked for a person (a request for
    help needs a resident); None for a number that may not become one."""
    if not may_become_resident(number):
        return None
    users = get_user_model().objects
    number = normalize_phone(number)
    try:
        with transaction.atomic():
            return users.create_resident(number, language=language)
    except (IntegrityError, ValidationError):  # made a moment ago by another text or call
        return resident_with(number)
