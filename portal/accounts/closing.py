"""Closing an account: a resident asks (on the web, at the desk or on the phone), waits
``ACCOUNT_CLOSING_DAYS`` in which they can change their mind, then the nightly task deletes or
anonymises everything about them, except what a rule says must be kept a while longer.

- :func:`ask_to_close` writes an :class:`AccountClosure` that closes ``ACCOUNT_CLOSING_DAYS``
  later, an audit entry, and a text or call to the resident with the date (so a closing that
  staff wrote down by mistake is caught by the resident).
- :func:`cancel_closing` keeps the account, up to the moment it is due.
- :func:`close_due_accounts` runs every night as a kind of ``portal.retention`` (registered
  there): for each closing that is due it first makes the account unusable, then calls every
  registered **eraser**, then blanks the account itself.

Each app registers an eraser for the models it holds about a resident (:func:`register`, from
its ``AppConfig.ready()``, like ``portal.privacy.my_data``): it deletes what can go and blanks
what a rule needs kept. The portal cannot import the services' models nor the human channels,
so each brings its own. An eraser works in transactions of its own, may be run again (a failed
or postponed closing is tried again the next night) and raises :class:`NotYet` when something
must end first (a taxi on its way). :func:`unerased` finds models that name a person and that
no eraser covers; a test fails on them.

What stays, and why (the privacy notice and the closing page say the same):

- the **audit log** (who saw or used the person's information) stays as written until its own
  ``KEEP_AUDIT_DAYS`` end: it is the resident's proof, and ours, if what was done while the
  account was open is ever disputed, so it must outlive the account;
- **finished taxi rides and hospital appointments** stay without addresses, names, ID numbers
  or notes until their usual keep time, for the taxi companies' and hospitals' own accounts
  and the portal's numbers;
- **requests for help and ratings** stay without any notes or comments (the desk's numbers);
- the **account row** itself stays, with no phone, name, address or contact left and unable to
  sign in, because those kept records point at it; and so does this closing record.
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts import resident_backend
from portal.accounts.models import AccountClosure
from portal.accounts.roles import Role
from portal.audit import api as audit
from portal.channels import Channel
from portal.notifications.api import send_to_resident
from portal.notifications.models import Purpose
from portal.privacy import my_data

logger = logging.getLogger(__name__)


class NotYet(Exception):
    """An eraser cannot finish yet (a taxi on its way, a hospital visit under way): the
    closing waits for the next night. What it had done stays done."""


class TooLate(ValidationError):
    """The closing is due: the account can no longer be kept."""


# --- The erasers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Eraser:
    name: str
    models: tuple
    erase: Callable
    order: int


ERASERS = {}


def register(name, *, models, order=50):
    """Decorator: ``@register("taxi", models=["taxi.Ride"])`` on ``erase(resident)``.

    ``erase`` deletes or blanks what its app holds about ``resident`` and returns how many rows
    it deleted or changed, by model label (a dict), or None. ``models`` are the labels it
    covers (see :func:`unerased`), including those it keeps on purpose (say why in its
    docstring). Lower ``order`` runs first: erasers that may raise :class:`NotYet` run before
    those that delete, so a postponed closing has deleted little.
    """

    def add(function):
        ERASERS[name] = Eraser(name, tuple(models), function, order)
        return function

    return add


def unerased(models=None):
    """Models naming a person that no eraser covers, leaving out those that hold nothing about a
    resident (``portal.privacy.my_data.NOT_ABOUT_RESIDENTS``)."""
    covered = {label for eraser in ERASERS.values() for label in eraser.models}
    skip = my_data.NOT_ABOUT_RESIDENTS
    return [
        label
        for label in my_data.models_naming_a_person(models)
        if label not in covered and label not in skip and label.split(".")[0] not in skip
    ]


@register("account closings", models=["accounts.AccountClosure"], order=99)
def keep_closings(resident):
    """Kept: when and how the closing was asked, and by whom; the account it names is blanked."""
    return None


# --- What the pages and the notice say ------------------------------------------------------


def closing_days():
    return settings.ACCOUNT_CLOSING_DAYS


def periods():
    """The numbers the closing page shows, from the same settings the nightly task reads:
    ``days`` (the wait), and the keep times of the audit log, rides and appointments."""
    from portal.retention import schedule

    kept = {kind["name"]: kind["days"] for kind in schedule()}
    return {
        "days": closing_days(),
        "audit_days": kept.get("audit entries", settings.KEEP_AUDIT_DAYS),
        "ride_days": kept.get("rides", settings.KEEP_RIDES_DAYS),
        "appointment_days": kept.get("appointments", settings.KEEP_APPOINTMENTS_DAYS),
    }


def when_words(moment):
    """A moment as a resident reads it: the date and the time, in the active language."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATE_FORMAT')} {local:%H:%M}"


