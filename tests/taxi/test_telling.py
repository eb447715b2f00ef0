"""The resident is told what matters, in their language, by the way they chose."""

import pytest
from django.utils import translation

from portal.notifications.models import Medium
from portal.signals import needs_a_person
from services.taxi import api
from services.taxi.models import Ride, Status
from tests.taxi.helpers import CAR, book, event, taxi_messages

pytestmark = pytest.mark.django_db

CHINESE = {
    "Car coming: %(plate)s %(colour)s. Driver %(phone)s, about %(minutes)s min.": (
        "车来了：%(plate)s %(colour)s，司机%(phone)s，约%(minutes)s分钟到。"
    ),
    "white": "白色",
    "Your taxi is here: %(plate)s %(colour)s. The driver will call you.": (
        "车到了：%(plate)s %(colour)s，司机会给您打电话。"
    ),
    "Sorry, no taxi was found.": "抱歉，没有找到出租车。",
    "Call %(hotline)s and a person will help you.": "请拨打%(hotline)s，会有人帮您。",
    "%(sorry)s %(offer)s": "%(sorry)s%(offer)s",
}


@pytest.fixture
def in_chinese(chinese, at_home):
    """王阿姨 reads Chinese, and the catalogue has these messages' translations."""
    at_home.language = "zh-hans"
    at_home.save(update_fields=["language"])
    for msgid, msgstr in CHINESE.items():
        chinese(msgid, msgstr)


def test_car_found_tells_the_plate_colour_and_drivers_phone_by_sms(at_home):
    at_home.language = "en"
    at_home.save()
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    [told] = taxi_messages(at_home)
    assert told.medium == Medium.SMS
    assert told.language == "en"
    assert told.urgent
    assert told.related == Ride.objects.get(pk=ride.pk)
    assert "沪A·12345" in told.body
    assert "white" in told.body
    assert "13912345678" in told.body
    assert "6 min" in told.body


def test_car_found_in_chinese_fits_one_sms(at_home, in_chinese):
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    [told] = taxi_messages(at_home)
    assert told.language == "zh-hans"
    assert "车来了：沪A·12345 白色，司机13912345678，约6分钟到。" in told.body
    assert len(told.body) <= 70


def test_car_arrived_is_told(at_home, in_chinese):
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    event(ride, "arrived")
    arrived = taxi_messages(at_home)[-1]
    assert "车到了：沪A·12345 白色" in arrived.body
    assert len(arrived.body) <= 70


def test_a_resident_who_prefers_calls_is_called(at_home):
    at_home.notify_by = "voice"
    at_home.save()
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    event(ride, "driver_no_show")
    messages = taxi_messages(at_home)
    assert [m.medium for m in messages] == [Medium.VOICE, Medium.VOICE]
    assert "Call 962 200 and a person will help you." in messages[-1].body


def test_no_car_found_offers_a_person_and_marks_the_ride(at_home, in_chinese):
    ride = book(at_home)
    event(ride, "looking")
    event(ride, "no_car")
    ride.refresh_from_db()
    assert ride.needs_a_person
    [told] = taxi_messages(at_home)
    assert "抱歉，没有找到出租车。请拨打962 200，会有人帮您。" in told.body
    # Nothing reads replies to a text yet: the message must not ask for one.
    assert "回复" not in told.body
    assert len(told.body) <= 70


def test_no_driver_answered_offers_a_person_too(at_home):
    ride = book(at_home)
    event(ride, "no_driver_answer")
    ride.refresh_from_db()
    assert ride.needs_a_person
    assert "Call 962 200 and a person will help you." in taxi_messages(at_home)[-1].body


def test_at_night_no_car_says_when_a_person_calls_back_not_that_one_helps_now(
    at_home, at, settings
):
    settings.ASSIST_HOURS_WORKDAY, settings.ASSIST_HOURS_DAY_OFF = (8, 20), (9, 17)
    at(2026, 11, 20, 22, 30)  # Friday night: the desk opens Saturday at 9:00
    ride = book(at_home)
    event(ride, "no_car")
    told = taxi_messages(at_home)[-1].body
    assert "a person will help you" not in told
    assert (
        "the help desk is closed now, and a person will call you back after tomorrow 9:00" in told
    )
    assert len(told) <= 160


def test_a_driver_who_does_not_come_means_a_person_helps(at_home):
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    event(ride, "driver_no_show")
    ride.refresh_from_db()
    assert ride.needs_a_person
    told = taxi_messages(at_home)[-1]
    assert "the driver did not come" in told.body
    assert "Call 962 200 and a person will help you." in told.body
    assert "reply" not in told.body


def test_no_car_is_announced_once_for_a_person_to_call_back(
    at_home, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, **announced):
        heard.append((sender, announced))

    needs_a_person.connect(listener)
    try:
        ride = book(at_home, reference="request:7")
        with django_capture_on_commit_callbacks(execute=True):
            event(ride, "no_car")
            event(ride, "no_car")  # the same news twice: announced once
    finally:
        needs_a_person.disconnect(listener)
    [(sender, announced)] = heard
    assert sender == "taxi"
    assert announced["resident"] == at_home
    assert (announced["reason"], announced["record"], announced["under"]) == (
        "no_car",
        f"ride:{ride.pk}",
        "request:7",
    )
    assert "回电话" in str(announced["summary"])


def test_a_ride_with_a_car_is_never_announced(at_home, django_capture_on_commit_callbacks):
    heard = []
    needs_a_person.connect(heard.append, weak=False)
    try:
        ride = book(at_home)
        with django_capture_on_commit_callbacks(execute=True):
            event(ride, "car_found", **CAR)
            event(ride, "done")
    finally:
        needs_a_person.disconnect(heard.append)
    assert heard == []


def test_ride_status_says_where_the_car_is_in_plain_words(at_home):
    ride = book(at_home)
    event(ride, "car_found", **CAR)
    ride.refresh_from_db()
    with translation.override("en"):
        status = api.ride_status(ride)
    assert status["status"] == Status.CAR_FOUND
    assert status["words"]
    assert status["words"] == "A car is on its way to you."
    assert status["car_plate"] == "沪A·12345"
    assert status["car_colour"]
    assert status["car_colour"] == "white"
    assert status["driver_phone"] == "13912345678"
    assert status["driver_tel"] == "tel:+8613912345678"
    assert status["minutes_away"] == 6
    assert "6" in status["minutes_words"]
    assert status["minutes_words"] == "About 6 minutes away."
    assert status["active"] and status["can_cancel"] and not status["final"]


@pytest.mark.parametrize("state", list(Status))
def test_every_state_has_words(at_home, state):
    ride = book(at_home)
    Ride.objects.filter(pk=ride.pk).update(status=state)
    ride.refresh_from_db()
    words = api.ride_status(ride)["words"]
    assert words and "%(" not in words


def test_a_later_ride_says_when(at_home, at):
    from datetime import timedelta

    now = at(2026, 11, 25, 10, 0)
    ride = book(at_home, pickup_at=now + timedelta(hours=2))
    assert "12:00" in api.ride_status(ride)["words"]
