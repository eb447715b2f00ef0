"""A request for help: opened from anywhere, held by exactly one person on duty for a while,
acted on only by its holder with the resident's consent, handed back with a note, closed with
an outcome."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from assist import api
from assist.models import HelpRequest, Kind, Outcome, State, Topic
from portal.accounts.duty import set_on_duty
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.api import ConsentRequired
from portal.consent.models import Consent, GivenVia, Scope
from services.taxi import api as taxi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_taxis(settings):
    settings.TAXI_PROVIDER = "tests.taxi.conftest.QuietProvider"


@pytest.fixture
def call_back(resident, at):
    at(2026, 11, 20, 10, 0)  # a Friday morning: the desk is open
    resident.home_address = "愚园路 8 号"
    resident.save(update_fields=["home_address"])
    return api.open_request(
        resident, kind=Kind.CALL_BACK, channel=Channel.WEB, topic=Topic.TAXI, note="想去医院"
    )


def test_a_request_opened_on_the_web_waits_for_a_person_and_is_in_the_residents_log(
    resident, call_back
):
    assert (call_back.state, call_back.kind, call_back.channel) == ("waiting", "call_back", "web")
    assert call_back.street == resident.street  # for routing, copied when opened
    assert call_back.contact_due - call_back.opened_at == timedelta(minutes=10)
    assert [e.what for e in call_back.events.all()] == ["opened"]
    entry = AuditEntry.objects.get(resident=resident, action="opened_request")
    assert (entry.actor, entry.channel, entry.reference) == (resident, "web", call_back.reference)
    assert list(api.requests_of(resident)) == [call_back]


def test_one_person_on_duty_takes_it_the_others_are_told_it_is_gone(
    call_back, volunteer, counter_staff
):
    set_on_duty(counter_staff, True)
    assert api.take(call_back, volunteer) is True
    assert api.take(call_back, counter_staff) is False
    call_back.refresh_from_db()
    assert (call_back.state, call_back.holder) == (State.HELD, volunteer)
    assert api.holds(call_back, volunteer) and not api.holds(call_back, counter_staff)


def test_the_first_taking_is_the_first_contact(call_back, volunteer, counter_staff, at):
    at(2026, 11, 20, 10, 5)
    api.take(call_back, volunteer)
    api.release(call_back, volunteer, "she did not answer")
    set_on_duty(counter_staff, True)
    at(2026, 11, 20, 10, 30)
    api.take(call_back, counter_staff)
    call_back.refresh_from_db()
    assert call_back.first_contact_at.isoformat() == "2026-11-20T02:05:00+00:00"


def test_off_duty_nobody_takes_anything(call_back, volunteer):
    set_on_duty(volunteer, False)
    with pytest.raises(PermissionDenied):
        api.take(call_back, volunteer)
    call_back.refresh_from_db()
    assert call_back.state == State.WAITING


def test_a_lease_that_runs_out_puts_the_request_back_with_the_reason(resident, volunteer, at):
    start = at(2026, 11, 20, 9, 0)
    call_back = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.PHONE)
    api.take(call_back, volunteer)
    at(2026, 11, 20, 9, 9)
    assert api.end_lapsed_leases() == 0
    assert api.renew(call_back, volunteer)  # still working: ten more minutes from now
    at(2026, 11, 20, 9, 18)
    assert api.end_lapsed_leases() == 0
    at(2026, 11, 20, 9, 19)
    assert api.end_lapsed_leases() == 1
    call_back.refresh_from_db()
    assert (call_back.state, call_back.holder, call_back.lease_until) == ("waiting", None, None)
    last = call_back.events.last()
    assert (last.what, last.actor) == ("lease_ended", volunteer)
    assert start < last.at
    with pytest.raises(PermissionDenied):  # the old holder can no longer act
        api.acting_for(call_back, volunteer)


def test_giving_it_back_needs_a_note_for_the_next_person(call_back, volunteer):
    api.take(call_back, volunteer)
    with pytest.raises(ValidationError):
        api.release(call_back, volunteer, "  ")
    assert call_back.state == State.HELD
    api.release(call_back, volunteer, "她没接电话，下午再打")
    assert call_back.state == State.WAITING
    assert call_back.events.last().note == "她没接电话，下午再打"


def test_only_the_holder_acts_and_only_with_the_residents_consent(
    resident, call_back, volunteer, counter_staff
):
    with pytest.raises(PermissionDenied):
        api.acting_for(call_back, volunteer)  # not taken yet
    api.take(call_back, volunteer)
    acting = api.acting_for(call_back, volunteer)
    assert (acting.reference, acting.channel, acting.role) == (
        call_back.reference,
        "phone",
        "volunteer",
    )
    with pytest.raises(ConsentRequired):
        taxi.request_ride(acting, idempotency_key="desk-1")
    api.record_consent(call_back, volunteer, Scope.TAXI, GivenVia.PHONE_SPOKEN)
    ride = taxi.request_ride(acting, idempotency_key="desk-1")
    assert (ride.reference, ride.requested_by, ride.acting_role, ride.channel) == (
        call_back.reference,
        volunteer,
        "volunteer",
        "phone",
    )
    # The consent is the request's: another person on duty, not holding it, cannot use it.
    set_on_duty(counter_staff, True)
    with pytest.raises(PermissionDenied):
        api.acting_for(call_back, counter_staff)


def test_closing_needs_the_holder_and_an_outcome_and_ends_the_requests_consents(
    resident, call_back, volunteer
):
    api.take(call_back, volunteer)
    consent = api.record_consent(call_back, volunteer, Scope.TAXI, GivenVia.PHONE_SPOKEN)
    with pytest.raises(ValueError):
        api.close(call_back, volunteer, "whatever")
    api.close(call_back, volunteer, Outcome.DONE, "叫到车了")
    assert (call_back.state, call_back.outcome) == ("closed", "done")
    assert Consent.objects.get(pk=consent.pk).revoked_at is not None
    actions = set(AuditEntry.objects.filter(resident=resident).values_list("action", flat=True))
    assert {"opened_request", "held_request", "granted_consent", "closed_request"} <= actions
    with pytest.raises(PermissionDenied):
        api.add_note(call_back, volunteer, "too late")


def test_a_ride_with_no_car_opens_one_request_for_it(resident, committed):
    from tests.taxi.helpers import book, event

    at_home = resident
    at_home.home_address = "愚园路 8 号"
    at_home.save(update_fields=["home_address"])
    ride = committed(book, at_home)
    committed(event, ride, "no_car")
    committed(event, ride, "no_car")
    [request] = HelpRequest.objects.filter(resident=at_home)
    assert (request.kind, request.topic, request.channel, request.about) == (
        "no_car",
        "taxi",
        "system",
        f"ride:{ride.pk}",
    )
    assert "回电话" in request.note
    entry = AuditEntry.objects.get(resident=at_home, action="opened_request")
    assert entry.actor is None  # the portal opened it by itself


@pytest.mark.django_db(transaction=True)
def test_many_pressing_take_at_once_gives_exactly_one_holder(demo_site, django_user_model):
    from django.contrib.auth.models import Group

    resident = django_user_model.objects.get(phone="+8613800000001")
    volunteers = []
    for number in range(8):
        person = django_user_model.objects.create_user(f"race-{number}", is_staff=True)
        person.groups.add(Group.objects.get(name="Volunteers"))
        volunteers.append(django_user_model.objects.get(pk=person.pk))
        set_on_duty(volunteers[-1], True)
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    start, results = threading.Barrier(len(volunteers)), []

    def press(person):
        try:
            start.wait()
            results.append(api.take(HelpRequest.objects.get(pk=request.pk), person))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(person,)) for person in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    request.refresh_from_db()
    assert request.state == State.HELD
    assert request.events.filter(what="taken").count() == 1


def test_unreachable_needs_three_calls_without_an_answer_and_the_resident_hears_of_each(
    resident, volunteer, committed
):
    from portal.notifications.models import Message, Purpose

    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    api.take(request, volunteer)
    committed(api.no_answer, request, volunteer)
    with pytest.raises(ValidationError) as refused:
        api.close(request, volunteer, Outcome.UNREACHABLE)
    assert "1" in refused.value.messages[0]
    assert committed(api.no_answer, request, volunteer) == 2
    assert committed(api.no_answer, request, volunteer) == 3
    api.close(request, volunteer, Outcome.UNREACHABLE)
    texts = Message.objects.filter(recipient=resident.phone, purpose=Purpose.ASSIST)
    bodies = [m.body for m in texts.order_by("pk")]
    assert len(bodies) == 3
    assert all("962" in body for body in bodies)
    assert "再打" in bodies[0] and "再打" not in bodies[2]  # no promise after the third try
