"""The dispatch company's signed webhooks at /taxi/events/http/: refused unless genuine and
fresh, applied once, forward only, and 200 for orders we do not know."""

import json
import time

import pytest

from services.taxi.models import Ride, RideEvent, Status
from tests.support.fake_dispatch import signature_header
from tests.taxi.conftest import DISPATCH_SECRET, DISPATCH_WEBHOOK_PATH
from tests.taxi.helpers import taxi_messages

pytestmark = pytest.mark.django_db

CAR = {
    "plate": "沪B·13579",
    "colour": "silver",
    "driver_phone": "+8613711112222",
    "minutes_away": 5,
}


def _status(ride):
    ride.refresh_from_db()
    return ride.status


def test_a_signed_car_found_moves_the_ride_and_tells_the_resident(ride, dispatch, at_home):
    assert dispatch.send_event(ride.provider_order_id, "car_found", car=CAR) == 200
    ride.refresh_from_db()
    assert (ride.status, ride.car_plate, ride.car_colour, ride.driver_phone, ride.minutes_away) == (
        Status.CAR_FOUND,
        "沪B·13579",
        "silver",
        "+8613711112222",
        5,
    )
    told = taxi_messages(at_home)
    assert len(told) == 1
    assert "沪B·13579" in told[0].body and "13711112222" in told[0].body
    assert RideEvent.objects.get(ride=ride, kind="car_found").applied


def test_the_rest_of_the_trip_arrives_the_same_way(ride, dispatch, at_home):
    order = ride.provider_order_id
    for kind in ("car_found", "arrived", "on_trip", "completed"):
        assert dispatch.send_event(order, kind, car=CAR) == 200
    assert _status(ride) == Status.DONE  # the company's "completed"
    told = [message.body for message in taxi_messages(at_home)]
    assert len(told) == 3
    assert "Car coming: 沪B·13579" in told[0]
    assert "Your taxi is here: 沪B·13579" in told[1]
    assert "Your trip has ended. How was it?" in told[2]


def test_a_signature_with_the_wrong_secret_is_refused_and_nothing_is_written(ride, dispatch):
    assert dispatch.send_event(ride.provider_order_id, "car_found", secret="guessed") == 403
    assert RideEvent.objects.count() == 0
    assert _status(ride) == Status.LOOKING


def test_a_webhook_without_a_signature_is_refused(ride, dispatch, at_home):
    assert dispatch.send_event(ride.provider_order_id, "car_found", signature="") == 403
    assert dispatch.send_event(ride.provider_order_id, "car_found", signature="t=1,v1=00") == 403
    assert RideEvent.objects.count() == 0
    assert taxi_messages(at_home) == []


@pytest.mark.parametrize("seconds", [-301, 301, -3600])
def test_an_old_or_future_signature_is_refused_as_a_replay(ride, dispatch, seconds):
    sent = dispatch.send_event(ride.provider_order_id, "car_found", timestamp=time.time() + seconds)
    assert sent == 403
    assert RideEvent.objects.count() == 0
    assert _status(ride) == Status.LOOKING


def test_a_signature_for_another_body_is_refused(ride, dispatch):
    genuine = dispatch.event_payload(ride.provider_order_id, "looking")
    signature = signature_header(DISPATCH_SECRET, json.dumps(genuine).encode())
    forged = dispatch.event_payload(ride.provider_order_id, "no_car")
    assert dispatch.post_webhook(forged, signature=signature) == 403
    assert _status(ride) == Status.LOOKING


def test_the_same_event_twice_is_applied_once(ride, dispatch, at_home):
    order = ride.provider_order_id
    assert dispatch.send_event(order, "car_found", car=CAR, event_id="evt_1") == 200
    assert dispatch.send_event(order, "car_found", car=CAR, event_id="evt_1") == 200
    assert RideEvent.objects.filter(event_id="evt_1").count() == 1
    assert len(taxi_messages(at_home)) == 1


