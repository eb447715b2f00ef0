"""Forgetting personal data a set time after it stopped being needed.

Each kind of record registers, where it lives, one function that forgets what is older than its
keep time (``register``); one scheduled task, ``portal.forget_old_records``, runs them all every
night and writes down in a :class:`portal.audit.models.RetentionRun` how many rows of each kind
it deleted or anonymised. The keep times are settings (``KEEP_*_DAYS``, ``ASSIST_KEEP_DAYS``),
and :func:`schedule` gives them to the privacy notice, so the page and the practice agree.

Every forgetter works through :class:`Batches`: it picks up to ``RETENTION_BATCH`` primary keys
(a plain read, no locks), then deletes or updates those rows, and only those, in a transaction
of their own. No statement holds its row locks for longer than one batch takes.
"""

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What happens to a record when its keep time is over.
DELETED = "deleted"
ANONYMISED = "anonymised"
WHAT_HAPPENS = {
    DELETED: _("deleted"),
    ANONYMISED: _("wiped of what could identify you"),
}


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of record the portal forgets: its name, its keep-time setting, what happens."""

    name: str
    label: str  # a lazy translation, for people: "taxi rides"
    days_setting: str  # the setting that holds the keep time in days
    action: str  # DELETED or ANONYMISED
    forget: Callable  # forget(cutoff, batches): forget what is older than cutoff

    @property
    def days(self):
        return getattr(settings, self.days_setting)


# The kinds, by name, in the order they registered.
FORGETTERS = {}


def register(name, *, label, days, action):
    """Decorator: register ``forget(cutoff, batches)`` as the forgetting of one kind of record.

    ``days`` names the setting that holds the keep time; ``action`` is :data:`DELETED` or
    :data:`ANONYMISED`. The function forgets what became older than ``cutoff`` (now less the
    keep time) through ``batches`` (:meth:`Batches.delete`, or :meth:`Batches.run` with
    :meth:`Batches.note`). Register it from the app's own ``ready()``, next to the records.
    """
    if action not in WHAT_HAPPENS:
        raise ValueError(f"action must be one of {sorted(WHAT_HAPPENS)}")

    def add(function):
        FORGETTERS[name] = Kind(name, label, days, action, function)
        return function

    return add


def schedule():
    """How long each kind of record is kept and what happens then, from the settings.

    The privacy notice page reads this (built separately), so what it tells residents is
    always what the nightly task does. One dict per kind, in registration order: ``name``
    (the key in the task's counts), ``label`` (translated), ``days``, ``action``
    (:data:`DELETED` or :data:`ANONYMISED`) and ``what_happens`` (translated).
    """
    return [
        {
            "name": kind.name,
            "label": kind.label,
            "days": kind.days,
            "action": kind.action,
            "what_happens": WHAT_HAPPENS[kind.action],
        }
        for kind in FORGETTERS.values()
    ]


class Batches:
    """One kind's forgetting, done in primary-key batches of ``size``, with its figures.

    ``rows``: rows deleted or changed (deletes count the rows cascaded with them too);
    ``by_model``: every row deleted or changed, by model label; ``count``: batches;
    ``longest_ms``: the longest batch transaction, which is as long as any of its row locks
    was held. Only committed batches count.
    """

    def __init__(self, now, size):
        self.now = now
        self.size = size
        self.rows = 0
        self.by_model = Counter()
        self.count = 0
        self.longest_ms = 0.0
        self._batch = Counter()

    def note(self, model, rows):
        """Count ``rows`` of ``model`` deleted or changed in the batch under way."""
        self._batch[model._meta.label] += rows

    def run(self, queryset, act):
        """Call ``act(pks) -> rows`` on batches of the primary keys ``queryset`` finds.

        Each call is its own transaction. Batches go in primary-key order and each starts
        after the last key of the one before, so rows left behind (dead until vacuumed) are
        never read again. ``act`` should repeat the queryset's conditions (``queryset.filter(
        pk__in=pks)``), so a row that stopped being due in between is left alone.
        """
        keys = queryset.order_by("pk").values_list("pk", flat=True)
        last = None
        while True:
            page = keys if last is None else keys.filter(pk__gt=last)
            pks = list(page[: self.size])
            if not pks:
                return
            self._batch = Counter()
            began = time.perf_counter()
            with transaction.atomic(using=queryset.db):
                rows = act(pks)
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - began) * 1000)
            self.rows += rows
            self.by_model.update(self._batch)
            self.count += 1
            if len(pks) < self.size:
                return
            last = pks[-1]

    def delete(self, queryset, *, children=()):
        """Delete the rows of ``queryset``, batch by batch, one DELETE statement per table.

        ``children`` are ``(model, field)`` pairs: rows whose foreign key ``field`` points at
        these, deleted first in the same transaction (a ride's events). Django's own cascade
        would read every row into memory and delete in statements of 100 rows; this deletes
        each batch in one. Signals are not sent. Anything else still pointing at a row makes
        the database's foreign key check fail the batch (rolled back), never leaves it dangling.
        """
        db = queryset.db

        def act(pks):
            total = 0
            for model, field in children:
                rows = _delete_rows(model._base_manager.using(db).filter(**{f"{field}__in": pks}))
                self.note(model, rows)
                total += rows
            rows = _delete_rows(queryset.filter(pk__in=pks))
            self.note(queryset.model, rows)
            return total + rows

        self.run(queryset, act)


def _delete_rows(queryset):
    """One ``DELETE ... WHERE`` for ``queryset``'s rows; return how many went. (What Django's
    own deletion runs for a model nothing points at, without the checks for what does.)"""
    return queryset.order_by()._raw_delete(queryset.db)


def forget_old_records(now=None):
    """Run every registered forgetter; return how many rows each forgot, by name.

    One failing kind is logged and does not stop the others. The run, with the counts of
    each kind, is written down as a ``RetentionRun``.
    """
    from portal.audit.models import RetentionRun

    now = now or timezone.now()
    run = RetentionRun.objects.create()
    forgotten, figures, failed = {}, {}, []
    for name, kind in FORGETTERS.items():
        batches = Batches(now, settings.RETENTION_BATCH)
        try:
            kind.forget(now - timedelta(days=kind.days), batches)
        except Exception:
            logger.exception("forgetting old %s failed", name)
            failed.append(name)
        # What a failed kind did before failing stays done: its batches were committed.
        forgotten[name] = batches.rows
        figures[name] = {
            "action": kind.action,
            "days": kind.days,
            "rows": batches.rows,
            "by_model": dict(batches.by_model),
            "batches": batches.count,
            "longest_batch_ms": round(batches.longest_ms, 1),
        }
    run.counts = figures
    run.failed = failed
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "failed", "finished_at"])
    for name in failed:
        forgotten.pop(name)
    return forgotten


@register(
    "closed accounts",
    label=_("accounts their owners asked to close"),
    days="ACCOUNT_CLOSING_DAYS",
    action=ANONYMISED,
)
def close_accounts(cutoff, batches):
    """Close the accounts whose closing is due (``portal.accounts.closing``): each closes at
    the time the resident was told when they asked, ``ACCOUNT_CLOSING_DAYS`` after asking."""
    from portal.accounts.closing import close_due_accounts

    close_due_accounts(batches.now, batches)
