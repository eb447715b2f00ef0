"""Forgetting personal data a set time after it stopped being needed.

Each kind of record registers one function here that forgets what is older than its keep time
(``register``); one scheduled task, ``portal.forget_old_records``, runs them all every night.
The help desk's requests are the first; the privacy work adds every other kind the same way.
"""

import logging

from django.utils import timezone

logger = logging.getLogger(__name__)

FORGETTERS = {}


def register(name):
    """Decorator: ``@register("help requests")`` on ``forget(now) -> int`` (how many records)."""

    def add(function):
        FORGETTERS[name] = function
        return function

    return add


def forget_old_records(now=None):
    """Run every registered forgetter; return how many records each forgot, by name.

    One failing kind is logged and does not stop the others.
    """
    now = now or timezone.now()
    forgotten = {}
    for name, forget in FORGETTERS.items():
        try:
            forgotten[name] = forget(now)
        except Exception:
            logger.exception("forgetting old %s failed", name)
    return forgotten
