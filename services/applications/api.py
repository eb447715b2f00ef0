"""Applications API: the one entry every channel (web, phone, counter, the help desk) uses to
apply for a service an editor published as an application page (敬老卡, 助餐), and to handle it.

- :func:`questions`, :func:`visible`, :func:`validate` ask the page's questions;
  :func:`about` and :func:`contact_words` say what the page promises;
- :func:`apply` sends an application: it becomes a case for the help desk
  (``portal.signals.needs_a_person``, reason ``"application"``, record ``application:<id>``);
- :func:`accept`, :func:`ask_for_document`, :func:`approve`, :func:`refuse` are the staff's
  steps; each tells the resident by text or call, in their language;
- :func:`applications_of`, :func:`find`, :func:`for_the_desk` read them back.

Every answer is stored with the question's words as they were asked, so a question changed
later leaves answers already given readable as they were.
"""

import datetime
from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, override

from portal.accounts.phone import normalize_phone
from portal.accounts.roles import Role
from portal.consent.api import ConsentRequired
from portal.consent.models import Scope
from portal.signals import announce_needs_a_person
from services.applications import telling, words
from services.applications.blocks import CHOICE, DATE, PHONE, TEXT, YES_NO, condition_values
from services.applications.models import (
    OPEN_STATES,
    Application,
    ApplicationPage,
    State,
)

__all__ = [
    "SCOPE",
    "Answer",
    "ApplicationRefused",
    "ConsentRequired",
    "NotNow",
    "Question",
    "State",
    "about",
    "accept",
    "applications_of",
    "apply",
    "approve",
    "ask_for_document",
    "contact_words",
    "find",
    "for_the_desk",
    "page_for",
    "published_pages",
    "questions",
    "refuse",
    "sent_by",
    "validate",
    "visible",
]

# A family member (or a volunteer) applies for a resident with this permission.
SCOPE = Scope.APPLY
# Who may take a staff step on an application.
STAFF_ROLES = frozenset({Role.COUNTER, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.VOLUNTEER})
DECIDING_ROLES = frozenset({Role.COUNTER, Role.SUPERVISOR, Role.ADMINISTRATOR})
TEXT_MAX = 200
YES, NO = "yes", "no"


class ApplicationRefused(ValidationError):
    """An application that cannot be sent as it is; ``str()`` says why in plain words."""

    def __str__(self):
        return self.messages[0]


class NotNow(ValidationError):
    """A staff step that does not fit the application's state (someone else moved it)."""

    def __str__(self):
        return self.messages[0]


@dataclass(frozen=True)
class Question:
    """One question of a page, in the page's language."""

    key: str
    kind: str  # "choice", "text", "phone", "yes_no", "date"
    text: str
    help_text: str = ""
    ask_aloud: str = ""
    options: tuple = ()  # ((value, label), ...) for a choice; yes and no for yes_no
    show_if: str = ""  # the key of an earlier single-choice question
    show_values: tuple = ()  # its values that show this question
    when: str = "any"  # dates: "any", "past", "future"
    number: int = 0  # its place on the page, from 1


@dataclass(frozen=True)
class Answer:
    """One cleaned answer: ``value`` as stored, ``shown`` as the resident reads it."""

    value: str
    shown: str = field(default="")


def _yes_no_options():
    return ((YES, gettext("Yes")), (NO, gettext("No")))


def questions(page):
    """The page's questions, in the order they are asked, as :class:`Question` values."""
    result = []
    for number, child in enumerate(page.specific.questions, start=1):
        value = child.value
        kind = child.block_type
        if kind == CHOICE:
            options = tuple((option["value"], option["label"]) for option in value["options"])
        elif kind == YES_NO:
            options = _yes_no_options()
        else:
            options = ()
        result.append(
            Question(
                key=value["key"],
                kind=kind,
                text=value["question"],
                help_text=value.get("help_text") or "",
                ask_aloud=value.get("ask_aloud") or "",
                options=options,
                show_if=value.get("show_if_question") or "",
                show_values=tuple(condition_values(value.get("show_if_values"))),
                when=value.get("when") or "any",
                number=number,
            )
        )
    return result


def visible(page, answers):
    """The questions that apply given ``answers`` so far (``{key: value}``), in order.

    A question with a condition applies only when the earlier single-choice question it names
    applies and was answered with one of the condition's values; one without applies always.
    """
    shown = []
    applying = set()
    for question in questions(page):
        if question.show_if:
            if question.show_if not in applying:
                continue
            if answers.get(question.show_if) not in question.show_values:
                continue
        shown.append(question)
        applying.add(question.key)
    return shown


