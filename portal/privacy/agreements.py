"""Asking residents before the first use of their sensitive data, and honouring the answer.

Before the first taxi (home address, trips) and the first hospital booking (ID number, health)
every channel asks one short question (:func:`question`) and records the answer with its
wording version and channel (:func:`record_answer`). The services refuse to act without a yes
in the current version (:func:`require`, raising :class:`NotAgreed`), so a resident who said no
or withdrew (from "我的") is never acted for, whoever asks. Changing a question's words means
raising its ``version``: everyone is asked again.
"""

from dataclasses import dataclass

from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit import api as audit
from portal.audit.sentences import register_sentence
from portal.privacy.models import ProcessingConsent, Purpose

# How long a kept yes is trusted by the pages at most (any new answer forgets it at once).
KEEP_YES_SECONDS = 10 * 60


@dataclass(frozen=True)
class Question:
    """One purpose's question, what a no means, and the version of these words."""

    version: int
    asks: Promise
    without: Promise


QUESTIONS = {
    Purpose.TAXI: Question(
        version=1,
        asks=_(
            "To call taxis for you, may the portal keep your home address, your saved places "
            "and your trips, and give the taxi company what each ride needs?"
        ),
        without=_(
            "Without it, the portal cannot call taxis for you, on the web, by phone or at a "
            "counter. You can still call a taxi company yourself, and change your mind here "
            "at any time."
        ),
    ),
    Purpose.HOSPITAL: Question(
        version=1,
        asks=_(
            "To book hospital visits for you, may the portal keep your real name and ID number "
            "(partly hidden) and your appointments, and give the hospital what a booking needs?"
        ),
        without=_(
            "Without it, the portal cannot book hospital visits for you. You can still book "
            "at the hospital's own registration counter, and change your mind here at any time."
        ),
    ),
}

for _purpose, _sentences in {
    Purpose.TAXI: (
        _("%(who)s agreed %(how)s that the portal may keep your address and trips for taxis."),
        _("%(who)s said no %(how)s to the portal keeping your address and trips for taxis."),
        _("%(who)s withdrew %(how)s the agreement to keep your address and trips for taxis."),
    ),
    Purpose.HOSPITAL: (
        _("%(who)s agreed %(how)s that the portal may keep your ID number and hospital visits."),
        _("%(who)s said no %(how)s to the portal keeping your ID number and hospital visits."),
        _("%(who)s withdrew %(how)s the agreement to keep your ID number and hospital visits."),
    ),
}.items():
    for _answer, _sentence in zip(("agreed", "declined", "withdrew"), _sentences, strict=True):
        register_sentence(f"{_answer}_{_purpose}_data", _sentence)


class NotAgreed(PermissionDenied):
    """The resident has not agreed (in the current wording) to this use of their data."""

    def __init__(self, resident, purpose):
        self.resident = resident
        self.purpose = Purpose(purpose)
        super().__init__(resident, purpose)

    @property
    def message(self):
        return gettext(
            "%(resident)s has not agreed that the portal may keep this: %(purpose)s."
        ) % {"resident": self.resident, "purpose": self.purpose.label}

    @property
    def what_instead(self):
        """For whoever acts for the resident: how the resident can answer."""
        return gettext(
            "They can answer the question themselves on the website under Mine, on the "
            "hotline, or at a community centre counter."
        )

    def __str__(self):
        return self.message


def question(purpose):
    """The :class:`Question` for ``purpose`` (a ``Purpose``), to show or read aloud."""
    return QUESTIONS[Purpose(purpose)]


def latest_answer(resident, purpose):
    """The resident's newest answer for ``purpose`` (a ProcessingConsent), or None."""
    return ProcessingConsent.objects.filter(resident=resident, purpose=purpose).first()


def has_agreed(resident, purpose):
    """True when the resident's newest answer is a yes to the current wording."""
    answer = latest_answer(resident, purpose)
    return bool(
        answer
        and answer.agreed
        and not answer.withdrawn
        and answer.version == question(purpose).version
    )


def agreed_for_pages(resident, purpose):
    """:func:`has_agreed`, for a page deciding whether to ask: a yes is kept in the shared
    session cache (a signed-in page then needs no query for it) until the resident answers
    again on any channel. The services' :func:`require` always reads the database."""
    key = _kept_yes_key(resident.pk, purpose)
    cache = caches["sessions"]
    if cache.get(key):
        return True
    agreed = has_agreed(resident, purpose)
    if agreed:
        cache.set(key, True, KEEP_YES_SECONDS)
    return agreed


def _kept_yes_key(resident_id, purpose):
    # The wording's version is in the key: new words are asked again at once.
    return f"agreed:{resident_id}:{purpose}:{question(purpose).version}"


def require(resident, purpose):
    """Raise :class:`NotAgreed` unless the resident agreed to ``purpose`` (services call it
    before they keep or use that data)."""
    if not has_agreed(resident, purpose):
        raise NotAgreed(resident, purpose)


def record_answer(resident, purpose, agreed, *, channel, recorded_by=None):
    """Record the resident's yes or no to the current question; return the new row.

    ``recorded_by`` is the member of staff who heard it said or saw it signed (desk and
    phone); None when the resident answered on the web or by key. Written in the resident's
    audit log with the channel.
    """
    return _add(resident, purpose, agreed, channel=channel, recorded_by=recorded_by)


def withdraw(resident, purpose, *, channel, recorded_by=None):
    """Withdraw the resident's agreement for ``purpose``: from now on it is not used."""
    return _add(resident, purpose, False, channel=channel, recorded_by=recorded_by, withdrawn=True)


@transaction.atomic
def _add(resident, purpose, agreed, *, channel, recorded_by, withdrawn=False):
    purpose = Purpose(purpose)
    row = ProcessingConsent.objects.create(
        resident=resident,
        purpose=purpose,
        version=question(purpose).version,
        agreed=agreed,
        withdrawn=withdrawn,
        channel=channel,
        recorded_by=recorded_by,
    )
    # Forget a kept yes now, and again once committed (a page read between may keep it).
    key = _kept_yes_key(resident.pk, purpose)
    caches["sessions"].delete(key)
    transaction.on_commit(lambda: caches["sessions"].delete(key))
    answer = "withdrew" if withdrawn else "agreed" if agreed else "declined"
    audit.record(
        resident, f"{answer}_{purpose}_data", actor=recorded_by or resident, channel=channel
    )
    return row


def answers_of(resident):
    """Each purpose with its question and whether the resident agreed now, for "我的"."""
    return [
        {"purpose": purpose, "label": purpose.label, "agreed": has_agreed(resident, purpose)}
        for purpose in Purpose
    ]
