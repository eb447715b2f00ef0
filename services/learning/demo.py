"""Demo learning sessions: a few at each demo centre over the next two weeks, in Chinese and
in English, one of them nearly full (two of its three places taken by demo residents).

``build_learning_demo()`` is safe to run again: a session is found by its centre, topic and
start time, so each is made once; the places are made once per resident. It runs in every
test session (``content.demo.build_demo``), so it stays a handful of queries.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.areas.models import Street
from portal.channels import Channel
from services.learning.models import Place, Session, State, Topic

# (days from today, hour, minutes, topic, centre index, language, places, room)
SESSIONS = [
    (1, 14, 0, Topic.PORTAL, 0, "zh-hans", 3, "201"),  # nearly full
    (2, 9, 30, Topic.TAXI, 1, "zh-hans", 10, "102"),
    (3, 14, 0, Topic.SCAM_CALLS, 2, "zh-hans", 20, "305"),
    (4, 10, 0, Topic.VIDEO_CALLS, 0, "en", 8, "201"),
    (6, 9, 30, Topic.HOSPITAL, 1, "zh-hans", 10, "102"),
    (8, 14, 0, Topic.PORTAL, 2, "en", 8, "305"),
    (10, 10, 0, Topic.HOSPITAL, 0, "zh-hans", 12, "201"),
    (13, 14, 0, Topic.VIDEO_CALLS, 1, "zh-hans", 10, "102"),
]
LENGTH = datetime.timedelta(minutes=90)
# Demo residents who hold two of the nearly full session's three places (not the residents
# the tests sign in as, so theirs stays free to take).
FILLED_BY = ["+8613800000077", "+8613800000088"]


def build_learning_demo(today=None):
    """Create the demo sessions (those missing) and the nearly full one's places; return a
    line to print."""
    today = today or timezone.localdate()
    centres = _centres()
    if not centres:
        return "learning: no demo centres, no sessions"
    made = 0
    with transaction.atomic():
        sessions = []
        for days, hour, minute, topic, index, language, places, room in SESSIONS:
            starts = timezone.make_aware(
                datetime.datetime.combine(
                    today + datetime.timedelta(days=days), datetime.time(hour, minute)
                )
            )
            session, created = Session.objects.get_or_create(
                centre=centres[index % len(centres)],
                topic=topic,
                starts_at=starts,
                defaults={
                    "ends_at": starts + LENGTH,
                    "language": language,
                    "capacity": places,
                    "room": room,
                },
            )
            made += created
            sessions.append(session)
        nearly_full = sessions[0]
        for person in get_user_model().objects.filter(phone__in=FILLED_BY):
            Place.objects.get_or_create(
                session=nearly_full,
                resident=person,
                state=State.BOOKED,
                defaults={"channel": Channel.COUNTER, "signed_up_by": person},
            )
    return f"learning: {len(SESSIONS)} sessions at {len(centres)} centres ({made} new)"


def _centres():
    """The centres serving the demo streets, in the demo's order (first one first)."""
    centres = []
    for street in (
        Street.objects.filter(centre__isnull=False).select_related("centre").order_by("pk")
    ):
        if street.centre not in centres:
            centres.append(street.centre)
    return centres