# --- Asking and changing one's mind ---------------------------------------------------------


def pending_closure(resident):
    """``resident``'s closing that is neither cancelled nor done, or None."""
    if resident is None or resident.pk is None:
        return None
    return AccountClosure.objects.filter(
        resident=resident, cancelled_at__isnull=True, closed_at__isnull=True
    ).first()


def may_cancel(closure, now=None):
    """True while ``closure`` can still be cancelled: pending, and not yet due."""
    now = now or timezone.now()
    return closure.cancelled_at is None and closure.closed_at is None and now < closure.closes_at


def ask_to_close(resident, acting):
    """Write down that ``resident`` asked to close their account; return the closing.

    ``acting`` (``portal.acting.Acting``) says who wrote it down and how: the resident on the
    website, or the member of staff who holds their request, at a counter or on the phone
    (the resident's own words are the permission: no consent is asked for). Asking again while
    a closing is pending returns that one unchanged. The resident is told the date.
    """
    acting.about(resident)
    if acting.user is None:
        raise ValueError("Only the resident, or staff recording what they said, can ask.")
    with transaction.atomic():
        # One closing at a time: two taps at once wait for each other here.
        get_user_model().objects.select_for_update().filter(pk=resident.pk).first()
        existing = pending_closure(resident)
        if existing is not None:
            return existing
        now = timezone.now()
        closure = AccountClosure.objects.create(
            resident=resident,
            asked_at=now,
            closes_at=now + timedelta(days=closing_days()),
            channel=acting.channel,
            asked_by=acting.user,
        )
        acting.record("asked_to_close_account", closure=closure.pk)
        send_to_resident(
            resident,
            lambda: (
                gettext(
                    "Your account will be closed on %(when)s, as you asked, and your details "
                    "deleted. To keep it, sign in and open Mine, or call %(hotline)s before then."
                )
                % {"when": when_words(closure.closes_at), "hotline": _hotline()}
            ),
            purpose=Purpose.WELCOME,
            related=closure,
        )
    return closure


def cancel_closing(resident, acting):
    """Keep ``resident``'s account: cancel the pending closing; return it, or None if there was
    none. Raises :class:`TooLate` once it is due (the nightly task may be erasing)."""
    acting.about(resident)
    with transaction.atomic():
        closure = (
            AccountClosure.objects.select_for_update()
            .filter(resident=resident, cancelled_at__isnull=True, closed_at__isnull=True)
            .first()
        )
        if closure is None:
            return None
        if not may_cancel(closure):
            raise TooLate(
                _("Your account is being closed now: it can no longer be kept."), code="too_late"
            )
        closure.cancelled_at = timezone.now()
        closure.save(update_fields=["cancelled_at"])
        acting.record("kept_account", closure=closure.pk)
        send_to_resident(
            resident,
            lambda: gettext("Your account stays open: it will not be closed."),
            purpose=Purpose.WELCOME,
            related=closure,
        )
    return closure


def _hotline():
    from content.hotline import hotline_number

    return hotline_number()


# --- The nightly closing -------------------------------------------------------------------


