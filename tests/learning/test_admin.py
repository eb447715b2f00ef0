"""Counter staff plan sessions in the admin; places never drop below those booked, and more
places go to those waiting at once."""

import pytest

from services.learning import api
from services.learning.models import Session, State
from tests.learning.conftest import NOW, by, texts_to

pytestmark = pytest.mark.django_db

URL = "/admin/learning_sessions/"


def _form(session, **changes):
    fields = {
        "topic": session.topic,
        "centre": session.centre_id,
        "starts_at": session.starts_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "ends_at": session.ends_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "room": session.room,
        "capacity": session.capacity,
        "language": session.language,
    }
    return {**fields, **changes}


def test_counter_staff_add_a_session(staff_login, counter_staff, make_session, centre):
    client = staff_login(counter_staff)
    model = make_session()  # only to build the form's values
    before = Session.objects.count()
    response = client.post(f"{URL}new/", _form(model, room="3 楼活动室"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Session.objects.count() == before + 1
    assert Session.objects.filter(room="3 楼活动室", centre=centre).exists()


def test_fewer_places_than_booked_is_refused_and_more_move_the_waiting_up(
    staff_login, counter_staff, make_session, make_resident, at
):
    at(*NOW)
    session = make_session(capacity=1)
    first, second = make_resident(), make_resident()
    api.sign_up(by(first), session)
    waiting = api.sign_up(by(second), session)
    assert waiting.state == State.WAITING
    client = staff_login(counter_staff)

    refused = client.post(f"{URL}edit/{session.pk}/", _form(session, capacity=0))
    assert refused.status_code == 200
    session.refresh_from_db()
    assert session.capacity == 1

    client.post(f"{URL}edit/{session.pk}/", _form(session, capacity=2))
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert (session.capacity, waiting.state) == (2, State.BOOKED)
    assert len(texts_to(second)) == 2  # on the waiting list, then a place


def test_residents_cannot_open_the_planning(client, resident):
    client.force_login(resident)
    assert client.get(URL).status_code in (302, 403)
