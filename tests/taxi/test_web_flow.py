"""The web channel: one tap from home, a status page, cancel; the tap counts once."""

import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from services.taxi.models import Ride, Status
from tests.support.phones import code_sent_to
from tests.taxi.conftest import HOME

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, at_home):
    client.force_login(at_home)
    return client


def test_one_tap_after_sign_in_calls_a_taxi_and_shows_the_car(
    signed_in, at_home, simulation, django_capture_on_commit_callbacks
):
    simulation("found")
    page = signed_in.get("/taxi/").content.decode()
    assert page.count('type="submit"') == 2  # the tap, and the header's sign-out
    key = page.split('name="key" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/taxi/", {"key": key})
    ride = Ride.objects.get(resident=at_home)
    assert response["Location"] == f"/taxi/rides/{ride.pk}/"
    html = signed_in.get(response["Location"]).content.decode()
    assert ride.pickup_address == HOME
    ride.refresh_from_db()
    assert ride.car_plate and ride.car_plate in html
    assert 'href="tel:' in html and 'aria-live="polite"' in html


def test_a_double_tap_is_one_ride(signed_in, at_home, quiet):
    key = signed_in.get("/taxi/").content.decode().split('name="key" value="')[1].split('"')[0]
    first = signed_in.post("/taxi/", {"key": key})
    second = signed_in.post("/taxi/", {"key": key})
    assert first["Location"] == second["Location"]
    assert Ride.objects.filter(resident=at_home).count() == 1


def test_a_second_tap_with_a_ride_on_its_way_goes_to_that_ride(signed_in, at_home, quiet):
    first = signed_in.post("/taxi/", {"key": "a"})
    second = signed_in.post("/taxi/", {"key": "b"})
    assert second["Location"] == first["Location"]
    assert Ride.objects.filter(resident=at_home).count() == 1


def test_the_status_page_has_json_for_live_updates_and_a_cancel_button(signed_in, at_home, quiet):
    location = signed_in.post("/taxi/", {"key": "k"})["Location"]
    status = json.loads(signed_in.get(location + "status.json").content)
    assert status["can_cancel"] is True and status["final"] is False
    question = signed_in.post(location + "cancel/").content.decode()  # the button asks first
    assert "取消这辆车吗" in question and Ride.objects.get(resident=at_home).status == "requested"
    assert signed_in.post(location + "cancel/", {"answer": "no"})["Location"] == location
    assert Ride.objects.get(resident=at_home).status == "requested"
    signed_in.post(location + "cancel/", {"answer": "yes"})
    assert Ride.objects.get(resident=at_home).status == "cancelled"
    after = signed_in.get(location).content.decode()
    assert "再叫一辆" in after and "回首页" in after


def test_a_car_at_the_door_is_not_cancelled_and_the_page_says_what_to_do(signed_in, at_home, quiet):
    location = signed_in.post("/taxi/", {"key": "k"})["Location"]
    ride = Ride.objects.get(resident=at_home)
    Ride.objects.filter(pk=ride.pk).update(status="arrived", driver_phone="+8613911112222")
    assert json.loads(signed_in.get(location + "status.json").content)["can_cancel"] is False
    html = signed_in.post(location + "cancel/", {"answer": "yes"}).content.decode()
    assert 'role="alert"' in html and "告诉司机" in html and "139" in html
    assert Ride.objects.get(pk=ride.pk).status == "arrived"


def test_without_a_home_address_the_tap_asks_once_then_continues(client, resident, quiet):
    resident.home_address = ""
    resident.save()
    client.force_login(resident)
    assert client.get("/taxi/")["Location"] == "/taxi/home/"
    assert client.post("/taxi/home/", {"home_address": "华山路 1 号"})["Location"] == "/taxi/"
    resident.refresh_from_db()
    assert resident.home_address == "华山路 1 号"


def _sign_in(client, resident, settings, next_url):
    """Sign in with the phone and the texted code; return where sign-in sends the resident."""
    settings.SIGNIN_THROTTLE_FACTOR = 0
    cache.clear()
    resident.last_login = timezone.now()  # not a first sign-in: no welcome questions
    resident.save(update_fields=["last_login"])
    client.post("/signin/", {"phone": resident.phone, "next": next_url})
    return client.post("/signin/code/", {"code": code_sent_to(resident.phone)})


@pytest.mark.parametrize(
    "page", ["/taxi/", "/taxi/choose/", "/taxi/choose/from/", "/taxi/choose/check/"]
)
def test_not_signed_in_goes_to_sign_in_and_comes_straight_back(client, at_home, settings, page):
    response = client.get(page)
    assert response["Location"] == f"/signin/?next={page}"
    next_url = response["Location"].split("next=")[1]
    assert _sign_in(client, at_home, settings, next_url)["Location"] == page
    # Back on the page asked for: the tap, or the other choices from their first question.
    landing = client.get(page, follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1:] in ([], [("/taxi/choose/from/", 302)])


def test_the_tap_is_one_post_after_sign_in(client, at_home, settings, quiet):
    next_url = client.get("/taxi/")["Location"].split("next=")[1]
    back = _sign_in(client, at_home, settings, next_url)["Location"]
    page = client.get(back).content.decode()  # the page sign-in came back to ...
    main = page.split('<main id="main"')[1]
    assert main.count("<form") == 1 and main.count('type="submit"') == 1
    key = main.split('name="key" value="')[1].split('"')[0]
    response = client.post(back, {"key": key})  # ... and one tap on it
    ride = Ride.objects.get(resident=at_home)
    assert response["Location"] == f"/taxi/rides/{ride.pk}/"
    assert ride.pickup_address == HOME and ride.pickup_at is None


def test_another_residents_ride_is_not_found(client, at_home, quiet, django_user_model):
    client.force_login(at_home)
    location = client.post("/taxi/", {"key": "x"})["Location"]
    client.force_login(django_user_model.objects.get(phone="+8613800000002"))
    assert client.get(location).status_code == 404
    assert client.get(location + "status.json").status_code == 404
    assert client.post(location + "cancel/").status_code == 404
    assert Ride.objects.get(resident=at_home).status == Status.REQUESTED


def test_the_home_tile_now_starts_the_taxi(client):
    assert 'href="/taxi/"' in client.get("/").content.decode()


def test_cancelling_a_trip_that_has_begun_shows_the_ride_not_an_error(signed_in, at_home, quiet):
    location = signed_in.post("/taxi/", {"key": "k"})["Location"]
    Ride.objects.filter(resident=at_home).update(status=Status.ON_TRIP)
    page = signed_in.post(location + "cancel/", {"answer": "yes"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert Ride.objects.get(resident=at_home).status == Status.ON_TRIP
