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


# Numbers a sign-in code may go to: a person's mobile or home line. Premium-rate, shared-cost,
# personal, VoIP and pager ranges are where SMS pumping earns its money, and satellite
# numbers (+881, +870) have no region at all.
CODE_NUMBER_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def code_recipient(raw):
    """``raw`` as E.164 if a code may be sent there, else ``ValidationError``.

    Only mobile and home numbers in the regions the portal serves
    (``PHONE_CODE_REGIONS``: mainland China, Hong Kong, Macao and Taiwan by default).
    """
    e164 = normalize_phone(raw)
    number = phonenumbers.parse(e164)
    region = phonenumbers.region_code_for_number(number)
    if (
        region not in settings.PHONE_CODE_REGIONS
        or phonenumbers.number_type(number) not in CODE_NUMBER_TYPES
    ):
        raise ValidationError(
            _(
                "We can only send codes to mobile and home phone numbers in mainland China, "
                "Hong Kong, Macao and Taiwan."
            ),
            code="number_not_served",
        )
    return e164


def masked_phone(phone):
    """The number as "+86138****0001": enough to tell two apart, not enough to call."""
    phone = phone or ""
    return f"{phone[:-8]}****{phone[-4:]}" if len(phone) > 8 else "****"
