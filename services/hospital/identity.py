"""Real names and Chinese resident ID numbers: checked, then kept only masked and hashed.

The hash is HMAC-SHA256 of the normalised number (18 characters, a final ``X`` upper case)
with a key of its own, ``settings.IDENTITY_HASH_KEYS`` (from the environment variable of that
name; never ``SECRET_KEY``): numbered keys, newest first. It is stored as
``v<version>$<64 hex digits>``, so each hash says which key made it. Matching a number tries
the newest key, then the older ones; rows hashed before these keys (64 hex digits with no
prefix: ``salted_hmac`` with ``SECRET_KEY``, or one of ``SECRET_KEY_FALLBACKS``) are version 0
and still match. ``PatientIdentity`` hashes a row matched on an older version again with the
newest key, so a rotation loses nothing as long as the old key stays listed.
"""

import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# Chinese characters, Latin letters, the middle dot of minority names, spaces.
_NAME_SHAPE = re.compile(r"^[\u3400-\u9fffA-Za-z·• ]{2,30}$")
# Version 0: the hash as it was made before IDENTITY_HASH_KEYS (salted_hmac, SECRET_KEY).
_HASH_SALT = "services.hospital.id_number"
LEGACY_VERSION = 0


def clean_id_number(raw):
    """The 18-character ID number in ``raw`` (spaces removed, x made X), or ValidationError."""
    number = re.sub(r"\s+", "", str(raw or "")).upper()
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits, then a digit or X."),
            code="id_number_shape",
        )
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise ValidationError(
            _("This ID number is not right. Check each digit against the card."),
            code="id_number_check",
        )
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > timezone.localdate():
        raise ValidationError(
            _("This ID number is not right. Check each digit against the card."),
            code="id_number_birth_date",
        )
    return number


def clean_real_name(raw):
    """The name in ``raw`` with spaces tidied, or ValidationError."""
    name = re.sub(r"\s+", " ", str(raw or "")).strip()
    if not _NAME_SHAPE.match(name):
        raise ValidationError(
            _("Write the name exactly as it is on the ID card."), code="real_name_shape"
        )
    return name


def mask_name(name):
    """``王小华`` -> ``王*华``; ``王华`` -> ``王*``: enough for the hospital to match the card."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number):
    """The first 4 and last 4 characters, the rest hidden: ``3101**********1234``."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _hash_keys():
    """``[(version, key), ...]`` from ``settings.IDENTITY_HASH_KEYS``, the newest first."""
    keys = [(int(version), str(key)) for version, key in settings.IDENTITY_HASH_KEYS]
    if not keys:
        raise ValueError("settings.IDENTITY_HASH_KEYS has no key")
    return keys


def _hmac(key, number):
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()


def hash_id_number(number):
    """A keyed hash of the full (normalised) number with the newest key: ``v2$<hex>``.

    The same person can be recognised without keeping their number.
    """
    version, key = _hash_keys()[0]
    return f"v{version}${_hmac(key, number)}"


def hash_version(stored):
    """The key version a stored hash was made with: ``v2$…`` -> 2; one with no prefix -> 0."""
    prefix, dollar, _digest = stored.partition("$")
    if dollar and prefix.startswith("v") and prefix[1:].isdigit():
        return int(prefix[1:])
    return LEGACY_VERSION


def id_number_hashes(number):
    """Every stored hash ``number`` (normalised) may have: the newest key's first, then each
    older key's, then the version-0 hashes made with ``SECRET_KEY`` (and its fallbacks)."""
    hashes = [f"v{version}${_hmac(key, number)}" for version, key in _hash_keys()]
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        legacy = salted_hmac(_HASH_SALT, number, secret=secret, algorithm="sha256").hexdigest()
        if legacy not in hashes:
            hashes.append(legacy)
    return hashes


def stored_fields(real_name, id_number):
    """What a ``PatientIdentity`` keeps of a real name and ID number, after checking both.

    Raises ``ValidationError`` for either that cannot be right.
    """
    name, number = clean_real_name(real_name), clean_id_number(id_number)
    return {
        "real_name_masked": mask_name(name),
        "id_number_masked": mask_id_number(number),
        "id_number_hash": hash_id_number(number),
    }
