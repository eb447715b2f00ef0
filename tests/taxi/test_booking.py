"""Booking a taxi: one tap from home, and the refusals that keep it to one ride at a time."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.api import ConsentRequired, grant
from portal.consent.models import GivenVia, Scope
from portal.notifications.models import Message
from services.taxi import api
from services.taxi.models import Ride, Status
from tests.taxi.conftest import HOME
from tests.taxi.helpers import book

pytestmark = pytest.mark.django_db


def _taxi_consent(resident, grantee):
    return grant(resident, Scope.TAXI, grantee=grantee, given_via=GivenVia.WEB)


def _consent_for_request(resident, request, recorded_by):
    return grant(
        resident,
        Scope.TAXI,
        reference=request,
        given_via=GivenVia.PHONE_SPOKEN,
        recorded_by=recorded_by,
    )


def test_one_tap_books_a_taxi_from_home_now_with_no_destination(at_home):
    ride = book(at_home)
    assert ride.pickup_address == HOME
    assert ride.destination == ""
    assert ride.pickup_at is None
    assert ride.status == Status.REQUESTED
    assert ride.requested_by == at_home
    assert ride.channel == Channel.WEB
    assert ride.consent is None


def test_the_order_goes_to_the_provider_once_the_booking_is_committed(at_home, quiet, committed):
    ride = committed(book, at_home)
    assert quiet.created == [(ride.pk, f"ride-{ride.pk}-0")]
    ride.refresh_from_db()
    assert ride.status == Status.LOOKING
    assert ride.provider == "quiet"
    assert ride.provider_order_id == f"quiet-ride-{ride.pk}-0"


def test_a_double_tap_with_the_same_key_is_one_ride(at_home, quiet, committed):
    first = committed(book, at_home, key="tap-twice")
    second = committed(book, at_home, key="tap-twice")
    assert first == second
    assert Ride.objects.filter(resident=at_home).count() == 1
    assert len(quiet.created) == 1
    assert AuditEntry.objects.filter(resident=at_home, action="booked_taxi").count() == 1


def test_a_second_active_ride_is_refused_for_the_resident(at_home):
    first = book(at_home)
    with pytest.raises(api.RideAlreadyActive) as refused:
        book(at_home)
    assert refused.value.ride == first
    with translation.override("en"):
        assert "already have a taxi" in str(refused.value)
    assert Ride.objects.filter(resident=at_home).count() == 1


def test_the_resident_cannot_book_a_second_ride_even_on_purpose(at_home):
    book(at_home)
    with pytest.raises(api.RideAlreadyActive):
        book(at_home, second_ride=True)


def test_a_helper_may_book_a_second_ride_on_purpose(at_home, volunteer):
    _taxi_consent(at_home, volunteer)
    book(at_home)
    with pytest.raises(api.RideAlreadyActive):
        book(at_home, by=volunteer, channel=Channel.VOLUNTEER)
    second = book(at_home, by=volunteer, channel=Channel.VOLUNTEER, second_ride=True)
    assert second.requested_by == volunteer
    assert Ride.objects.filter(resident=at_home).count() == 2
    with pytest.raises(api.RideAlreadyActive):
        book(at_home, by=volunteer, channel=Channel.VOLUNTEER, second_ride=True)


def test_a_new_ride_may_be_booked_once_the_last_one_has_ended(at_home):
    first = book(at_home)
    Ride.objects.filter(pk=first.pk).update(status=Status.DONE)
    assert book(at_home).pk != first.pk


def test_acting_for_someone_without_consent_is_refused_and_nothing_is_written(at_home, volunteer):
    messages_before = Message.objects.count()
    with pytest.raises(ConsentRequired):
        book(at_home, by=volunteer, channel=Channel.VOLUNTEER)
    assert not Ride.objects.exists()
    assert not AuditEntry.objects.filter(resident=at_home, action="booked_taxi").exists()
    assert Message.objects.count() == messages_before


def test_with_consent_it_is_recorded_in_the_ride_and_the_audit_entry(at_home, volunteer):
    consent = _consent_for_request(at_home, "request:42", volunteer)
    ride = book(at_home, by=volunteer, channel=Channel.PHONE, reference="request:42")
    assert ride.consent == consent
    assert (ride.acting_role, ride.channel, ride.reference) == ("volunteer", "phone", "request:42")
    entry = AuditEntry.objects.get(resident=at_home, action="booked_taxi")
    assert entry.actor == volunteer
    assert entry.consent == consent
    assert (entry.channel, entry.actor_role, entry.reference) == (
        "phone",
        "volunteer",
        "request:42",
    )
    assert entry.details == {"ride": ride.pk}


def test_the_resident_is_told_when_someone_books_for_them(at_home, counter_staff):
    _taxi_consent(at_home, counter_staff)
    book(at_home, by=counter_staff, channel=Channel.COUNTER)
    told = Message.objects.filter(recipient=at_home.phone).latest("id")
    assert "booked a taxi for you" in told.body
    # Staff are named by their role, not by name.
    assert "A helper from the service centre booked a taxi for you." in told.body


def test_every_booking_is_written_in_the_audit_log_even_the_residents_own(at_home):
    ride = book(at_home)
    entry = AuditEntry.objects.get(resident=at_home, action="booked_taxi")
    assert entry.actor == at_home
    assert entry.consent is None
    assert entry.details == {"ride": ride.pk}


def test_no_home_address_gives_a_clear_error_and_nothing_is_written(resident):
    resident.home_address = ""
    resident.save(update_fields=["home_address"])
    with pytest.raises(api.NoPickupAddress) as refused:
        book(resident)
    with translation.override("en"):
        assert "home address" in str(refused.value)
    assert refused.value.code == "no_pickup_address"
    assert not Ride.objects.exists()
    assert not AuditEntry.objects.filter(resident=resident, action="booked_taxi").exists()


def test_another_pickup_place_needs_no_home_address(resident):
    ride = book(resident, pickup_address="华山医院门口", pickup_note="公交站旁")
    assert ride.pickup_address == "华山医院门口"
    assert ride.pickup_note == "公交站旁"


def test_a_taxi_can_be_booked_up_to_six_hours_ahead(at_home, at):
    now = at(2026, 11, 25, 10, 0)
    ride = book(at_home, pickup_at=now + timedelta(hours=6))
    assert ride.pickup_at == now + timedelta(hours=6)


def test_a_taxi_for_tomorrow_morning_is_booked_tonight_but_not_after_tomorrow(at_home, at):
    now = at(2026, 11, 25, 21, 0)
    with pytest.raises(api.PickupTooFarAhead) as refused:
        book(at_home, pickup_at=now + timedelta(hours=27, minutes=1))  # the day after, 0:01
    with translation.override("en"):
        assert "today or tomorrow" in str(refused.value)
    assert not Ride.objects.exists()
    ride = book(at_home, pickup_at=now + timedelta(hours=11))  # tomorrow at 8:00
    assert timezone.localtime(ride.pickup_at).hour == 8


def test_a_time_that_has_passed_is_refused_but_a_moment_ago_means_now(at_home, at):
    now = at(2026, 11, 25, 10, 0)
    with pytest.raises(api.PickupInThePast):
        book(at_home, pickup_at=now - timedelta(hours=1))
    assert book(at_home, pickup_at=now - timedelta(minutes=2)).pickup_at is None


def test_the_driver_is_told_what_the_resident_needs(at_home):
    at_home.needs_wheelchair = True
    at_home.needs_boarding_help = True
    at_home.save()
    ride = book(at_home)
    # In Chinese whatever the resident reads: the driver reads them.
    assert ride.driver_notes == "坐轮椅，请留出放轮椅的地方。 上车需要帮忙。"


def test_the_driver_reads_the_notes_in_chinese(at_home, chinese):
    chinese("Uses a wheelchair: needs room for it.", "坐轮椅，请留出放轮椅的地方。")
    at_home.needs_wheelchair = True
    at_home.save()
    assert book(at_home).driver_notes == "坐轮椅，请留出放轮椅的地方。"


def test_notes_given_for_the_driver_replace_the_profile_ones(at_home):
    at_home.needs_wheelchair = True
    at_home.save()
    assert book(at_home, driver_notes="带一把雨伞").driver_notes == "带一把雨伞"


def test_history_lists_the_residents_rides_newest_first(at_home, neighbour):
    first = book(at_home)
    Ride.objects.filter(pk=first.pk).update(status=Status.DONE)
    second = book(at_home)
    neighbour.home_address = "别处"
    neighbour.save()
    book(neighbour)
    assert list(api.history(at_home)) == [second, first]
    assert api.active_ride(at_home) == second


def test_a_long_tap_key_twice_is_still_one_ride(at_home):
    key = "k" * 120  # longer than the column: the second tap must find the first ride
    first = book(at_home, key=key)
    Ride.objects.filter(pk=first.pk).update(status=Status.DONE)  # not refused as "active"
    assert book(at_home, key=key).pk == first.pk
    assert Ride.objects.filter(resident=at_home).count() == 1


def test_a_helper_may_book_for_a_resident_without_a_phone(at_home, counter_staff):
    at_home.phone = None
    at_home.save(update_fields=["phone"])
    _taxi_consent(at_home, counter_staff)
    ride = book(at_home, by=counter_staff, channel=Channel.COUNTER)
    assert ride.requested_by == counter_staff
    api.cancel_ride(
        ride, acting=Acting.for_resident(ride.resident, counter_staff, channel=Channel.COUNTER)
    )
    assert Ride.objects.get(pk=ride.pk).status == Status.CANCELLED


def test_the_resident_is_told_at_once_at_night_when_a_helper_books(at_home, counter_staff, at):
    at(2026, 11, 25, 23, 30)  # quiet hours: a reminder would wait, a taxi on its way cannot
    _taxi_consent(at_home, counter_staff)
    ride = book(at_home, by=counter_staff, channel=Channel.COUNTER)
    told = Message.objects.filter(recipient=at_home.phone).latest("id")
    assert "booked a taxi for you" in told.body
    assert told.urgent and told.purpose == "taxi"
    assert told.related == ride
