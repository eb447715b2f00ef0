"""Waiting requests reach people: first those who cover the street and speak the language, then
everyone on duty, then the supervisors; a text to those away from the desk, rarely, and not at
night unless someone is stuck."""

import pytest

from assist import api, offers
from assist.models import Kind, Offer
from portal.channels import Channel
from portal.notifications.models import Message, Purpose

pytestmark = pytest.mark.django_db


@pytest.fixture
def phones(volunteer, counter_staff, supervisor):
    for number, person in enumerate((volunteer, counter_staff, supervisor), start=71):
        person.phone = f"+86139000000{number}"
        person.save(update_fields=["phone"])


def _offered(request):
    return {(o.person.username, o.round) for o in Offer.objects.filter(request=request)}


def _texts(person):
    return list(Message.objects.filter(recipient=person.phone, purpose=Purpose.ASSIST))


def test_a_request_widens_from_the_area_to_everyone_to_the_supervisors(resident, at, phones):
    at(2026, 11, 20, 10, 0)
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    offers.offer_waiting()
    # 静安寺街道 in Mandarin: the volunteer covers it; the counter clerk covers 徐汇区.
    assert _offered(request) == {("volunteer", 1)}
    request.refresh_from_db()
    assert request.offered_round == 1  # the next run leaves it alone until it moves on
    at(2026, 11, 20, 10, 2)
    offers.offer_waiting()
    assert _offered(request) == {("volunteer", 1), ("counter", 2), ("supervisor", 2)}
    at(2026, 11, 20, 10, 8)  # three quarters of the ten minutes
    assert offers.offer_waiting()["due_soon"] == 1
    assert offers.offer_waiting()["due_soon"] == 0  # said once
    at(2026, 11, 20, 10, 10)
    assert offers.offer_waiting()["escalated"] == 1
    assert [e.what for e in request.events.all()] == ["opened", "due_soon", "escalated"]


def test_a_new_request_is_offered_the_moment_it_is_opened(resident, at, committed):
    at(2026, 11, 20, 10, 0)
    request = committed(api.open_request, resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assert _offered(request) == {("volunteer", 1)}  # without waiting for the minute's run
    assert offers.offer_waiting()["offers"] == 0


def test_a_request_for_later_is_not_offered_when_opened(resident, at, committed):
    now = at(2026, 11, 20, 10, 0)
    later = now.replace(hour=14)
    request = committed(
        api.open_request, resident, kind=Kind.CALL_BACK, channel=Channel.WEB, call_after=later
    )
    assert _offered(request) == set()


def test_a_request_for_later_waits_until_then(resident, at):
    now = at(2026, 11, 20, 10, 0)
    request = api.open_request(
        resident,
        kind=Kind.CALL_BACK,
        channel=Channel.WEB,
        call_after=now.replace(hour=14),
    )
    offers.offer_waiting()
    assert _offered(request) == set()


def test_someone_away_from_the_desk_gets_one_text_per_ten_minutes(
    resident, neighbour, volunteer, at, phones
):
    at(2026, 11, 20, 10, 0)
    api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    offers.offer_waiting()
    [text] = _texts(volunteer)
    assert "1 request for help waits for you" in text.body or "1 件求助" in text.body
    assert "/admin/desk/" in text.body
    at(2026, 11, 20, 10, 3)
    api.open_request(neighbour, kind=Kind.CALL_BACK, channel=Channel.WEB)
    offers.offer_waiting()
    assert len(_texts(volunteer)) == 1
    at(2026, 11, 20, 10, 11)
    offers.offer_waiting()
    assert len(_texts(volunteer)) == 2
    assert "2" in _texts(volunteer)[-1].body


def test_taken_requests_stop_texts(resident, volunteer, at, phones):
    at(2026, 11, 20, 10, 0)
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    api.take(request, volunteer)
    offers.offer_waiting()
    assert _texts(volunteer) == []


def test_at_night_only_someone_stuck_is_worth_a_text(resident, volunteer, at, phones):
    at(2026, 11, 20, 23, 0)
    api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    offers.offer_waiting()
    assert _texts(volunteer) == []
    at(2026, 11, 20, 23, 20)
    api.open_request(resident, kind=Kind.NO_CAR, channel=Channel.SYSTEM, about="ride:9")
    offers.offer_waiting()
    [text] = _texts(volunteer)
    assert text.urgent


def test_a_street_nobody_on_duty_covers_goes_to_everyone_at_once(resident, at):
    from portal.areas.models import Street

    at(2026, 11, 20, 10, 0)
    resident.street = Street.objects.get(name="外滩街道")
    resident.save(update_fields=["street"])
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    offers.offer_waiting()
    assert _offered(request) == {("volunteer", 2), ("counter", 2), ("supervisor", 2)}
