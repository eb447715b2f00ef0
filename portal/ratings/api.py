"""Ratings API: a resident says how satisfied they were (好差评), on the web, by a text reply,
by key on a call, or to the person who calls them back."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.ratings.models import POOR, Level, Rating
from portal.ratings.subjects import (  # noqa: F401 - part of the api
    Subject,
    describe,
    reasons_for,
    register,
)
from portal.signals import announce_poor_rating


def rate(acting, subject, level, comment="", reasons=(), *, change=False):
    """Record how satisfied ``acting.resident`` was with ``subject`` (``request:42``,
    ``ride:12``, ``appointment:7``); return the rating.

    ``level`` is a :class:`Level` (5 best); ``reasons`` keys of the subject's preset reasons
    (others are dropped); ``comment`` free text. The resident rates on the website
    (``Acting.by_resident``), by text or by key on a call, or tells the person who calls them
    back, who writes it down (``Acting.for_resident``: no consent needed to write down what
    the resident said).

    One rating per thing rated. A second one raises ``ValidationError`` unless ``change`` is
    true (the resident changes it on purpose) and it is within ``RATING_CHANGE_DAYS`` of the
    rating; or the follow-up of a poor rating was handled (:func:`reopen_rating`), after which
    the resident may rate afresh. A poor rating (2 or 1) is announced
    (``portal.signals.poor_rating``) so a supervisor follows it up.
    """
    level = Level(int(level))
    allowed = {key for key, _label in reasons_for(subject)}
    reasons = [key for key in dict.fromkeys(reasons or ()) if key in allowed]
    values = {
        "level": level,
        "comment": (comment or "").strip()[:2000],
        "reasons": reasons,
        "channel": acting.channel,
        "recorded_by": acting.user if acting.on_behalf else None,
    }
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = (
                Rating.objects.select_for_update()
                .filter(resident=acting.resident, subject=subject)
                .first()
            )
            if existing is None:
                rating = Rating.objects.create(
                    resident=acting.resident, subject=subject, created_at=now, **values
                )
                action = "rated"
            elif existing.may_rate_again:
                rating = _update(existing, values, created_at=now, changed_at=None)
                action = "rated"
            elif not change:
                raise ValidationError(_("This has been rated already. Thank you."))
            elif now >= change_until(existing):
                raise ValidationError(
                    _(
                        "This rating can no longer be changed: that was possible until "
                        "%(date)s. To tell us more, ask for help."
                    )
                    % {"date": _date(change_until(existing))}
                )
            else:
                rating = _update(existing, values, changed_at=now)
                action = "changed_rating"
            acting.record(action, subject=subject, level=int(level), reasons=reasons)
    except IntegrityError:  # rated at the same moment elsewhere
        raise ValidationError(_("This has been rated already. Thank you.")) from None
    if level <= POOR:
        announce_poor_rating("ratings", resident=acting.resident, subject=subject, level=level)
    return rating


def _update(rating, values, **more):
    for name, value in {**values, **more, "may_rate_again": False}.items():
        setattr(rating, name, value)
    rating.save()
    return rating


def _date(moment):
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def change_until(rating):
    """When ``rating`` can no longer be changed."""
    return rating.created_at + timedelta(days=settings.RATING_CHANGE_DAYS)


def may_change(rating, now=None):
    """Whether the resident may still change ``rating`` (or rate afresh after a follow-up)."""
    return rating.may_rate_again or (now or timezone.now()) < change_until(rating)


def rating_of(resident, subject):
    """``resident``'s rating of ``subject``, or None."""
    return Rating.objects.filter(resident=resident, subject=subject).first()


_ASKERS = []


def register_asker(ask):
    """The phone channels' way to ask for a rating that a key or a one-digit reply answers:
    ``ask(resident, subject, question, *, purpose, related)``."""
    _ASKERS[:] = [ask]


def ask(resident, subject, question, *, purpose, related=None):
    """Ask ``resident`` how satisfied they were with ``subject`` (回访): by a call they answer
    by key when they prefer calls, else by the text ``question()`` (made in their language)
    that a reply of 5 to 1 answers. Without the phone channels the text goes as a plain notice
    (its link to the rating page still works). Nothing is asked when ``subject`` is rated
    already. Returns what the asker returned, or the outbox row."""
    if rating_of(resident, subject) is not None:
        return None
    if _ASKERS:
        return _ASKERS[0](resident, subject, question, purpose=purpose, related=related)
    from portal.notifications import api as notify

    return notify.send_to_resident(resident, question, purpose=purpose, related=related)


def reopen_rating(resident, subject):
    """The follow-up of ``resident``'s poor rating of ``subject`` was handled: they may rate it
    again (whatever its age). The help desk calls this when it closes the follow-up. Returns
    whether there was such a rating."""
    return bool(
        Rating.objects.filter(resident=resident, subject=subject, level__lte=POOR).update(
            may_rate_again=True
        )
    )


def follow_up_opened(resident, subject, due):
    """A person must call ``resident`` about their poor rating of ``subject`` by ``due``: the
    help desk calls this when it opens the follow-up, for the month's published results."""
    Rating.objects.filter(resident=resident, subject=subject, level__lte=POOR).update(
        follow_up_due=due, followed_up_at=None
    )


def followed_up(resident, subject, at):
    """A person first took up the follow-up of ``resident``'s poor rating of ``subject`` at
    ``at`` (the help desk calls this; only the first time counts)."""
    Rating.objects.filter(
        resident=resident, subject=subject, level__lte=POOR, followed_up_at__isnull=True
    ).update(followed_up_at=at)
