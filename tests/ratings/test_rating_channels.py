"""Asking and answering beyond the web page: a ride that ends, or a hospital visit kept, texts
the question (reply 5 to 1, or the link) and the digit texted back rates it; a resident who
prefers calls is called and rates by key. (Requests for help are rated by text, by key and at
the desk: tests/phone, tests/assist.)"""

import pytest

from assist.models import HelpRequest, Kind, TextQuestion
from assist.phone import sms_commands
from portal.notifications.backends import backend_for
from portal.notifications.models import Medium, Message, Purpose
from portal.ratings.models import Rating
from services.hospital import api
from services.hospital.models import Status as Status_
from services.taxi.models import Status
from tests.hospital.conftest import book, cancel
from tests.support.fake_caller import DjangoClientTransport
from tests.support.fake_twilio import FakeTwilio, send_through
from tests.taxi.helpers import event, taxi_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_twilio(settings):
    with FakeTwilio() as fake:
        send_through(fake, settings, timeout=2)
        yield fake
        backend_for.cache_clear()


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


def test_a_resident_who_prefers_calls_rates_the_ride_by_key_on_the_call_placed(
    at_home, ride_in, committed, client, fake_twilio
):
    at_home.notify_by = Medium.VOICE
    at_home.save(update_fields=["notify_by"])
    ride = ride_in(Status.ON_TRIP)
    committed(event, ride, Status.DONE)
    assert not TextQuestion.objects.exists()
    [placed] = fake_twilio.sent_to(at_home.phone, kind="call")
    assert placed.url.endswith(f"/phone/voice/rating/?about=ride%3A{ride.pk}")
    call = fake_twilio.caller(DjangoClientTransport(client)).answer(placed)
    assert call.heard[0].startswith("Your taxi on ")
    assert call.heard[0].endswith(": how satisfied were you?")
    call.press("4")
    rating = Rating.objects.get(subject=f"ride:{ride.pk}")
    assert (rating.level, rating.channel) == (4, "phone")


def test_a_ride_that_ends_otherwise_asks_nothing(at_home, ride_in, committed):
    ride = ride_in(Status.ARRIVED)
    committed(event, ride, Status.PASSENGER_NO_SHOW)
    assert not TextQuestion.objects.exists()
    assert all("/rate/" not in told.body for told in taxi_messages(at_home))


def _seen(appointment, committed):
    api.move(appointment, Status_.CHECKED_IN)
    committed(api.move, appointment, Status_.COMPLETED)


def test_a_visit_kept_texts_the_question_and_a_digit_rates_it(patient, monday, committed):
    appointment = book(monday, patient)
    assert not TextQuestion.objects.exists()  # booking asks nothing by text: the slip does
    _seen(appointment, committed)
    asked = Message.objects.filter(recipient=patient.phone, purpose=Purpose.HOSPITAL).latest("pk")
    assert "How was booking and your visit to Ruijin Hospital on November 23?" in asked.body
    assert asked.body.endswith(f"/en/rate/appointment:{appointment.pk}/")
    reply = committed(sms_commands.answer, "SM-rate-3", patient.phone, "5")
    assert reply == "Thank you for your rating."
    rating = Rating.objects.get(subject=f"appointment:{appointment.pk}")
    assert (rating.level, rating.channel) == (5, "sms")


def test_a_visit_kept_calls_a_patient_who_prefers_calls(
    patient, monday, committed, client, fake_twilio
):
    patient.notify_by = Medium.VOICE
    patient.save(update_fields=["notify_by"])
    appointment = book(monday, patient)
    _seen(appointment, committed)
    placed = fake_twilio.sent_to(patient.phone, kind="call")[-1]
    call = fake_twilio.caller(DjangoClientTransport(client)).answer(placed)
    assert call.heard[0].startswith("Your hospital appointment on ")
    committed(call.press, "1")
    assert Rating.objects.get(subject=f"appointment:{appointment.pk}").level == 1
    assert HelpRequest.objects.filter(kind=Kind.FOLLOW_UP).exists()


def test_a_visit_missed_or_cancelled_asks_nothing(patient, monday, committed):
    committed(cancel, book(monday, patient))
    committed(api.move, book(monday, patient), Status_.MISSED)
    assert not TextQuestion.objects.exists()