def validate(question, raw):
    """Clean one answer to ``question``; return an :class:`Answer`.

    ``raw`` is what was typed or chosen (a date may be a ``datetime.date`` or ``YYYY-MM-DD``).
    Raises ``ValidationError`` with a translated sentence saying what to do instead.
    """
    if isinstance(raw, str):
        raw = raw.strip()
    if raw in (None, ""):
        raise ValidationError(_required(question), code="required")
    if question.kind in (CHOICE, YES_NO):
        labels = dict(question.options)
        if raw not in labels:
            raise ValidationError(gettext("Choose one of the answers shown."), code="invalid")
        return Answer(raw, str(labels[raw]))
    if question.kind == TEXT:
        if len(raw) > TEXT_MAX:
            raise ValidationError(
                gettext("Keep it to %(max)d characters or fewer.") % {"max": TEXT_MAX},
                code="max_length",
            )
        return Answer(raw, raw)
    if question.kind == PHONE:
        number = normalize_phone(raw)
        return Answer(number, _national(number))
    if question.kind == DATE:
        day = _date(raw)
        today = timezone.localdate()
        if question.when == "past" and day > today:
            raise ValidationError(gettext("The date must be today or before."), code="future")
        if question.when == "future" and day < today:
            raise ValidationError(gettext("The date must be today or later."), code="past")
        return Answer(day.isoformat(), date_format(day, "DATE_FORMAT"))
    raise ValueError(f"unknown kind of question {question.kind!r}")


def _national(number):
    """A number as people write it here: ``138 0000 0001``."""
    parsed = phonenumbers.parse(number)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _required(question):
    if question.kind in (CHOICE, YES_NO):
        return gettext("Choose an answer.")
    if question.kind == DATE:
        return gettext("Enter the date: year, month and day.")
    return gettext("Enter an answer.")


def _date(raw):
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(
            gettext("Enter a real date, for example 1950 3 27."), code="invalid"
        ) from None


def about(page):
    """What the start page and the printed form say about ``page``'s service."""
    page = page.specific
    return {
        "eligibility": page.eligibility,
        "documents": [child.value for child in page.documents],
        "what_happens_next": page.what_happens_next,
        "how_long": page.how_long,
        "contact": words.contact_words(page),
    }


def contact_words(page):
    """How soon a person contacts a resident who applied: "within 2 working days"."""
    return words.contact_words(page.specific)


def page_for(page_id):
    """The live application page ``page_id``, or None."""
    return ApplicationPage.objects.live().filter(pk=page_id).first()


def published_pages(language):
    """The live application pages, one per service: in ``language`` where the page has a
    translation in it, else in the language it was written in; in page-tree order."""
    chosen = {}
    for page in ApplicationPage.objects.live().select_related("locale").order_by("path"):
        current = chosen.get(page.translation_key)
        if current is None or page.locale.language_code == language:
            chosen[page.translation_key] = page
    return list(chosen.values())


# ---------------------------------------------------------------------------------------------
# Applying


def apply(acting, page, answers, *, key=""):
    """Send ``acting.resident``'s application to ``page``'s service; return the Application.

    ``answers`` maps each question's key to its raw answer; only the questions that apply
    (:func:`visible`) are kept, each stored with the question's words as asked, the answer as
    shown and its value, in the page's language. A question that applies and has no valid
    answer raises :class:`ApplicationRefused` naming it, with nothing written. Acting for
    someone else needs their permission (``ConsentRequired``, nothing written). ``key`` names
    this send: the same key again returns the same application (a double tap sends once).

    In one transaction: the application, the ``sent_application`` audit entry and the receipt
    text (case number, when a person will contact them). Once committed, the case is announced
    on ``portal.signals.needs_a_person`` (reason ``"application"``, record ``application:<id>``)
    for the help desk to open.
    """
    acting = acting.with_consent(SCOPE)
    page = page.specific
    if not page.live:
        raise ApplicationRefused(gettext("This service is not taking applications now."))
    key = str(key or "").strip()[:80]
    if key:
        existing = Application.objects.filter(resident=acting.resident, key=key).first()
        if existing is not None:
            return existing
    language = page.locale.language_code
    stored = []
    with override(language):
        for question in visible(page, answers):
            try:
                answer = validate(question, answers.get(question.key))
            except ValidationError as problem:
                raise ApplicationRefused(
                    gettext("%(question)s %(problem)s")
                    % {"question": question.text, "problem": problem.messages[0]}
                ) from None
            stored.append(
                {
                    "key": question.key,
                    "question": question.text,
                    "answer": answer.shown,
                    "value": answer.value,
                }
            )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                page=page,
                title=page.title,
                case_label=page.case_label,
                resident=acting.resident,
                applied_by=acting.user,
                language=language,
                answers=stored,
                key=key,
                **acting.stamp(),
            )
            acting.record("sent_application", label=page.case_label, number=application.case_number)
            telling.tell_received(application, page)
    except IntegrityError:  # the same tap, sent at the same moment elsewhere
        if not key:
            raise
        return Application.objects.get(resident=acting.resident, key=key)
    _announce(application, page)
    return application


def _summary(application, contact):
    return gettext(
        "Application for %(label)s, number %(number)s: contact the resident %(contact)s."
    ) % {"label": application.case_label, "number": application.case_number, "contact": contact}


