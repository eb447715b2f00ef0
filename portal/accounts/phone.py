"""Phone numbers: residents are known by their number, stored in E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw, region=None):
    """Return ``raw`` as E.164 (``+8613800138000``) or raise ``ValidationError``.

    Residents type numbers the way they say them (``138 0013 8000``), so local
    numbers are read in the portal's default region.
    """
    try:
        number = phonenumbers.parse(str(raw), region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This is not a phone number we can call. Please check the digits."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value):
    """Model validator: the stored value must already be normalised E.164."""
    if normalize_phone(value) != value:
        raise ValidationError(_("Store phone numbers in E.164 form."), code="not_e164")
