"""Strict readers for settings that come from environment variables.

A bad value stops the process at start-up with a message naming the variable,
instead of surfacing later as a confusing error deep inside a request.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name, default):
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_str(name, default=""):
    return _raw(name, default)


def env_bool(name, default=False):
    value = _raw(name, None)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name, default, minimum=None):
    value = _raw(name, None)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name, default=()):
    """A comma-separated list; blanks around items are ignored."""
    value = _raw(name, None)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name, choices, default):
    value = _raw(name, default)
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed}.")
    return value


def env_url(name, schemes, default=""):
    """A URL whose scheme must be one of ``schemes``; empty means "not set"."""
    value = _raw(name, default)
    if not value:
        return ""
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with one of: {allowed}.")
    return value


def env_hours(name, default):
    """Opening hours as ``"8-20"`` (from 8:00 until 20:00; 0-24 is all day): (opening, closing)."""
    value = _raw(name, None)
    if not value:
        return default
    try:
        opening, closing = (int(part) for part in value.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not hours like 8-20.") from None
    if not 0 <= opening < closing <= 24:
        raise ImproperlyConfigured(f"{name}={value!r}: hours run from 0 to 24, opening first.")
    return opening, closing


def env_versioned_keys(name):
    """Numbered secret keys, newest first: ``"2:<key>,1:<older key>"`` -> ``[(2, "…"), (1, "…")]``.

    Empty or unset gives ``[]``. Versions are whole numbers from 1, each used once, listed
    from the newest (highest) down; a key has no spaces or commas. Error messages name the
    variable and the item, never a key.
    """
    value = _raw(name, None)
    if not value:
        return []
    keys = []
    for position, item in enumerate(value.split(","), start=1):
        version, colon, key = item.strip().partition(":")
        version = version.strip()
        if not colon or not (version.isascii() and version.isdigit()) or not key.strip():
            raise ImproperlyConfigured(
                f"{name}: item {position} is not <version>:<key> "
                "(for example 2:<new key>,1:<old key>)."
            )
        version, key = int(version), key.strip()
        if version < 1:
            raise ImproperlyConfigured(f"{name}: item {position}: versions start at 1.")
        if any(char.isspace() for char in key):
            raise ImproperlyConfigured(f"{name}: item {position}: a key has no spaces.")
        if keys and version >= keys[-1][0]:
            raise ImproperlyConfigured(
                f"{name}: item {position}: list the newest key first, each version once "
                "(versions go down: 2:…,1:…)."
            )
        keys.append((version, key))
    return keys
