"""The HTTP dispatch provider against a fake dispatch company on 127.0.0.1: orders, retries,
refusals, cancelling, and the fake's own stand-alone mode for benchmarks."""

import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.utils import timezone

from portal.acting import Acting
from services.taxi import api, tasks
from services.taxi.models import Status
from services.taxi.providers.base import ProviderError, get_provider
from services.taxi.providers.http import HttpDispatchProvider, sign, signature_is_valid
from tests.support.fake_dispatch import signature_header
from tests.taxi.conftest import DISPATCH_API_KEY, DISPATCH_SECRET
from tests.taxi.helpers import book, taxi_messages

pytestmark = pytest.mark.django_db


def _ordered(ride):
    ride.refresh_from_db()
    return ride


# ---------------------------------------------------------------------------------------------
# Ordering a car


def test_the_http_provider_is_chosen_by_setting(dispatch):
    provider = get_provider()
    assert isinstance(provider, HttpDispatchProvider)
    assert provider.name == "http"


def test_a_booking_orders_a_car_with_the_ride_details_and_an_idempotency_key(
    at_home, dispatch, committed
):
    ride = _ordered(
        committed(book, at_home, pickup_note="小区北门，保安亭旁", destination="华山医院")
    )
    assert dispatch.creates == 1
    order = dispatch.orders[0]
    assert order.body == {
        "reference": f"ride-{ride.pk}-0",
        "pickup": {"address": ride.pickup_address, "landmark": "小区北门，保安亭旁"},
        "destination": "华山医院",
        "pickup_at": None,
        "notes": "",
        "passenger": {"phone": at_home.phone},
    }
    assert order.idempotency_key == f"ride-{ride.pk}-0"
    (_method, _path, status, headers) = dispatch.calls("POST", "/v1/orders")[0]
    assert status == 201
    assert headers["Authorization"] == f"Bearer {DISPATCH_API_KEY}"
    assert headers["Idempotency-Key"] == f"ride-{ride.pk}-0"
    assert (ride.status, ride.provider, ride.provider_order_id) == (
        Status.LOOKING,
        "http",
        order.id,
    )


def test_a_booking_for_later_sends_the_time_and_the_drivers_notes(at_home, dispatch, committed):
    at_home.needs_wheelchair = True
    at_home.save(update_fields=["needs_wheelchair"])
    pickup_at = timezone.now() + timedelta(hours=2)
    ride = _ordered(committed(book, at_home, pickup_at=pickup_at))
    body = dispatch.order_for(ride.dispatch_key).body
    assert datetime.fromisoformat(body["pickup_at"]) == pickup_at
    assert body["pickup_at"].endswith("+08:00")  # Shanghai time, as the company reads it
    assert body["destination"] is None
    assert body["notes"] == ride.driver_notes and ride.driver_notes


def test_a_dispatch_run_twice_makes_one_order(at_home, dispatch, committed):
    ride = _ordered(committed(book, at_home))
    # A worker that died after the company took the order runs the task again (acks_late).
    tasks.dispatch_ride.delay(ride.pk, attempt=0)
    assert dispatch.creates == 1
    assert [call[2] for call in dispatch.calls("POST", "/v1/orders")] == [201, 200]
    assert _ordered(ride).provider_order_id == dispatch.orders[0].id


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_company_error_or_too_many_requests_is_tried_again(at_home, dispatch, committed, status):
    dispatch.fail_next(2, status=status, on="create")
    ride = _ordered(committed(book, at_home))
    assert [call[2] for call in dispatch.calls("POST", "/v1/orders")] == [status, status, 201]
    assert dispatch.creates == 1
    assert ride.status == Status.LOOKING
    assert ride.provider_order_id == dispatch.orders[0].id


def test_a_company_that_does_not_answer_in_time_is_tried_again(at_home, dispatch, committed):
    dispatch.hang_next(1, seconds=2.5, on="create")  # the provider gives up after 1 s
    started = time.monotonic()
    ride = _ordered(committed(book, at_home))
    assert time.monotonic() - started < 2.5
    assert ride.status == Status.LOOKING
    assert dispatch.order_for(ride.dispatch_key).id == ride.provider_order_id
    # The request that timed out may still land at the company: the key keeps it one order.
    time.sleep(1.7)
    assert dispatch.creates == 1


def test_a_company_that_cannot_be_reached_is_tried_again_then_a_person_helps(
    at_home, dispatch, committed, settings
):
    settings.TAXI_HTTP_BASE_URL = "http://127.0.0.1:9"  # the discard port: refused at once
    ride = _ordered(committed(book, at_home))
    assert (ride.status, ride.needs_a_person) == (Status.NO_CAR, True)