_lazy_summary = lazy(_summary, str)


def _announce(application, page):
    announce_needs_a_person(
        "applications",
        resident=application.resident,
        reason="application",
        record=application.subject,
        under=application.reference,
        summary=_lazy_summary(application, lazy(words.contact_words, str)(page)),
    )


# ---------------------------------------------------------------------------------------------
# The staff's steps


def _step(acting, application, states, changes, action, text, *, roles=STAFF_ROLES, rate=False):
    """Move ``application`` from one of ``states`` with ``changes`` and tell the resident
    ``text(application)``, in one transaction with the audit entry and the outbox row (and,
    with ``rate``, the question how satisfied they are); return it fresh.

    Raises ``PermissionDenied`` for someone who is not staff, and :class:`NotNow` when the
    application is no longer in one of ``states`` (someone else moved it): nothing changes.
    """
    if acting.role not in roles or acting.user is None:
        raise PermissionDenied(gettext("Only the staff who handle applications can do this."))
    acting.about(application.resident)
    with transaction.atomic():
        moved = Application.objects.filter(pk=application.pk, state__in=states).update(
            **changes, updated_at=timezone.now()
        )
        if not moved:
            raise NotNow(gettext("This application has changed meanwhile: look at it again."))
        application = Application.objects.select_related("resident", "page").get(pk=application.pk)
        acting.record(action, label=application.case_label, number=application.case_number)
        telling.tell(application, lambda: text(application))
        if rate:
            telling.ask_how_it_went(application)
    return application


def accept(acting, application):
    """Staff take ``application`` up: it is being checked. The resident is told.

    ``acting`` is the member of staff (counter, supervisor, volunteer at the desk) acting on
    the resident's case; raises ``PermissionDenied`` for anyone else, :class:`NotNow` if the
    application is no longer sent or waiting for a document.
    """
    return _step(
        acting,
        application,
        (State.SENT, State.DOCUMENTS_NEEDED),
        {"state": State.ACCEPTED},
        "accepted_application",
        words.accepted_text,
    )


def ask_for_document(acting, application, what, where):
    """Ask the resident for a missing document: ``what`` it is and ``where`` to bring it.

    Both are required (``ValidationError`` otherwise, nothing changed). The resident is told
    both by text or call, in their language.
    """
    what, where = (what or "").strip(), (where or "").strip()
    if not what or not where:
        raise ValidationError(gettext("Say which document is missing and where to bring it."))
    return _step(
        acting,
        application,
        OPEN_STATES,
        {
            "state": State.DOCUMENTS_NEEDED,
            "missing_document": what[:200],
            "bring_it_to": where[:200],
        },
        "asked_for_document",
        words.documents_text,
    )


def approve(acting, application):
    """Approve ``application`` (counter staff, supervisors, administrators only); the resident
    is told and asked how satisfied they are (好差评)."""
    return _step(
        acting,
        application,
        OPEN_STATES,
        {"state": State.APPROVED, "decided_at": timezone.now()},
        "approved_application",
        words.approved_text,
        roles=DECIDING_ROLES,
        rate=True,
    )


def refuse(acting, application, reason):
    """Refuse ``application`` with ``reason`` in plain words (required: ``ValidationError``
    otherwise, nothing changed); the resident is told the reason and asked how satisfied they
    are. Counter staff, supervisors and administrators only."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Say in plain words why it is not approved."))
    return _step(
        acting,
        application,
        OPEN_STATES,
        {"state": State.REFUSED, "refusal_reason": reason[:500], "decided_at": timezone.now()},
        "refused_application",
        words.refused_text,
        roles=DECIDING_ROLES,
        rate=True,
    )


# ---------------------------------------------------------------------------------------------
# Reading them back


def applications_of(resident):
    """``resident``'s applications, newest first."""
    return Application.objects.filter(resident=resident).select_related("page")


def sent_by(user):
    """The applications ``user`` sent, for themselves or for family, newest first."""
    return Application.objects.filter(applied_by=user).select_related("page")


def find(subject):
    """The application ``application:<id>`` names, or None."""
    kind, _colon, number = (subject or "").partition(":")
    if kind != "application" or not number.isdigit():
        return None
    return Application.objects.select_related("resident", "page").filter(pk=int(number)).first()


def for_the_desk(application):
    """What the help desk shows and routes by: the case's label and number, its state, the
    centre that handles it (None: the city-wide queue), the first-contact deadline as
    ``(amount, "hours" | "days")`` in working time, and the answers as asked."""
    page = application.page.specific if application.page_id else None
    return {
        "label": application.case_label,
        "number": application.case_number,
        "state": application.get_state_display(),
        "centre": page.centre if page else None,
        "contact_within": (page.contact_within, page.contact_unit) if page else None,
        "answers": application.answers,
        "open": application.state in OPEN_STATES,
    }
