"""The demo sessions: at the demo centres, in both languages, one nearly full; made once."""

import pytest

from services.learning import api
from services.learning.demo import SESSIONS, build_learning_demo
from services.learning.models import Session

pytestmark = pytest.mark.django_db


def test_the_demo_is_there_and_building_it_again_adds_nothing(demo_site):
    before = Session.objects.count()
    build_learning_demo()
    assert Session.objects.count() == before
    upcoming = list(api.upcoming())
    assert {session.language for session in upcoming} >= {"zh-hans", "en"}
    assert len({session.centre_id for session in upcoming}) == 3
    assert any(session.places_left == 1 for session in upcoming)
    assert len(upcoming) >= len(SESSIONS)
