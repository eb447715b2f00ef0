"""Closing a request as done asks the resident how satisfied they were: by a call they answer
by key when they prefer calls (placed through Twilio, answered here by the fake caller), else by
a text they answer with a digit."""

import pytest

from assist import api
from assist.models import TextQuestion
from portal.notifications.backends import backend_for
from portal.notifications.models import Message, Purpose
from portal.ratings.models import Rating
from tests.support.fake_caller import DjangoClientTransport
from tests.support.fake_twilio import FakeTwilio, send_through

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_twilio(settings):
    with FakeTwilio() as fake:
        send_through(fake, settings, timeout=2)
        yield fake
        backend_for.cache_clear()


def _done(resident, volunteer, committed):
    request = api.open_request(resident, kind="call_back", channel="web")
    api.take(request, volunteer)
    committed(api.close, request, volunteer, "done")
    return request


def test_a_resident_who_prefers_calls_rates_by_key_on_the_call_placed(
    client, resident, volunteer, at, fake_twilio, committed
):
    at(2026, 11, 20, 10, 0)
    resident.notify_by = "voice"
    resident.save(update_fields=["notify_by"])
    request = _done(resident, volunteer, committed)
    [placed] = fake_twilio.sent_to(resident.phone, kind="call")
    assert placed.url.endswith(f"/phone/voice/rating/?about=request%3A{request.pk}")
    assert not placed.twiml
    call = fake_twilio.caller(DjangoClientTransport(client)).answer(placed)
    assert any("满意" in words for words in call.heard)
    call.press("5")
    rating = Rating.objects.get(resident=resident, subject=request.reference)
    assert (rating.level, rating.channel) == (5, "phone")


def test_a_resident_who_prefers_texts_is_asked_by_text(resident, volunteer, at, committed):
    at(2026, 11, 20, 10, 0)
    request = _done(resident, volunteer, committed)
    asked = Message.objects.filter(recipient=resident.phone, purpose=Purpose.ASSIST).latest("pk")
    assert asked.medium == "sms" and "5" in asked.body and "1" in asked.body
    assert TextQuestion.objects.get(resident=resident).about == request.reference


def test_no_rating_is_asked_for_a_request_not_done(resident, volunteer, at, committed):
    at(2026, 11, 20, 10, 0)
    request = api.open_request(resident, kind="call_back", channel="web")
    api.take(request, volunteer)
    committed(api.close, request, volunteer, "not_needed")
    assert not TextQuestion.objects.exists()
    assert not Message.objects.filter(purpose=Purpose.ASSIST, recipient=resident.phone).exists()