def test_an_event_late_and_out_of_order_does_not_move_the_ride_back(ride, dispatch, at_home):
    order = ride.provider_order_id
    assert dispatch.send_event(order, "arrived") == 200
    assert dispatch.send_event(order, "car_found", car=CAR) == 200  # held up on the way
    assert dispatch.send_event(order, "looking") == 200
    ride.refresh_from_db()
    assert ride.status == Status.ARRIVED
    assert ride.car_plate == "沪B·13579"  # what the late event knew about the car is kept
    kinds = dict(RideEvent.objects.filter(ride=ride).values_list("kind", "applied"))
    assert kinds == {"arrived": True, "car_found": True, "looking": False}
    assert len(taxi_messages(at_home)) == 1  # "your taxi is here", once


def test_several_events_in_one_webhook(ride, dispatch):
    order = ride.provider_order_id
    payload = {
        "events": [
            dispatch.event_payload(order, "car_found", car=CAR, event_id="evt_a"),
            dispatch.event_payload(order, "arrived", event_id="evt_b"),
        ]
    }
    assert dispatch.post_webhook(payload) == 200
    assert _status(ride) == Status.ARRIVED
    assert set(RideEvent.objects.values_list("event_id", flat=True)) == {"evt_a", "evt_b"}


def test_an_event_about_an_order_we_do_not_know_is_answered_200_and_kept(ride, dispatch):
    assert dispatch.send_event("ord_nobody", "car_found", event_id="evt_x") == 200
    kept = RideEvent.objects.get(event_id="evt_x")
    assert (kept.ride, kept.applied, kept.data["order_id"]) == (None, False, "ord_nobody")
    assert _status(ride) == Status.LOOKING


def test_an_event_type_we_do_not_know_changes_nothing(ride, dispatch):
    assert dispatch.send_event(ride.provider_order_id, "driver_stopped_for_tea") == 200
    assert _status(ride) == Status.LOOKING


def test_a_webhook_for_a_provider_not_in_use_is_not_found(ride, dispatch):
    payload = dispatch.event_payload(ride.provider_order_id, "car_found")
    assert dispatch.post_webhook(payload, url="/taxi/events/simulated/") == 404
    assert dispatch.post_webhook(payload, url="/taxi/events/quiet/") == 404
    assert RideEvent.objects.count() == 0


def test_when_another_provider_is_in_use_the_http_webhook_is_not_found(ride, dispatch, settings):
    settings.TAXI_PROVIDER = "services.taxi.providers.simulated.SimulatedProvider"
    assert dispatch.send_event(ride.provider_order_id, "car_found") == 404
    assert RideEvent.objects.count() == 0


def test_a_signed_body_that_is_not_json_is_a_bad_request(ride, dispatch):
    body = b"car_found, honest"
    headers = {
        "Content-Type": "application/json",
        "X-Dispatch-Signature": signature_header(DISPATCH_SECRET, body),
    }
    assert dispatch.transport(DISPATCH_WEBHOOK_PATH, body, headers) == 400
    assert RideEvent.objects.count() == 0


def test_a_signed_event_without_an_id_is_a_bad_request(ride, dispatch):
    payload = dispatch.event_payload(ride.provider_order_id, "car_found")
    payload["event_id"] = ""
    assert dispatch.post_webhook(payload) == 400
    batch = {"events": [dispatch.event_payload(ride.provider_order_id, "car_found"), "junk"]}
    assert dispatch.post_webhook(batch) == 400
    assert RideEvent.objects.count() == 0  # a bad batch applies none of it


def test_only_post_is_accepted(client, dispatch):
    assert client.get(DISPATCH_WEBHOOK_PATH).status_code == 405


def test_events_name_the_ride_by_reference_so_an_earlier_attempt_is_ignored(
    ride, dispatch, at_home, committed
):
    first_order = ride.provider_order_id
    dispatch.send_event(first_order, "car_found", car=CAR)
    committed(dispatch.send_event, first_order, "driver_cancelled")  # the portal asks again
    ride.refresh_from_db()
    assert (ride.status, ride.redispatches) == (Status.LOOKING, 1)
    assert dispatch.creates == 2
    second_order = dispatch.order_for(ride.dispatch_key).id
    assert ride.provider_order_id == second_order != first_order
    dispatch.send_event(first_order, "arrived")  # the first driver's late news
    assert _status(ride) == Status.LOOKING
    dispatch.send_event(second_order, "car_found", car={**CAR, "plate": "沪B·00002"})
    ride.refresh_from_db()
    assert (ride.status, ride.car_plate) == (Status.CAR_FOUND, "沪B·00002")
    assert Ride.objects.count() == 1
