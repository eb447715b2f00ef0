"""What learning holds about a resident: in their data, gone when the account closes, and
places forgotten after their keep time."""

import datetime

import pytest
from django.utils import translation

from portal.accounts import closing
from portal.privacy import my_data
from portal.retention import FORGETTERS, forget_old_records
from services.learning import api
from services.learning.models import Learned, Place, State, Teaching
from tests.learning.conftest import NOW, by, local

pytestmark = pytest.mark.django_db


def _sections(resident):
    with translation.override("en"):
        return {section.name: section for section in my_data.gather(resident)}


def test_my_data_has_my_places_and_what_i_learned(at, make_session, make_resident):
    at(*NOW)
    person = make_resident()
    assert not {"learning_places", "learning_learned"} & set(_sections(person))
    api.sign_up(by(person), make_session(topic="scam_calls"))
    api.remember_practice(person, "taxi")
    sections = _sections(person)
    (place,) = sections["learning_places"].records
    assert str(place["topic"]) == "Spotting scam calls" and str(place["state"]) == "Booked"
    (entry,) = sections["learning_learned"].records
    assert str(entry["topic"]) == "Calling a taxi"
    # Someone else's are not in it.
    assert "learning_places" not in _sections(make_resident())


def test_the_data_page_shows_them(client, at, make_session, resident):
    at(*NOW)
    api.sign_up(by(resident), make_session(topic="video_calls"))
    client.force_login(resident)
    page = client.get("/en/my/data/").content.decode()
    assert "Places at learning sessions" in page and "Video calls with family" in page


def test_every_learning_model_is_covered():
    labels = {"learning.Place", "learning.Learned", "learning.Teaching"}
    assert labels <= {label for e in my_data.EXPORTERS.values() for label in e.models}
    assert labels <= {label for e in closing.ERASERS.values() for label in e.models}
    assert not labels & set(closing.unerased())


def test_closing_cancels_places_to_come_and_removes_everything(
    at, make_session, make_resident, volunteer
):
    at(*NOW)
    leaving, waiting = make_resident(), make_resident()
    session = make_session(capacity=1)
    api.sign_up(by(leaving), session)
    moved = api.sign_up(by(waiting), session)
    past = make_session(starts=local(2026, 11, 20, 8, 0))
    at(2026, 11, 20, 9, 0)
    api.record_attendance(by(leaving), past, [leaving])
    api.remember_practice(leaving, "hospital")
    api.record_teaching(past, leaving, 1)
    api.record_teaching(past, volunteer, 1)

    closing.ERASERS["learning"].erase(leaving)

    assert not Place.objects.filter(resident=leaving).exists()
    assert not Learned.objects.filter(resident=leaving).exists()
    assert not Teaching.objects.filter(volunteer=leaving).exists()
    assert Teaching.objects.filter(session=past).count() == 2  # the hours stay, unnamed
    moved.refresh_from_db()
    assert moved.state == State.BOOKED  # the place went to the one waiting
    closing.ERASERS["learning"].erase(leaving)  # may run again


def test_places_are_forgotten_after_their_keep_time(at, settings, make_session, make_resident):
    assert "learning places" in FORGETTERS
    at(*NOW)
    person = make_resident()
    old = api.sign_up(by(person), make_session(starts=local(2026, 11, 21, 9, 0)))
    young = api.sign_up(by(person), make_session(starts=local(2026, 12, 21, 9, 0)))
    api.remember_practice(person, "taxi")
    days = settings.KEEP_APPOINTMENTS_DAYS
    at(*(local(2026, 11, 22, 9, 0) + datetime.timedelta(days=days)).timetuple()[:5])
    assert forget_old_records()["learning places"] == 1
    assert not Place.objects.filter(pk=old.pk).exists()
    assert Place.objects.filter(pk=young.pk).exists()
    assert Learned.objects.filter(resident=person).exists()
