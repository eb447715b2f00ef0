"""Learning fixtures: a demo centre, sessions made on demand, and residents with a phone."""

import datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from portal.acting import Acting
from portal.areas.models import Street
from portal.notifications.models import Message
from services.learning.models import Session

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 20 November 2026, 10:00 in Shanghai.
NOW = (2026, 11, 20, 10, 0)
_phones = count(1)


def local(*parts):
    return datetime.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def centre(db):
    """The first demo centre (静安寺街道社区服务中心)."""
    return Street.objects.filter(centre__isnull=False).select_related("centre").first().centre


@pytest.fixture
def make_session(centre):
    def make(*, capacity=5, starts=None, language="zh-hans", topic="taxi", room="201"):
        starts = starts or local(2026, 11, 23, 14, 0)
        return Session.objects.create(
            centre=centre,
            topic=topic,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=90),
            capacity=capacity,
            language=language,
            room=room,
        )

    return make


@pytest.fixture
def make_resident(db):
    def make(name=None, language="zh-hans"):
        number = next(_phones)
        return get_user_model().objects.create_resident(
            f"+861390000{number:04d}", preferred_name=name or f"居民{number}", language=language
        )

    return make


def by(resident):
    return Acting.by_resident(resident)


def texts_to(person):
    """What every text written to ``person``'s phone says, oldest first (without the portal's
    name in brackets that starts each one)."""
    bodies = Message.objects.filter(recipient=person.phone).order_by("pk")
    return [body.split("】", 1)[-1] for body in bodies.values_list("body", flat=True)]


def said(person, msgid, **values):
    """``msgid`` (with ``values``) as ``person`` reads it, in their language."""
    with translation.override(person.language):
        text = translation.gettext(msgid)
    return text % values if values else text
