"""Cancelling: by the resident or a helper with consent; written down, told, passed on."""

import pytest

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.api import ConsentRequired, grant
from portal.consent.models import GivenVia, Scope
from portal.notifications.models import Message
from services.taxi import api
from services.taxi.models import Ride, Status
from tests.taxi.helpers import CAR, book, event, taxi_messages

pytestmark = pytest.mark.django_db


def test_cancelling_writes_the_audit_log_and_tells_the_resident(at_home, quiet, committed):
    ride = committed(book, at_home)
    ride.refresh_from_db()
    committed(
        api.cancel_ride,
        ride,
        acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB),
        reason="不用了",
    )
    assert ride.status == Status.CANCELLED
    assert Ride.objects.get(pk=ride.pk).cancel_reason == "不用了"
    entry = AuditEntry.objects.get(resident=at_home, action="cancelled_taxi")
    assert (entry.actor, entry.channel, entry.details) == (at_home, Channel.WEB, {"ride": ride.pk})
    assert "cancelled" in taxi_messages(at_home)[-1].body
    assert quiet.cancelled == [(ride.pk, f"quiet-ride-{ride.pk}-0", "不用了")]


def test_cancelling_twice_is_one_cancellation(at_home):
    ride = book(at_home)
    api.cancel_ride(ride, acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB))
    api.cancel_ride(ride, acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB))
    assert AuditEntry.objects.filter(resident=at_home, action="cancelled_taxi").count() == 1


def test_a_cancelled_ride_ignores_the_provider_afterwards(at_home):
    ride = book(at_home)
    api.cancel_ride(ride, acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB))
    assert event(ride, "car_found", **CAR) is False
    ride.refresh_from_db()
    assert ride.status == Status.CANCELLED
    assert not ride.needs_a_person


def test_a_ride_cancelled_before_the_provider_answered_has_its_order_cancelled(
    at_home, quiet, committed
):
    ride = book(at_home)
    api.cancel_ride(ride, acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB))
    # The order reaches the provider only now (a slow queue): it is cancelled at once.
    committed(api.dispatched, ride.pk, 0, "quiet", "quiet-late")
    assert quiet.cancelled == [(ride.pk, "quiet-late", "")]


def test_a_trip_that_has_begun_cannot_be_cancelled(at_home):
    ride = book(at_home)
    event(ride, "on_trip")
    with pytest.raises(api.NotCancellable):
        api.cancel_ride(
            ride, acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB)
        )
    assert Ride.objects.get(pk=ride.pk).status == Status.ON_TRIP


def test_a_helper_needs_consent_to_cancel(at_home, volunteer):
    ride = book(at_home)
    with pytest.raises(ConsentRequired):
        api.cancel_ride(
            ride, acting=Acting.for_resident(ride.resident, volunteer, channel=Channel.VOLUNTEER)
        )
    assert Ride.objects.get(pk=ride.pk).status == Status.REQUESTED
    assert not AuditEntry.objects.filter(action="cancelled_taxi").exists()


def test_a_helper_with_consent_cancels_and_the_resident_is_told_who(at_home, volunteer):
    consent = grant(at_home, Scope.TAXI, grantee=volunteer, given_via=GivenVia.WEB)
    ride = book(at_home)
    api.cancel_ride(
        ride, acting=Acting.for_resident(ride.resident, volunteer, channel=Channel.VOLUNTEER)
    )
    entry = AuditEntry.objects.get(resident=at_home, action="cancelled_taxi")
    assert (entry.actor, entry.consent) == (volunteer, consent)
    told = Message.objects.filter(recipient=at_home.phone).latest("id")
    assert "cancelled your taxi" in told.body
