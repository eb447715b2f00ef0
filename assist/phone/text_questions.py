"""Questions the portal asks a resident by text, which a reply of one digit answers.

Only the newest question can be answered: asking a new one ends those still open, so a digit
meant for one question never answers an older one (:class:`assist.models.TextQuestion`).
Used by the SMS commands (:mod:`assist.phone.sms_commands`) and the classes by text
(:mod:`assist.phone.sms_classes`).
"""

from datetime import timedelta

from django.utils import timezone

from assist.models import TextQuestion

What = TextQuestion.What

# How long a question can be answered.
LIFETIME = {
    What.TAXI_NOW: timedelta(minutes=30),
    What.RATING: timedelta(days=7),
    # Long enough to read the list and think; short enough that the places it told are
    # still roughly what they are (the answer is checked again anyway).
    What.CLASS: timedelta(hours=2),
    What.DROP_CLASS: timedelta(hours=2),
}


def ask(resident, what, about="", listed=()):
    """A new question for ``resident``; it ends any still open (only the newest is answered).

    ``listed`` is what each digit picks, in the order the question listed it (1 first).
    """
    now = timezone.now()
    TextQuestion.objects.filter(
        resident=resident, answered_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    return TextQuestion.objects.create(
        resident=resident,
        what=what,
        about=about,
        listed=list(listed),
        asked_at=now,
        expires_at=now + LIFETIME[what],
    )


def open_question(resident):
    """``resident``'s newest question still waiting for an answer, or None."""
    return (
        TextQuestion.objects.filter(
            resident=resident, answered_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-asked_at", "-pk")
        .first()
    )


def claim(question, digit):
    """Answer ``question`` with ``digit``: True for exactly one of any number of answers
    arriving at once (one conditional update), False when it was answered already."""
    return bool(
        TextQuestion.objects.filter(pk=question.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(), answer=digit
        )
    )
