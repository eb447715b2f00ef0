"""What the portal itself holds about a resident: details, saved places, enrolment at a
counter, permissions, the audit log, ratings and the texts and calls sent to them.

The services and the human channels register their own sections (``services/*/my_data.py``,
``assist/my_data.py``).
"""

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Enrolment, SavedPlace
from portal.audit.api import entries_for
from portal.audit.sentences import ANYONE_ON_DUTY, describe
from portal.consent.models import Consent
from portal.journeys.models import Step
from portal.notifications.models import Message, OptOut, Purpose
from portal.privacy.models import ProcessingConsent
from portal.privacy.my_data import InLanguage, Section, register, who
from portal.ratings.models import Rating
from portal.ratings.subjects import reasons_for
from services.registry import SERVICE_CHOICES

SERVICE_NAMES = dict(SERVICE_CHOICES)

DETAILS = [
    ("phone", _("Phone number I sign in with")),
    ("preferred_name", _("How to address me")),
    ("first_name", _("Given name")),
    ("last_name", _("Family name")),
    ("home_address", _("Home address")),
    ("street", _("Street")),
    ("language", _("Language")),
    ("notify_by", _("How to tell me things")),
    ("text_size", _("Text size")),
    ("contrast", _("Colours")),
    ("needs_wheelchair", _("I use a wheelchair")),
    ("needs_hearing", _("I do not hear well: please send texts")),
    ("needs_boarding_help", _("I need help getting into a car")),
    ("phone_straight_to_person", _("When I call the hotline, put me straight through to a person")),
    ("emergency_name", _("Emergency contact's name")),
    ("emergency_phone", _("Emergency contact's phone")),
    ("opted_out_since", _("No more messages (STOP) since")),
    ("date_joined", _("Account made on")),
    ("last_login", _("Last signed in")),
]


@register("details", models=["accounts.SavedPlace", "accounts.Enrolment"], order=10)
def details(resident, *, own):
    """The resident's own record, the places they saved and how they were enrolled."""
    opt_out = OptOut.objects.filter(phone=resident.phone).first() if resident.phone else None
    person = {
        "phone": resident.phone,
        "preferred_name": resident.preferred_name,
        "first_name": resident.first_name,
        "last_name": resident.last_name,
        "home_address": resident.home_address,
        "street": resident.street.full_name if resident.street else "",
        "language": InLanguage(resident.get_language_display(), resident.language),
        "notify_by": resident.get_notify_by_display(),
        "text_size": resident.get_text_size_display(),
        "contrast": resident.get_contrast_display(),
        "needs_wheelchair": resident.needs_wheelchair,
        "needs_hearing": resident.needs_hearing,
        "needs_boarding_help": resident.needs_boarding_help,
        "phone_straight_to_person": resident.phone_straight_to_person,
        "emergency_name": resident.emergency_name,
        "emergency_phone": resident.emergency_phone,
        "opted_out_since": opt_out.since if opt_out else None,
        "date_joined": resident.date_joined,
        "last_login": resident.last_login,
    }
    places = Section(
        "saved_places",
        _("Saved places"),
        [
            ("label", _("Name of the place")),
            ("address", _("Address")),
            ("landmark", _("Landmark for the driver")),
            ("saved_at", _("Saved on")),
        ],
        [
            {
                "label": place.label,
                "address": place.address,
                "landmark": place.landmark,
                "saved_at": place.created_at,
            }
            for place in SavedPlace.objects.filter(resident=resident)
        ],
    )
    enrolment = Enrolment.objects.filter(resident=resident).select_related("checked_by").first()
    enrolled = Section(
        "enrolment",
        _("Registered at a counter"),
        [
            ("enrolled_at", _("Registered on")),
            ("checked_how", _("How we checked who you are")),
            ("checked_by", _("Checked by")),
            ("landline_only", _("Landline only: codes come by voice call")),
        ],
        [
            {
                "enrolled_at": enrolment.created_at,
                "checked_how": enrolment.get_checked_how_display(),
                "checked_by": who(enrolment.checked_by, resident),
                "landline_only": enrolment.landline_only,
            }
        ]
        if enrolment
        else [],
    )
    return [Section("details", _("My details"), DETAILS, [person]), places, enrolled]


CONSENT_FIELDS = [
    ("scope", _("What it covers")),
    ("given_at", _("Given on")),
    ("valid_until", _("Valid until")),
    ("withdrawn_at", _("Withdrawn on")),
    ("given_via", _("How it was given")),
    ("recorded_by", _("Recorded by")),
]


def _subject(reference):
    """A reference (``request:42``, ``ride:7``) in words: what it was and its number."""
    kind, _colon, number = (reference or "").partition(":")
    if kind == "request" and number:
        return gettext("Request for help number %(number)s") % {"number": number}
    if kind == "ride" and number:
        return gettext("Taxi ride number %(number)s") % {"number": number}
    if kind == "appointment" and number:
        return gettext("Hospital appointment number %(number)s") % {"number": number}
    return reference


