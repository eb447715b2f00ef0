"""The web pages: upcoming sessions as cards, signing up with one button, my sessions and
cancelling, what I have learned (mine only) and the practice runs' "remember" button."""

import pytest
from django.utils import translation

from services.learning import api
from services.learning.models import Learned, Place, State
from tests.learning.conftest import NOW, by, local

pytestmark = pytest.mark.django_db


def _page(response):
    return response.content.decode()


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/learning/")
    assert response.status_code == 302 and "next=/learning/" in response["Location"]


def test_the_cards_say_what_is_left(client, at, make_session, make_resident, resident):
    at(*NOW)
    roomy = make_session(capacity=5, topic="video_calls")
    full = make_session(capacity=1, topic="scam_calls")
    api.sign_up(by(make_resident()), full)
    api.sign_up(by(make_resident()), full)
    client.force_login(resident)
    with translation.override("en"):
        page = _page(client.get("/en/learning/"))
    assert "Video calls with family" in page and "5 places left" in page
    assert "Full: waiting list, 1 person ahead" in page
    assert f"/en/learning/{roomy.pk}/sign-up/" in page


def test_signing_up_on_the_web(client, at, make_session, resident):
    at(*NOW)
    session = make_session(capacity=1)
    client.force_login(resident)
    confirm = client.get(f"/en/learning/{session.pk}/sign-up/")
    assert confirm.status_code == 200 and "Sign up" in _page(confirm)
    assert not Place.objects.filter(resident=resident).exists()  # a GET changes nothing

    done = client.post(f"/en/learning/{session.pk}/sign-up/")
    assert done.status_code == 302 and done["Location"].endswith("/learning/mine/")
    place = Place.objects.get(resident=resident)
    assert place.state == State.BOOKED and place.channel == "web"
    mine = _page(client.get("/en/learning/mine/"))
    assert "You have a place." in mine and f"/learning/places/{place.pk}/cancel/" in mine


def test_a_full_session_offers_the_waiting_list(client, at, make_session, make_resident, resident):
    at(*NOW)
    session = make_session(capacity=1)
    api.sign_up(by(make_resident()), session)
    client.force_login(resident)
    assert "Join the waiting list" in _page(client.get(f"/en/learning/{session.pk}/sign-up/"))
    client.post(f"/en/learning/{session.pk}/sign-up/")
    assert "You are number 1 on the waiting list." in _page(client.get("/en/learning/mine/"))


def test_a_started_session_says_why_and_books_nothing(client, at, make_session, resident):
    session = make_session(starts=local(2026, 11, 20, 9, 0))
    at(*NOW)
    client.force_login(resident)
    response = client.post(f"/en/learning/{session.pk}/sign-up/")
    assert response.status_code == 400
    assert "This session has already started." in _page(response)
    assert not Place.objects.filter(resident=resident).exists()


def test_cancelling_on_the_web(client, at, make_session, make_resident, resident):
    at(*NOW)
    session = make_session(capacity=1)
    place = api.sign_up(by(resident), session)
    waiting = api.sign_up(by(make_resident()), session)
    client.force_login(resident)
    confirm = client.get(f"/en/learning/places/{place.pk}/cancel/")
    assert "Yes, cancel my place" in _page(confirm)
    place.refresh_from_db()
    assert place.state == State.BOOKED
    response = client.post(f"/en/learning/places/{place.pk}/cancel/")
    assert response.status_code == 302
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert (place.state, waiting.state) == (State.CANCELLED, State.BOOKED)


def test_another_residents_place_is_not_found(client, at, make_session, resident, neighbour):
    at(*NOW)
    place = api.sign_up(by(resident), make_session())
    client.force_login(neighbour)
    assert client.get(f"/en/learning/places/{place.pk}/cancel/").status_code == 404
    assert client.post(f"/en/learning/places/{place.pk}/cancel/").status_code == 404
    place.refresh_from_db()
    assert place.state == State.BOOKED


def test_what_i_have_learned_is_only_ever_mine(client, at, resident, neighbour):
    at(*NOW)
    api.remember_practice(resident, "video_calls")
    client.force_login(resident)
    assert "Video calls with family" in _page(client.get("/en/learning/learned/"))
    client.force_login(neighbour)
    page = _page(client.get("/en/learning/learned/"))
    assert "Video calls with family" not in page and "Nothing yet." in page


def test_the_remember_button(client, at, resident):
    at(*NOW)
    client.force_login(resident)
    response = client.post("/learning/remember/", {"topic": "taxi"})
    assert response.status_code == 302 and response["Location"].endswith("/learning/learned/")
    client.post("/learning/remember/", {"topic": "taxi"})
    assert list(Learned.objects.filter(resident=resident).values_list("topic", "how")) == [
        ("taxi", "practice")
    ]
    with translation.override("en"):
        bad = client.post("/en/learning/remember/", {"topic": "<flying>"})
    assert bad.status_code == 400 and "We do not know that topic." in _page(bad)
    assert Learned.objects.filter(resident=resident).count() == 1
    assert client.get("/learning/remember/").status_code == 405


def test_remember_when_signed_out_changes_nothing(client):
    response = client.post("/learning/remember/", {"topic": "taxi"})
    assert response.status_code == 302 and "learning/learned" in response["Location"]
    assert not Learned.objects.exists()
