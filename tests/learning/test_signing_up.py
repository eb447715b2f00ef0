"""Signing up: a place while there is one, the waiting list after, never over capacity;
cancelling moves the first waiting up; every text says what is true then."""

import pytest

from portal.audit.models import AuditEntry
from portal.consent.api import ConsentRequired
from services.learning import api
from services.learning.models import Place, State
from tests.learning.conftest import NOW, by, local, said, texts_to

pytestmark = pytest.mark.django_db

BOOKED = (
    "You have a place: %(topic)s, %(when)s, %(where)s. If you cannot come, please cancel "
    "so someone waiting can go."
)
WAITING = (
    "The session %(topic)s, %(when)s, %(where)s is full. You are number %(number)s on the "
    "waiting list: we will tell you if a place becomes free."
)
MOVED_UP = "Good news: a place became free and it is yours. %(topic)s, %(when)s, %(where)s."


def _about(session, person):
    from django.utils import translation

    from services.learning import words

    with translation.override(person.language):
        return {
            "topic": str(session.get_topic_display()),
            "when": words.when_words(session),
            "where": words.where_words(session),
        }


def test_a_free_place_is_booked_and_texted(at, make_session, make_resident):
    at(*NOW)
    session = make_session(capacity=2)
    person = make_resident()
    place = api.sign_up(by(person), session)
    assert place.state == State.BOOKED and place.number_in_line is None
    assert place.channel == "web" and place.signed_up_by == person
    assert texts_to(person) == [said(person, BOOKED, **_about(session, person))]
    assert AuditEntry.objects.filter(resident=person, action="signed_up_for_learning").count() == 1


def test_capacity_is_kept_and_the_rest_wait_in_order(at, make_session, make_resident):
    at(*NOW)
    session = make_session(capacity=2)
    people = [make_resident() for _ in range(4)]
    places = [api.sign_up(by(person), session) for person in people]
    assert [place.state for place in places] == ["booked", "booked", "waiting", "waiting"]
    assert [place.number_in_line for place in places[2:]] == [1, 2]
    assert Place.objects.filter(session=session, state=State.BOOKED).count() == 2
    fourth = people[3]
    assert texts_to(fourth) == [said(fourth, WAITING, number=2, **_about(session, fourth))]
    (card,) = [s for s in api.upcoming(now=local(*NOW)) if s.pk == session.pk]
    assert (card.places_left, card.waiting) == (0, 2)


def test_cancelling_moves_the_first_waiting_up_and_tells_them(at, make_session, make_resident):
    at(*NOW)
    session = make_session(capacity=1)
    first, second, third = (make_resident() for _ in range(3))
    held = api.sign_up(by(first), session)
    waiting_second = api.sign_up(by(second), session)
    waiting_third = api.sign_up(by(third), session)

    cancelled = api.cancel(by(first), held)

    assert cancelled.state == State.CANCELLED
    waiting_second.refresh_from_db()
    waiting_third.refresh_from_db()
    assert waiting_second.state == State.BOOKED
    assert texts_to(second)[-1] == said(second, MOVED_UP, **_about(session, second))
    assert waiting_third.state == State.WAITING and api.number_in_line(waiting_third) == 1
    assert len(texts_to(third)) == 1  # only their own confirmation
    assert AuditEntry.objects.filter(
        resident=second, action="moved_up_for_learning", actor__isnull=True
    ).exists()
    # Cancelling again changes nothing and moves nobody else up.
    assert api.cancel(by(first), held).state == State.CANCELLED
    waiting_third.refresh_from_db()
    assert waiting_third.state == State.WAITING


def test_leaving_the_waiting_list_moves_nobody_up(at, make_session, make_resident):
    at(*NOW)
    session = make_session(capacity=1)
    first, second, third = (make_resident() for _ in range(3))
    api.sign_up(by(first), session)
    waiting = api.sign_up(by(second), session)
    last = api.sign_up(by(third), session)
    api.cancel(by(second), waiting)
    last.refresh_from_db()
    assert last.state == State.WAITING and api.number_in_line(last) == 1


def test_signing_up_twice_returns_the_same_place_and_sends_nothing_more(
    at, make_session, make_resident
):
    at(*NOW)
    session = make_session(capacity=1)
    person = make_resident()
    first = api.sign_up(by(person), session)
    again = api.sign_up(by(person), session)
    assert again.pk == first.pk
    assert Place.objects.filter(session=session, resident=person).count() == 1
    assert len(texts_to(person)) == 1
    # After cancelling, signing up again is a new place.
    api.cancel(by(person), first)
    assert api.sign_up(by(person), session).pk != first.pk


