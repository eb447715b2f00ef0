"""Asking and answering beyond the web page: a ride that ends texts the question (reply 5 to 1,
or the link); the digit texted back rates the ride; a resident who prefers calls is not called
for it. (Requests for help are rated by text, by key and at the desk: tests/phone, tests/assist.)"""

import pytest

from assist.models import HelpRequest, Kind, TextQuestion
from assist.phone import sms_commands
from portal.notifications.models import Medium
from portal.ratings.models import Rating
from services.taxi.models import Status
from tests.taxi.helpers import event, taxi_messages

pytestmark = pytest.mark.django_db


def test_the_end_of_a_ride_texts_the_question_and_the_link(at_home, ride_in, committed):
    ride = ride_in(Status.ON_TRIP)
    committed(event, ride, Status.DONE)
    [told] = taxi_messages(at_home)
    assert told.medium == Medium.SMS
    assert "Your trip has ended. How was it? Reply 5 very satisfied" in told.body
    assert told.body.endswith(f"http://127.0.0.1:8000/en/rate/ride:{ride.pk}/")  # her language
    question = TextQuestion.objects.get(resident=at_home)
    assert (question.what, question.about) == (TextQuestion.What.RATING, f"ride:{ride.pk}")
    committed(event, ride, Status.DONE)  # a repeated event asks nothing more
    ride.refresh_from_db()
    ride.save()  # nor does saving the ended ride again
    assert len(taxi_messages(at_home)) == 1


def test_a_digit_texted_back_rates_the_ride_and_a_poor_one_is_followed_up(
    at_home, ride_in, committed
):
    ride = ride_in(Status.ON_TRIP)
    committed(event, ride, Status.DONE)
    reply = committed(sms_commands.answer, "SM-rate-1", at_home.phone, "2 车来得慢")
    assert "supervisor will call you" in reply
    rating = Rating.objects.get()
    assert (rating.subject, rating.level, rating.comment, rating.channel) == (
        f"ride:{ride.pk}",
        2,
        "车来得慢",
        "sms",
    )
    assert HelpRequest.objects.get(kind=Kind.FOLLOW_UP).about == f"rating:ride:{ride.pk}"


def test_a_ride_rated_on_the_web_first_keeps_that_rating(at_home, ride_in, committed, client):
    ride = ride_in(Status.ON_TRIP)
    committed(event, ride, Status.DONE)
    client.force_login(at_home)
    client.post(f"/en/rate/ride:{ride.pk}/", {"level": "5"})
    reply = committed(sms_commands.answer, "SM-rate-2", at_home.phone, "1")
    assert reply == "This has been rated already. Thank you."
    assert Rating.objects.get().level == 5


def test_a_resident_who_prefers_calls_is_not_called_when_the_ride_ends(at_home, ride_in, committed):
    at_home.notify_by = Medium.VOICE
    at_home.save(update_fields=["notify_by"])
    ride = ride_in(Status.ON_TRIP)
    committed(event, ride, Status.DONE)
    assert taxi_messages(at_home) == []
    assert not TextQuestion.objects.exists()


def test_a_ride_that_ends_otherwise_asks_nothing(at_home, ride_in, committed):
    ride = ride_in(Status.ARRIVED)
    committed(event, ride, Status.PASSENGER_NO_SHOW)
    assert not TextQuestion.objects.exists()
    assert all("/rate/" not in told.body for told in taxi_messages(at_home))
