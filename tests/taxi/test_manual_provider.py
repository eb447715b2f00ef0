"""Dispatch by phone: the manual provider waits for an operator, whose reports move the ride."""

import uuid

import pytest
from django.utils import translation

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from services.taxi import api, phone_dispatch
from services.taxi.models import Ride, RideEvent, Status
from services.taxi.providers.base import get_provider
from services.taxi.providers.manual import ManualProvider
from tests.taxi.helpers import CAR, book, taxi_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(staff_with):
    return staff_with("wagtailadmin.access_admin", "taxi.view_ride", "taxi.change_ride")


def test_create_hands_out_an_order_id_and_nothing_else_happens(phoned_in):
    assert get_provider().name == "manual"
    assert phoned_in.provider == "manual"
    assert phoned_in.provider_order_id == f"manual-{phoned_in.dispatch_key}"
    assert phoned_in.status == Status.LOOKING
    assert not RideEvent.objects.filter(ride=phoned_in).exists()
    assert taxi_messages(phoned_in.resident) == []
    # The same key gives the same order: a retried dispatch orders nothing twice.
    again = ManualProvider().create(phoned_in, phoned_in.dispatch_key)
    assert again == phoned_in.provider_order_id


def test_there_is_nothing_to_poll_and_no_webhook_is_genuine(phoned_in, rf):
    provider = ManualProvider()
    assert provider.status(phoned_in) is None
    assert provider.verify_webhook(rf.post("/taxi/webhook/manual/", {"kind": "done"})) is False
    assert provider.parse_webhook(rf.post("/")) == []


def test_cancelling_a_phoned_in_ride_asks_a_person_to_phone_the_company(phoned_in, committed):
    committed(
        api.cancel_ride,
        phoned_in,
        acting=Acting.for_resident(phoned_in.resident, phoned_in.resident, channel=Channel.WEB),
    )
    phoned_in.refresh_from_db()
    assert phoned_in.status == Status.CANCELLED
    assert phone_dispatch.needs_company_call(phoned_in)


def test_telling_the_company_is_kept_once_and_audited(phoned_in, committed, operator):
    committed(
        api.cancel_ride,
        phoned_in,
        acting=Acting.for_resident(phoned_in.resident, phoned_in.resident, channel=Channel.WEB),
    )
    form_id = uuid.uuid4()
    assert phone_dispatch.company_told(phoned_in, staff=operator, event_id=form_id) is True
    assert phone_dispatch.company_told(phoned_in, staff=operator, event_id=form_id) is False
    assert not phone_dispatch.needs_company_call(phoned_in)
    told = RideEvent.objects.get(ride=phoned_in, kind=phone_dispatch.COMPANY_TOLD)
    assert (told.provider, told.applied, told.data["entered_by"]) == ("manual", False, operator.pk)
    audit = AuditEntry.objects.get(resident=phoned_in.resident, action="told_taxi_company")
    assert (audit.actor, audit.channel) == (operator, Channel.STAFF_TOOLS)


def test_a_ride_cancelled_before_it_reached_the_operator_needs_no_call(at_home, manual_dispatch):
    ride = book(at_home)  # not dispatched yet: the commit never came
    api.cancel_ride(ride, acting=Acting.for_resident(ride.resident, at_home, channel=Channel.WEB))
    ride.refresh_from_db()
    assert (ride.status, ride.provider_order_id) == (Status.CANCELLED, "")
    assert not phone_dispatch.needs_company_call(ride)


def test_the_operators_car_reaches_the_ride_as_a_manual_event(phoned_in, operator):
    form_id = uuid.uuid4()
    assert (
        phone_dispatch.enter(phoned_in, Status.CAR_FOUND, staff=operator, event_id=form_id, car=CAR)
        is True
    )
    phoned_in.refresh_from_db()
    assert phoned_in.status == Status.CAR_FOUND
    assert (phoned_in.car_plate, phoned_in.car_colour) == ("沪A·12345", "white")
    assert (phoned_in.driver_phone, phoned_in.minutes_away) == ("+8613912345678", 6)
    event = RideEvent.objects.get(provider="manual", event_id=str(form_id))
    assert event.applied
    assert event.data == {"reference": phoned_in.dispatch_key, "entered_by": operator.pk, **CAR}
    audit = AuditEntry.objects.get(resident=phoned_in.resident, action="entered_taxi_news")
    assert (audit.actor, audit.channel, audit.details) == (
        operator,
        Channel.STAFF_TOOLS,
        {"ride": phoned_in.pk, "status": "car_found"},
    )
    [told] = taxi_messages(phoned_in.resident)
    assert told.body.endswith("Car coming: 沪A·12345 white. Driver 13912345678, about 6 min.")


def test_no_car_found_asks_a_person_to_help(phoned_in, operator):
    phone_dispatch.enter(phoned_in, Status.NO_CAR, staff=operator, event_id=uuid.uuid4())
    phoned_in.refresh_from_db()
    assert (phoned_in.status, phoned_in.needs_a_person) == (Status.NO_CAR, True)
    assert taxi_messages(phoned_in.resident)[-1].body.startswith(
        "[Silver Portal]Sorry, no taxi was found."
    )


def test_a_report_that_does_not_fit_is_refused_and_writes_nothing(phoned_in, operator):
    refusal = "That does not fit this ride now"
    with translation.override("en"), pytest.raises(phone_dispatch.EntryRefused, match=refusal):
        phone_dispatch.enter(
            phoned_in, Status.PASSENGER_NO_SHOW, staff=operator, event_id=uuid.uuid4()
        )
    assert not RideEvent.objects.filter(ride=phoned_in).exists()
    assert not AuditEntry.objects.filter(action="entered_taxi_news").exists()
    assert Ride.objects.get(pk=phoned_in.pk).status == Status.LOOKING
    assert taxi_messages(phoned_in.resident) == []


def test_a_ride_of_another_provider_takes_no_operator_reports(at_home, committed, operator):
    ride = committed(book, at_home)  # the listening test provider
    refusal = "its news comes from there"
    with translation.override("en"), pytest.raises(phone_dispatch.EntryRefused, match=refusal):
        phone_dispatch.enter(ride, Status.CAR_FOUND, staff=operator, event_id=uuid.uuid4(), car=CAR)
    assert Ride.objects.get(pk=ride.pk).status == Status.LOOKING
    assert not RideEvent.objects.filter(ride=ride).exists()
    assert not AuditEntry.objects.filter(action="entered_taxi_news").exists()