def test_a_started_or_cancelled_session_is_refused_with_nothing_written(
    at, make_session, make_resident
):
    session = make_session(starts=local(2026, 11, 20, 9, 30))
    person = make_resident()
    at(*NOW)
    with pytest.raises(api.SessionStarted) as refused:
        api.sign_up(by(person), session)
    assert refused.value.code == "session_started" and refused.value.what_instead
    later = make_session()
    later.cancelled_at = local(*NOW)
    later.save()
    with pytest.raises(api.SessionCancelled):
        api.sign_up(by(person), later)
    assert not Place.objects.filter(resident=person).exists()
    assert texts_to(person) == []


def test_a_place_cannot_be_cancelled_once_the_session_started(at, make_session, make_resident):
    at(*NOW)
    session = make_session(starts=local(2026, 11, 20, 14, 0))
    person = make_resident()
    place = api.sign_up(by(person), session)
    at(2026, 11, 20, 14, 5)
    with pytest.raises(api.SessionStarted):
        api.cancel(by(person), place)
    place.refresh_from_db()
    assert place.state == State.BOOKED


def test_someone_else_needs_the_residents_consent(at, make_session, make_resident, volunteer):
    from portal.acting import Acting

    at(*NOW)
    session = make_session()
    person = make_resident()
    with pytest.raises(ConsentRequired):
        api.sign_up(Acting.for_resident(person, volunteer, channel="volunteer"), session)
    assert not Place.objects.filter(resident=person).exists()


def test_upcoming_lists_what_is_still_to_come(at, make_session, centre):
    at(*NOW)
    gone = make_session(starts=local(2026, 11, 20, 9, 0))
    english = make_session(language="en")
    chinese = make_session()
    found = list(api.upcoming(centre=centre, language="en"))
    assert english in found and chinese not in found and gone not in found
    assert next(s for s in found if s == english).places_left == 5


def test_attendance_and_teaching(at, make_session, make_resident, volunteer, counter_staff):
    from portal.acting import Acting

    at(*NOW)
    session = make_session(starts=local(2026, 11, 20, 14, 0))
    came, walked_in = make_resident(), make_resident()
    api.sign_up(by(came), session)
    writer = Acting.for_resident(came, counter_staff, channel="counter")
    with pytest.raises(api.AttendanceRefused):
        api.record_attendance(writer, session, [came])
    at(2026, 11, 20, 15, 0)
    places = api.record_attendance(writer, session, [came, walked_in])
    assert {place.state for place in places} == {State.ATTENDED}
    assert [entry.how for entry in api.learned(came)] == ["session"]
    api.record_attendance(writer, session, [came])  # again: still one entry
    assert len(api.learned(came)) == 1
    assert AuditEntry.objects.filter(
        resident=walked_in, action="attended_learning", actor=counter_staff
    ).exists()

    api.record_teaching(session, volunteer, "1.5")
    api.record_teaching(session, volunteer, 2)  # corrects it
    other = make_session(starts=local(2026, 11, 20, 11, 0))
    api.record_teaching(other, counter_staff, 1)
    assert api.hours_by_volunteer() == [(volunteer, 2), (counter_staff, 1)]
    assert api.hours_by_volunteer(since=local(2026, 11, 20, 12, 0)) == [(volunteer, 2)]
    from django.core.exceptions import ValidationError

    for bad in ("0", "-1", "13", "lots"):
        with pytest.raises(ValidationError):
            api.record_teaching(session, volunteer, bad)


def test_practice_is_remembered_once_a_day(at, make_resident):
    person = make_resident()
    at(*NOW)
    api.remember_practice(person, "taxi")
    api.remember_practice(person, "taxi")
    at(2026, 11, 20, 23, 0)
    api.remember_practice(person, "taxi")
    assert len(api.learned(person)) == 1
    at(2026, 11, 21, 8, 0)
    api.remember_practice(person, "taxi")
    api.remember_practice(person, "hospital")
    assert [entry.topic for entry in api.learned(person)] == ["hospital", "taxi", "taxi"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api.remember_practice(person, "flying")


def test_places_added_later_go_to_those_waiting_first(at, make_session, make_resident):
    at(*NOW)
    session = make_session(capacity=1)
    first, second, newcomer = (make_resident() for _ in range(3))
    api.sign_up(by(first), session)
    waiting = api.sign_up(by(second), session)
    session.capacity = 2  # the centre found another chair
    session.save()
    late = api.sign_up(by(newcomer), session)
    waiting.refresh_from_db()
    assert waiting.state == State.BOOKED
    assert texts_to(second)[-1] == said(second, MOVED_UP, **_about(session, second))
    assert late.state == State.WAITING and late.number_in_line == 1