def test_a_company_that_keeps_failing_means_no_car_and_a_person(at_home, dispatch, committed):
    dispatch.fail_next(tasks.DISPATCH_MAX_TRIES, status=503, on="create")
    ride = _ordered(committed(book, at_home))
    assert len(dispatch.calls("POST", "/v1/orders")) == tasks.DISPATCH_MAX_TRIES
    assert dispatch.creates == 0
    assert (ride.status, ride.needs_a_person) == (Status.NO_CAR, True)
    assert "Sorry, no taxi was found." in taxi_messages(at_home)[-1].body


def test_a_refused_order_is_not_tried_again_and_a_person_helps(at_home, dispatch, committed):
    dispatch.refuse_next(1, status=422, code="address_not_served")
    ride = _ordered(committed(book, at_home))
    assert [call[2] for call in dispatch.calls("POST", "/v1/orders")] == [422]
    assert (ride.status, ride.needs_a_person) == (Status.NO_CAR, True)
    assert "Call 962 200 and a person will help you." in taxi_messages(at_home)[-1].body


def test_a_wrong_api_key_is_not_tried_again(at_home, dispatch, committed, settings):
    settings.TAXI_HTTP_API_KEY = "not-the-key"
    ride = _ordered(committed(book, at_home))
    assert [call[2] for call in dispatch.calls("POST", "/v1/orders")] == [401]
    assert ride.status == Status.NO_CAR


def test_failures_are_classified_for_the_retry(at_home, dispatch):
    ride = book(at_home)
    provider = get_provider()
    dispatch.fail_next(1, status=503, on="create", retry_after=30)
    with pytest.raises(ProviderError) as failed:
        provider.create(ride, ride.dispatch_key)
    assert (failed.value.permanent, failed.value.retry_after) == (False, 30)
    dispatch.fail_next(1, status=429, on="create", retry_after=3600)
    with pytest.raises(ProviderError) as failed:
        provider.create(ride, ride.dispatch_key)
    assert (failed.value.permanent, failed.value.retry_after) == (False, 120)  # capped
    dispatch.refuse_next(1, status=400)
    with pytest.raises(ProviderError) as failed:
        provider.create(ride, ride.dispatch_key)
    assert failed.value.permanent


def test_a_worker_waits_with_backoff_or_as_long_as_the_company_asks():
    """In a worker a temporary failure goes back to Celery with a countdown."""

    class Retry(Exception):
        pass

    class Request:
        retries, is_eager = 1, False

    class Task:
        request = Request()

        def retry(self, countdown):
            return Retry(countdown)

    def fails(retry_after=None):
        error = ProviderError("503")
        error.retry_after = retry_after
        raise error

    with pytest.raises(Retry) as handed:
        tasks.call_provider(Task(), fails, ride_id=1, what="order", max_tries=5)
    assert handed.value.args == (tasks.backoff(1),)  # second try failed: 10 s
    with pytest.raises(Retry) as handed:
        tasks.call_provider(Task(), lambda: fails(60), ride_id=1, what="order", max_tries=5)
    assert handed.value.args == (60,)
    Request.retries = 4  # the fifth try: no more
    with pytest.raises(ProviderError):
        tasks.call_provider(Task(), fails, ride_id=1, what="order", max_tries=5)


# ---------------------------------------------------------------------------------------------
# Cancelling and asking


def test_cancelling_a_ride_cancels_the_companys_order(at_home, dispatch, committed):
    ride = _ordered(committed(book, at_home))
    committed(
        api.cancel_ride,
        ride,
        acting=Acting.for_resident(ride.resident, at_home, channel="web"),
        reason="不需要了",
    )
    order = dispatch.order(ride.provider_order_id)
    assert (order.status, order.cancel_reason) == ("cancelled", "不需要了")
    assert dispatch.calls("POST", f"/v1/orders/{order.id}/cancel")[0][2] == 200


def test_a_cancel_the_company_fails_is_tried_again(at_home, dispatch, committed):
    ride = _ordered(committed(book, at_home))
    dispatch.fail_next(2, status=502, on="cancel")
    committed(
        api.cancel_ride, ride, acting=Acting.for_resident(ride.resident, at_home, channel="web")
    )
    assert dispatch.order(ride.provider_order_id).status == "cancelled"
    path = f"/v1/orders/{ride.provider_order_id}/cancel"
    assert [call[2] for call in dispatch.calls("POST", path)] == [502, 502, 200]