def close_due_accounts(now=None, batches=None):
    """Close every account whose closing is due at ``now``; return the closings done.

    One resident's failure (or :class:`NotYet`) does not stop the others: theirs is tried
    again the next night. ``batches`` (``portal.retention.Batches``, when run as a kind of the
    nightly task) gets the counts; a failure is raised again at the end so the run records it.
    """
    now = now or timezone.now()
    due = AccountClosure.objects.filter(
        cancelled_at__isnull=True, closed_at__isnull=True, closes_at__lte=now
    ).order_by("closes_at", "pk")
    done, failed = [], []
    for closure in due.select_related("resident"):
        try:
            counts = close_account(closure, now)
        except NotYet as reason:
            logger.info("closing account %s waits: %s", closure.resident_id, reason)
            continue
        except Exception:
            logger.exception("closing account %s failed", closure.resident_id)
            failed.append(closure.pk)
            continue
        if counts is None:
            continue
        done.append(closure)
        if batches is not None:
            batches.rows += 1
            batches.count += 1
            batches.by_model.update(counts)
    if failed:
        raise RuntimeError(f"closings {failed} failed; tried again tomorrow")
    return done


def close_account(closure, now):
    """Erase ``closure``'s resident: stop the account, run every eraser, blank the account.

    Returns the rows deleted or changed by model label, or None when the closing was
    cancelled meanwhile. Raises :class:`NotYet` when an eraser must wait.
    """
    resident = closure.resident
    with transaction.atomic():
        locked = AccountClosure.objects.select_for_update().get(pk=closure.pk)
        if locked.cancelled_at is not None or locked.closed_at is not None:
            return None
        # From here nobody signs in as them: the session check fails for an inactive account.
        get_user_model().objects.filter(pk=resident.pk).update(is_active=False)
        transaction.on_commit(lambda: resident_backend.forget(resident.pk))
    counts = Counter()
    for eraser in sorted(ERASERS.values(), key=lambda eraser: (eraser.order, eraser.name)):
        counts.update(eraser.erase(resident) or {})
    with transaction.atomic():
        locked = AccountClosure.objects.select_for_update().get(pk=closure.pk)
        _blank_account(resident)
        counts[resident._meta.label] += 1
        locked.closed_at = now
        locked.save(update_fields=["closed_at"])
        audit.record(
            resident,
            "closed_account",
            actor=None,
            role=Role.SYSTEM,
            channel=Channel.SYSTEM,
            closure=locked.pk,
        )
    return counts


def _blank_account(user):
    """The account row, with nothing left that identifies the person; it can never sign in."""
    user.refresh_from_db()
    user.username = f"closed-{user.pk}"
    user.phone = None
    user.email = ""
    user.first_name = user.last_name = user.preferred_name = ""
    user.home_address = ""
    user.street = None
    user.emergency_name = user.emergency_phone = ""
    user.needs_wheelchair = user.needs_hearing = user.needs_boarding_help = False
    user.phone_straight_to_person = False
    for name in ("language", "text_size", "contrast", "notify_by"):
        setattr(user, name, user._meta.get_field(name).get_default())
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


# --- The resident's data -------------------------------------------------------------------


@my_data.register("account_closing", models=["accounts.AccountClosure"], order=95)
def closings_of(resident, *, own):
    """Each time the resident asked to close their account (nothing when they never did)."""
    closings = list(AccountClosure.objects.filter(resident=resident).select_related("asked_by"))
    if not closings:
        return []
    return my_data.Section(
        "account_closing",
        _("Asking to close my account"),
        [
            ("asked_at", _("Asked on")),
            ("channel", _("Asked through")),
            ("asked_by", _("Recorded by")),
            ("closes_at", _("Closes on")),
            ("cancelled_at", _("Cancelled on")),
        ],
        [
            {
                "asked_at": closure.asked_at,
                "channel": closure.get_channel_display(),
                "asked_by": my_data.who(closure.asked_by, resident),
                "closes_at": closure.closes_at,
                "cancelled_at": closure.cancelled_at,
            }
            for closure in closings
        ],
    )