def _consent(consent, resident, *, own):
    row = {
        "scope": consent.get_scope_display(),
        "given_at": consent.created_at,
        "valid_until": consent.expires_at,
        "withdrawn_at": consent.revoked_at,
        "given_via": consent.get_given_via_display(),
        "recorded_by": who(consent.recorded_by, resident) if consent.recorded_by else "",
        "grantee": who(consent.grantee, resident) if consent.grantee else str(ANYONE_ON_DUTY),
        "reference": _subject(consent.reference),
        "resident": str(consent.resident),
    }
    if own:  # what staff wrote when they recorded it: for the resident only
        row["note"] = consent.note
    return row


@register("permissions", models=["consent.Consent"], order=40)
def permissions(resident, *, own):
    """Permissions the resident gave, and permissions others gave them."""
    given = Consent.objects.filter(resident=resident).select_related("grantee", "recorded_by")
    held = Consent.objects.filter(grantee=resident).select_related("resident", "recorded_by")
    return [
        Section(
            "permissions_given",
            _("Permissions you gave"),
            [("grantee", _("Who may act")), ("reference", _("For the request")), *CONSENT_FIELDS]
            + ([("note", _("Note"))] if own else []),
            [_consent(consent, resident, own=own) for consent in given],
        ),
        Section(
            "permissions_held",
            _("Permissions others gave you"),
            [("resident", _("Given by")), *CONSENT_FIELDS],
            [_consent(consent, resident, own=False) for consent in held],
        ),
    ]


@register("agreements", models=["privacy.ProcessingConsent"], order=45)
def agreement_answers(resident, *, own):
    """Every answer to the sensitive-data questions, newest first, as it was recorded."""
    answers = ProcessingConsent.objects.filter(resident=resident).select_related("recorded_by")
    return Section(
        "agreements",
        _("Your answers about sensitive data"),
        [
            ("answered_at", _("Time")),
            ("purpose", _("What it is for")),
            ("answer", _("Answer")),
            ("version", _("Wording version")),
            ("channel", _("How it was given")),
            ("recorded_by", _("Recorded by")),
        ],
        [
            {
                "answered_at": answer.answered_at,
                "purpose": answer.get_purpose_display(),
                "answer": _answer_words(answer),
                "version": answer.version,
                "channel": answer.get_channel_display(),
                "recorded_by": who(answer.recorded_by, resident) if answer.recorded_by else "",
            }
            for answer in answers
        ],
    )


def _answer_words(answer):
    if answer.withdrawn:
        return gettext("Withdrawn")
    return gettext("Agreed") if answer.agreed else gettext("Said no")


@register("ratings", models=["ratings.Rating"], order=60)
def ratings(resident, *, own):
    return Section(
        "ratings",
        _("How satisfied you said you were"),
        [
            ("given_at", _("Time")),
            ("subject", _("What was rated")),
            ("level", _("How satisfied")),
            ("reasons", _("What went wrong")),
            ("comment", _("Comment")),
            ("channel", _("Given through")),
        ],
        [
            {
                "given_at": rating.created_at,
                "subject": _subject(rating.subject),
                "level": rating.get_level_display(),
                "reasons": _reason_words(rating),
                "comment": rating.comment,
                "channel": rating.get_channel_display(),
            }
            for rating in Rating.objects.filter(resident=resident).order_by("created_at", "pk")
        ],
    )


def _reason_words(rating):
    labels = dict(reasons_for(rating.subject))
    return pgettext("list separator", ", ").join(
        str(labels.get(reason, reason)) for reason in rating.reasons or []
    )


@register("journeys", models=["journeys.Step"], order=65)
def journeys(resident, *, own):
    """Where the resident started a service on the website or a service turned them away:
    kept so supervisors can count who is being left behind."""
    return Section(
        "journeys",
        _("Where you started a service or were turned away"),
        [("at", _("Time")), ("service", _("Service")), ("what", _("What happened"))],
        [
            {
                "at": step.at,
                "service": SERVICE_NAMES.get(step.service, step.service),
                "what": step.get_what_display(),
            }
            for step in Step.objects.filter(resident=resident).order_by("at", "pk")
        ],
    )


@register("messages", models=[], order=70)
def messages(resident, *, own):
    """Texts and calls sent to the resident's number. A sign-in code's text is never given:
    the time and status are enough to spot a code nobody asked for."""
    sent = Message.objects.filter(recipient=resident.phone) if resident.phone else []
    return Section(
        "messages",
        _("Texts and calls we sent you"),
        [
            ("created_at", _("Time")),
            ("medium", _("How")),
            ("purpose", _("About")),
            ("text", _("Text")),
            ("status", _("Status")),
        ],
        [
            {
                "created_at": message.created_at,
                "medium": message.get_medium_display(),
                "purpose": message.get_purpose_display(),
                "text": "" if message.purpose == Purpose.SIGN_IN_CODE else message.body,
                "status": message.get_status_display(),
            }
            for message in sent
        ],
    )


@register("audit", models=["audit.AuditEntry"], order=90)
def audit_log(resident, *, own):
    """The resident's audit log, as the sentences they read at /my-information/."""
    return Section(
        "audit_log",
        _("Who has seen or used your information"),
        [("when", _("Time")), ("what", _("What happened"))],
        [
            {"when": entry.created_at, "what": describe(entry)}
            for entry in entries_for(resident).order_by("created_at", "pk")
        ],
    )
