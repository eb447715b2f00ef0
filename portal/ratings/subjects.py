"""What can be rated: each service registers a kind of subject (``ride``, ``appointment``,
``request``) with a function that says whose it is, its words and whether it may be rated now,
as ``portal.privacy.my_data`` lets each app bring its exporter: the portal never imports the
services' models nor the human channels.

A subject is a reference ``"<kind>:<id>"`` (``ride:12``). :func:`describe` finds it, or None when
it is unknown, malformed or not ``resident``'s own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Subject:
    """One thing a resident may rate."""

    reference: str  # "ride:12"
    kind: str  # "ride"
    words: Any  # "Your taxi on 20 November", in the reader's language
    may_rate: bool  # the ride ended; the appointment is booked or kept; the request is closed
    back_url: str = ""  # the page of the thing itself, if it has one


# Preset reasons per kind: (key, label). Small and fixed; the key is what is stored.
REASONS = {
    "ride": [
        ("car_slow", _("The car came slowly")),
        ("driver", _("The driver was not helpful")),
        ("hard_to_use", _("I did not know how to use it")),
    ],
    "appointment": [
        ("waited_long", _("I waited too long")),
        ("no_time_i_wanted", _("There was no time that suited me")),
        ("hard_to_use", _("I did not know how to use it")),
    ],
    "request": [
        ("waited_long", _("I waited too long")),
        ("not_solved", _("My problem was not solved")),
        ("hard_to_use", _("I did not know how to use it")),
    ],
}

_DESCRIBERS: dict[str, Callable] = {}
# The built-in service each kind is part of ("ride": "taxi"), for the monthly results.
SERVICE_OF_KIND: dict[str, str] = {}


def register(kind, describe, *, service):
    """Let ``kind`` be rated: ``describe(resident, number)`` returns a :class:`Subject` for the
    ``kind:number`` of ``resident``'s, or None when there is none (or not theirs). ``service``
    is the built-in service's key (``services.registry``) whose page shows the results."""
    _DESCRIBERS[kind] = describe
    SERVICE_OF_KIND[kind] = service


def split(reference):
    """``("ride", 12)`` from ``"ride:12"``, or None when it is not a reference."""
    kind, colon, number = (reference or "").partition(":")
    if not colon or not number.isdigit() or len(reference) > 40:
        return None
    return kind, int(number)


def describe(resident, reference):
    """The :class:`Subject` named by ``reference`` if it is ``resident``'s, else None."""
    parts = split(reference)
    if parts is None or parts[0] not in _DESCRIBERS:
        return None
    return _DESCRIBERS[parts[0]](resident, parts[1])


def reasons_for(reference):
    """The preset reasons ``[(key, label)]`` for what ``reference`` names."""
    parts = split(reference)
    return REASONS.get(parts[0], []) if parts else []
