"""Ratings API: a resident says how satisfied they were, on the web or on a follow-up call."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.ratings.models import POOR, Level, Rating
from portal.signals import announce_poor_rating


def rate(acting, subject, level, comment=""):
    """Record how satisfied ``acting.resident`` was with ``subject`` (``request:42``); return it.

    ``level`` is a :class:`Level` (5 best). The resident rates on the website
    (``Acting.by_resident``) or tells the person who calls them back, who writes it down
    (``Acting.for_resident``: no consent needed to write down what the resident said). Each
    thing is rated once: a second rating raises ``ValidationError``. A poor rating (2 or 1) is
    announced (``portal.signals.poor_rating``) so a supervisor follows it up.
    """
    level = Level(int(level))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                resident=acting.resident,
                subject=subject,
                level=level,
                comment=(comment or "").strip()[:2000],
                channel=acting.channel,
                recorded_by=acting.user if acting.on_behalf else None,
            )
            acting.record("rated", subject=subject, level=int(level))
    except IntegrityError:
        raise ValidationError(_("This has been rated already. Thank you.")) from None
    if level <= POOR:
        announce_poor_rating("ratings", resident=acting.resident, subject=subject, level=level)
    return rating


def rating_of(resident, subject):
    """``resident``'s rating of ``subject``, or None."""
    return Rating.objects.filter(resident=resident, subject=subject).first()
