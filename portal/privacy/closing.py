"""What closing an account does to what the portal itself holds about the resident
(``portal.accounts.closing``); the services and the help desk bring their own erasers.

- deleted: saved places, the enrolment at a counter, records of sign-in codes asked for the
  number, the answers about keeping sensitive data, and every permission the resident gave
  that nothing refers to;
- withdrawn: every permission still in force, given by the resident or to them (the other
  resident's log says so). One that a kept record used (an audit entry, a ride) stays,
  withdrawn, with its note blanked, so that record still says under which permission it was
  done;
- kept without comments: ratings (how satisfied, for the desk's numbers);
- deleted: where the resident started a service or was turned away (journey steps);
- kept as written: the audit log, until ``KEEP_AUDIT_DAYS`` after each entry. It is the
  record of who saw or used the person's information; if what was done while the account was
  open is ever disputed, it is the resident's proof and ours, so it outlives the account. It is
  append-only, and only the nightly forgetting removes entries, when their time is up.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from portal.accounts.closing import register
from portal.accounts.models import Enrolment, SavedPlace, SignInCode
from portal.channels import Channel
from portal.consent import api as consent_api
from portal.consent.models import Consent
from portal.journeys.models import Step
from portal.privacy.models import ProcessingConsent
from portal.ratings.models import Rating


@register(
    "portal",
    models=[
        "accounts.SavedPlace",
        "accounts.Enrolment",
        "consent.Consent",
        "ratings.Rating",
        "privacy.ProcessingConsent",
        "journeys.Step",
        "audit.AuditEntry",
    ],
    order=80,
)
def erase_portal_records(resident):
    """Delete, withdraw and blank as the module says; the audit log is left alone."""
    counts = {}
    for consent in Consent.objects.in_force().filter(resident=resident) | (
        Consent.objects.in_force().filter(grantee=resident)
    ):
        consent_api.revoke(consent, by=None, channel=Channel.SYSTEM)
    deleted = 0
    for consent in Consent.objects.filter(resident=resident):
        try:
            with transaction.atomic():
                consent.delete()
                deleted += 1
        except (ProtectedError, RestrictedError, IntegrityError):
            pass  # a kept record used it: it stays, withdrawn
    counts[Consent._meta.label] = deleted + Consent.objects.filter(resident=resident).exclude(
        note=""
    ).update(note="")
    with transaction.atomic():
        counts[SavedPlace._meta.label] = SavedPlace.objects.filter(resident=resident).delete()[0]
        counts[Enrolment._meta.label] = Enrolment.objects.filter(resident=resident).delete()[0]
        counts[ProcessingConsent._meta.label] = ProcessingConsent.objects.filter(
            resident=resident
        ).delete()[0]
        counts[Step._meta.label] = Step.objects.filter(resident=resident).delete()[0]
        counts[Rating._meta.label] = (
            Rating.objects.filter(resident=resident).exclude(comment="").update(comment="")
        )
        if resident.phone:
            counts[SignInCode._meta.label] = SignInCode.objects.filter(
                phone=resident.phone
            ).delete()[0]
    return counts
