"""The acting context: who does something for which resident, and how.

Every service api call that acts for a resident takes one :class:`Acting`, and the same value
is written on what the call makes (a ride, an appointment) and on its audit entry:

- ``resident``: whose ride, appointment or details these are;
- ``user``: who acted (the resident, a family member, a volunteer, counter staff), or None
  when the portal did it by itself;
- ``role``: who ``user`` acted as (``portal.accounts.roles.Role``);
- ``channel``: how the resident reached the portal (``portal.channels.Channel``);
- ``entered_by``: who typed it in, when not ``user`` (a counter clerk typing in what a
  volunteer did on a home visit);
- ``reference``: what it was done under, such as ``request:42``; services store it as text
  and never import the code that made it;
- ``consent``: the resident's permission that was used, once :meth:`Acting.with_consent` found
  it.

Channels build it (:func:`Acting.by_resident`, :func:`Acting.for_resident`,
:func:`Acting.by_portal`); services call :meth:`with_consent` before they act and
:meth:`record` to write the audit entry.
"""

import re
from dataclasses import dataclass, replace
from typing import Any

from portal.accounts.roles import Role, role_of
from portal.audit import api as audit
from portal.channels import Channel
from portal.consent.api import require_consent

# "request:42", "visit:2026-12-01-7": a kind, a colon, and an id without spaces.
REFERENCE = re.compile(r"^[a-z][a-z_]*:\S+$")
REFERENCE_LENGTH = 40


@dataclass(frozen=True)
class Acting:
    """Who acts for which resident, and how. Build it with one of the class methods."""

    resident: Any
    user: Any
    role: Role
    channel: Channel
    entered_by: Any = None
    reference: str = ""
    consent: Any = None

    def __post_init__(self):
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "channel", Channel(self.channel))
        reference = (self.reference or "").strip()
        if reference and (len(reference) > REFERENCE_LENGTH or not REFERENCE.match(reference)):
            raise ValueError(f"A reference is like 'request:42', not {reference!r}")
        object.__setattr__(self, "reference", reference)
        same = self.user is not None and getattr(self.entered_by, "pk", None) == self.user.pk
        if same:
            object.__setattr__(self, "entered_by", None)

    @classmethod
    def by_resident(cls, resident, channel=Channel.WEB, *, reference=""):
        """The resident acts for themselves (on the website unless ``channel`` says otherwise)."""
        return cls(resident, resident, Role.RESIDENT, channel, reference=reference)

    @classmethod
    def for_resident(cls, resident, user, *, channel, reference="", entered_by=None):
        """``user`` acts for ``resident``; the role follows from who ``user`` is.

        When ``user`` is ``resident`` this is :meth:`by_resident`. Otherwise a consent is
        needed before anything is done (:meth:`with_consent`).
        """
        return cls(
            resident,
            user,
            role_of(user, resident),
            channel,
            entered_by=entered_by,
            reference=reference,
        )

    @classmethod
    def by_portal(cls, resident, *, reference=""):
        """The portal acts by itself (a reminder, a missed appointment): no person, no consent."""
        return cls(resident, None, Role.SYSTEM, Channel.SYSTEM, reference=reference)

    @property
    def on_behalf(self):
        """True when a person other than the resident acts: that needs the resident's consent."""
        return self.user is not None and self.user.pk != self.resident.pk

    def with_consent(self, scope):
        """This context with the consent that lets ``user`` act for the resident in ``scope``.

        Acting for oneself (or the portal acting) needs none and returns ``self``. Otherwise
        raises ``portal.consent.api.ConsentRequired`` (or ``NotOnDuty``) with a sentence for the
        person at the desk, before anything is written.
        """
        if not self.on_behalf:
            return self
        consent = require_consent(self.resident, scope, self.user, reference=self.reference)
        return replace(self, consent=consent)

    def about(self, resident):
        """This context, checked to be about ``resident`` (a ride's or appointment's owner)."""
        if resident.pk != self.resident.pk:
            raise ValueError("This is another resident's: act for them with their own context.")
        return self

    def record(self, action, **details):
        """Write the audit entry for ``action`` done in this context; return it."""
        return audit.record(
            self.resident,
            action,
            actor=self.user,
            role=self.role,
            channel=self.channel,
            consent=self.consent,
            entered_by=self.entered_by,
            reference=self.reference,
            **details,
        )

    def stamp(self):
        """The fields a ride or an appointment keeps about how it was made."""
        return {
            "channel": self.channel,
            "acting_role": self.role,
            "consent": self.consent,
            "entered_by": self.entered_by,
            "reference": self.reference,
        }