def test_status_reads_the_order_as_an_event(at_home, dispatch, committed):
    ride = _ordered(committed(book, at_home))
    car = {"plate": "沪B·24680", "colour": "blue", "driver_phone": "+8613700000000"}
    dispatch.set_state(ride.provider_order_id, "car_found", car={**car, "minutes_away": 4})
    event = get_provider().status(ride)
    assert event.event_id == f"poll:{ride.provider_order_id}:car_found"
    assert event.kind == "car_found"
    assert event.data == {
        "order_id": ride.provider_order_id,
        "reference": ride.dispatch_key,
        **car,
        "minutes_away": 4,
    }
    dispatch.set_state(ride.provider_order_id, "completed")
    assert get_provider().status(ride).kind == "done"


# ---------------------------------------------------------------------------------------------
# Signatures


def test_a_signature_is_checked_against_the_body_the_secret_and_the_time():
    body = b'{"event_id":"evt_1","type":"car_found"}'
    now = time.time()
    good = signature_header(DISPATCH_SECRET, body, now)
    assert good == f"t={int(now)},v1={sign(DISPATCH_SECRET, now, body)}"
    assert signature_is_valid(good, body, DISPATCH_SECRET)
    assert not signature_is_valid(good, body + b" ", DISPATCH_SECRET)
    assert not signature_is_valid(good, body, "another-secret")
    assert not signature_is_valid(good, body, "")  # no secret set: nothing is genuine
    assert not signature_is_valid("", body, DISPATCH_SECRET)
    assert not signature_is_valid("v1=" + sign(DISPATCH_SECRET, now, body), body, DISPATCH_SECRET)
    assert not signature_is_valid(f"t=soon,v1={sign(DISPATCH_SECRET, 0, body)}", body, "x")
    old = signature_header(DISPATCH_SECRET, body, now - 301)
    ahead = signature_header(DISPATCH_SECRET, body, now + 301)
    assert not signature_is_valid(old, body, DISPATCH_SECRET)
    assert not signature_is_valid(ahead, body, DISPATCH_SECRET)
    assert signature_is_valid(
        signature_header(DISPATCH_SECRET, body, now - 290), body, DISPATCH_SECRET
    )
    # While the company rotates its secret it signs with both.
    rotating = good + ",v1=" + sign("old-secret", now, body)
    assert signature_is_valid(rotating, body, DISPATCH_SECRET)
    assert signature_is_valid(rotating, body, "old-secret")


# ---------------------------------------------------------------------------------------------
# The fake on its own, as benchmarks run it


class _Receiver:
    """A stand-in portal that keeps the webhooks it is sent."""

    def __init__(self):
        self.received = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, self.headers.get("X-Dispatch-Signature", "")))
                if len(receiver.received) >= 2:
                    receiver.arrived.set()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/taxi/events/http/"


def test_run_alone_the_fake_finds_a_car_for_each_order_and_says_so_signed():
    with _Receiver() as receiver:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.fake_dispatch",
                "--port",
                "0",
                "--secret",
                DISPATCH_SECRET,
                "--api-key",
                DISPATCH_API_KEY,
                "--webhook-url",
                receiver.url,
                "--find-after",
                "0.2",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout.readline().strip() == "ready"
            base_url = process.stderr.readline().split()[-1]
            auth = {"Authorization": f"Bearer {DISPATCH_API_KEY}"}
            for expected in (201, 200):  # the same key twice: one order
                response = requests.post(
                    f"{base_url}/v1/orders",
                    json={"reference": "ride-7-0", "pickup": {"address": "愚园路100弄"}},
                    headers={**auth, "Idempotency-Key": "ride-7-0"},
                    timeout=5,
                )
                assert response.status_code == expected
            assert receiver.arrived.wait(10)
            listed = requests.get(f"{base_url}/v1/orders", headers=auth, timeout=5).json()
            assert [order["reference"] for order in listed["orders"]] == ["ride-7-0"]
            assert listed["orders"][0]["status"] == "car_found"
        finally:
            process.terminate()
            process.wait(timeout=10)
    events = [json.loads(body) for body, _signature in receiver.received]
    assert [event["type"] for event in events] == ["looking", "car_found"]
    assert {event["order_id"] for event in events} == {response.json()["id"]}
    assert {event["reference"] for event in events} == {"ride-7-0"}
    assert events[1]["car"]["plate"].startswith("沪B·")
    for body, signature in receiver.received:
        assert signature_is_valid(signature, body, DISPATCH_SECRET)
    assert process.returncode == 0


def test_the_fake_checks_the_api_key(dispatch):
    response = requests.get(f"{dispatch.base_url}/v1/orders/ord_1", timeout=5)
    assert response.status_code == 401
    response = requests.get(
        f"{dispatch.base_url}/v1/orders/ord_1",
        headers={"Authorization": f"Bearer {DISPATCH_API_KEY}"},
        timeout=5,
    )
    assert response.status_code == 404
