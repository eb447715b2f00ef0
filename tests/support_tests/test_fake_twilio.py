"""The fake Twilio API, driven through the real twilio SDK."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.support.fake_twilio import FakeTwilio, LoopbackHttpClient, num_segments

ACCOUNT_SID = "AC" + "a1" * 16
AUTH_TOKEN = "secret-token-for-tests"
FROM = "+15005550006"
TO = "+8613800000001"
TWIML = "<Response><Say>您好</Say></Response>"


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running
    assert running.errors == []


@pytest.fixture
def client(fake):
    return fake.client(timeout=5)


class Receiver:
    """A tiny portal stand-in that checks X-Twilio-Signature like the real webhook views."""

    def __init__(self, token, answer=204):
        self.validator = RequestValidator(token)
        self.answer = answer
        self.received = []  # (path, fields, signature_valid)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fields = {
                    name: values[0]
                    for name, values in parse_qs(self.rfile.read(length).decode()).items()
                }
                url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
                valid = receiver.validator.validate(
                    url, fields, self.headers.get("X-Twilio-Signature", "")
                )
                receiver.received.append((self.path, fields, valid))
                self.send_response(receiver.answer if valid else 403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver(AUTH_TOKEN) as running:
        yield running


def test_loopback_client_is_a_twilio_http_client_and_keeps_path_and_query(fake):
    http_client = LoopbackHttpClient(fake.base_url, timeout=3)
    assert isinstance(http_client, TwilioHttpClient)
    assert http_client.timeout == 3
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http_client)
    assert client.edge is None or client.edge == ""
    client.messages.create(to=TO, from_=FROM, body="one")
    client.messages.create(to="+8613800000002", from_=FROM, body="two")
    assert [m.body for m in client.messages.list(to=TO)] == ["one"]  # To= went in the query
    assert fake.request_log[-1][:2] == (
        "GET",
        f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
    )


def test_create_and_fetch_sms(fake, client):
    message = client.messages.create(
        to=TO, from_=FROM, body="您好，预约已确认。", status_callback="https://portal.example/cb"
    )
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert message.account_sid == ACCOUNT_SID
    assert (message.to, message.from_, message.body) == (TO, FROM, "您好，预约已确认。")
    assert message.status == "queued"
    assert message.direction == "outbound-api"
    assert message.num_segments == "1"
    assert message.error_code is None and message.error_message is None
    assert message.price is None
    assert message.api_version == "2010-04-01"
    assert message.uri == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message.sid}.json"
    assert message.date_created is not None  # the SDK parsed the RFC 2822 date

    fetched = client.messages(message.sid).fetch()
    assert (fetched.sid, fetched.body, fetched.status) == (message.sid, message.body, "queued")

    [record] = fake.messages
    assert record.sid == message.sid
    assert record.params == {
        "To": TO,
        "From": FROM,
        "Body": "您好，预约已确认。",
        "StatusCallback": "https://portal.example/cb",
    }
    assert record.status_callback == "https://portal.example/cb"
    assert fake.sent_to(TO) == [record]
    assert fake.sent_to("+10000000000") == []
    assert fake.requests == 2
    assert fake.calls == []


def test_message_json_is_realistic(fake):
    response = requests.post(
        f"{fake.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        data={"To": TO, "From": FROM, "Body": "hi"},
        auth=(ACCOUNT_SID, AUTH_TOKEN),
        timeout=5,
    )
    assert response.status_code == 201
    data = response.json()
    assert data["from"] == FROM
    assert parsedate_to_datetime(data["date_created"]).utcoffset().total_seconds() == 0
    assert data["date_created"].endswith("+0000")
    for key in ("date_sent", "error_code", "error_message", "price", "messaging_service_sid"):
        assert data[key] is None


def test_messaging_service_without_from_is_accepted(client):
    message = client.messages.create(to=TO, messaging_service_sid="MG" + "0" * 32, body="hi")
    assert message.status == "accepted"
    assert message.from_ is None


def test_segments():
    assert num_segments("a" * 160) == 1
    assert num_segments("a" * 161) == 2
    assert num_segments("€" * 80) == 1  # extension characters take two septets
    assert num_segments("您" * 70) == 1
    assert num_segments("您" * 71) == 2
    assert num_segments("您" * 135) == 3


def test_create_and_fetch_call_with_twiml(fake, client):
    call = client.calls.create(
        to=TO,
        from_=FROM,
        twiml=TWIML,
        status_callback="https://portal.example/call-cb",
        status_callback_event=["initiated", "completed"],
    )
    assert re.fullmatch(r"CA[0-9a-f]{32}", call.sid)
    assert (call.to, call.from_formatted, call.status, call.direction) == (
        TO,
        FROM,
        "queued",
        "outbound-api",
    )
    assert call.account_sid == ACCOUNT_SID
    assert client.calls(call.sid).fetch().status == "queued"

    [record] = fake.calls
    assert record.twiml == TWIML
    assert record.params["StatusCallbackEvent"] == ["initiated", "completed"]
    assert fake.sent_to(TO, kind="call") == [record]
    assert fake.sent_to(TO, kind="message") == []


def test_fetch_unknown_sid_is_404(client):
    with pytest.raises(TwilioRestException) as raised:
        client.messages("SM" + "0" * 32).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)


def test_validation_errors_use_twilio_codes(client):
    cases = [
        ({"to": TO, "from_": FROM}, 21602),
        ({"to": TO, "body": "x"}, 21603),
        ({"to": "13800000001", "from_": FROM, "body": "x"}, 21211),
        ({"to": TO, "from_": FROM, "body": "x" * 1601}, 21617),
    ]
    for kwargs, code in cases:
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(**kwargs)
        assert (raised.value.status, raised.value.code) == (400, code), kwargs


def test_wrong_auth_is_401_in_twilio_shape(fake):
    bad = Client(ACCOUNT_SID, "wrong", http_client=LoopbackHttpClient(fake.base_url))
    with pytest.raises(TwilioRestException) as raised:
        bad.messages.create(to=TO, from_=FROM, body="x")
    assert (raised.value.status, raised.value.code) == (401, 20003)

    response = requests.post(
        f"{fake.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        data={"To": TO},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert fake.messages == []


def test_injected_500_raises_and_then_recovers(fake, client):
    fake.fail_next(1, status=500)
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=TO, from_=FROM, body="x")
    assert (raised.value.status, raised.value.code) == (500, 20500)
    assert client.messages.create(to=TO, from_=FROM, body="x").status == "queued"
    assert len(fake.messages) == 1


@pytest.mark.parametrize(("status", "code"), [(429, 20429), (503, 20503)])
def test_injected_status_codes(fake, client, status, code):
    fake.fail_next(2, status=status)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            client.calls.create(to=TO, from_=FROM, twiml=TWIML)
        assert (raised.value.status, raised.value.code) == (status, code)
    client.calls.create(to=TO, from_=FROM, twiml=TWIML)
    assert [entry[2] for entry in fake.request_log] == [status, status, 201]


def test_reject_number(fake, client):
    fake.reject_number("+8613800000009")
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+8613800000009", from_=FROM, body="x")
    assert (raised.value.status, raised.value.code) == (400, 21211)
    assert "+8613800000009" in raised.value.msg

    fake.reject_number("+8613800000008", code=21614, kind="message")  # a landline
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+8613800000008", from_=FROM, body="x")
    assert raised.value.code == 21614
    client.calls.create(to="+8613800000008", from_=FROM, twiml=TWIML)  # calls still work
    client.messages.create(to=TO, from_=FROM, body="x")
    assert [record.to for record in fake.messages] == [TO]


def test_hang_next_trips_the_client_timeout(fake):
    client = fake.client(timeout=0.5)
    fake.hang_next(1, seconds=5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.messages.create(to=TO, from_=FROM, body="x")
    assert client.messages.create(to=TO, from_=FROM, body="x").status == "queued"


def test_failure_rate(fake, client):
    fake.failure_rate(1.0)
    for _ in range(5):
        with pytest.raises(TwilioRestException) as raised:
            client.messages.create(to=TO, from_=FROM, body="x")
        assert raised.value.status == 503
    fake.failure_rate(0)
    client.messages.create(to=TO, from_=FROM, body="x")

    def outcomes(seed):
        fake.failure_rate(0.5, status=500, seed=seed)
        results = []
        for _ in range(20):
            try:
                client.messages.create(to=TO, from_=FROM, body="x")
                results.append(True)
            except TwilioRestException:
                results.append(False)
        return results

    first = outcomes(7)
    assert first == outcomes(7)
    assert 0 < first.count(False) < 20


def test_fail_next_is_thread_safe(fake, client):
    fake.fail_next(5, status=503)

    def send(_):
        try:
            client.messages.create(to=TO, from_=FROM, body="x")
            return "ok"
        except TwilioRestException:
            return "failed"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(40)))
    assert results.count("failed") == 5
    assert len(fake.messages) == 35
    assert len({record.sid for record in fake.messages}) == 35
    assert fake.requests == 40


def test_send_status_posts_a_signed_message_callback(fake, client, receiver):
    callback = receiver.url("/notifications/sms-status?attempt=1")
    message = client.messages.create(to=TO, from_=FROM, body="x", status_callback=callback)

    assert fake.send_status(message.sid, "delivered") == 204
    assert fake.send_status(message.sid, "undelivered", error_code=30003) == 204
    [(path, delivered, valid), (_, undelivered, valid2)] = receiver.received
    assert path == "/notifications/sms-status?attempt=1"
    assert valid and valid2
    assert delivered == {
        "AccountSid": ACCOUNT_SID,
        "To": TO,
        "From": FROM,
        "ApiVersion": "2010-04-01",
        "MessageSid": message.sid,
        "SmsSid": message.sid,
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
    }
    assert undelivered["MessageStatus"] == "undelivered"
    assert undelivered["ErrorCode"] == "30003"

    fetched = client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", 30003)
    assert fetched.date_sent is not None


def test_send_status_for_a_call_and_with_overrides(fake, client, receiver):
    call = client.calls.create(
        to=TO, from_=FROM, twiml=TWIML, status_callback=receiver.url("/call-status")
    )
    assert fake.send_status(call.sid, "completed", extra={"CallDuration": "42"}) == 204
    [(_, fields, valid)] = receiver.received
    assert valid
    assert fields["CallSid"] == call.sid
    assert fields["CallStatus"] == "completed"
    assert (fields["AccountSid"], fields["To"], fields["From"]) == (ACCOUNT_SID, TO, FROM)
    assert fields["CallDuration"] == "42"
    assert client.calls(call.sid).fetch().status == "completed"

    assert fake.send_status(call.sid, "completed", signature="forged") == 403
    assert receiver.received[-1][2] is False

    assert fake.send_status(call.sid, "busy", url=receiver.url("/elsewhere")) == 204
    assert receiver.received[-1][0] == "/elsewhere"
    assert [entry[4] for entry in fake.callbacks] == [204, 403, 204]


def test_send_status_without_callback_url_needs_url(client, fake):
    message = client.messages.create(to=TO, from_=FROM, body="x")
    with pytest.raises(ValueError, match="StatusCallback"):
        fake.send_status(message.sid, "delivered")


def test_reset(fake, client):
    client.messages.create(to=TO, from_=FROM, body="x")
    fake.fail_next(3)
    fake.reject_number(TO)
    fake.failure_rate(1.0)
    fake.hang_next(1, 5)
    fake.reset()
    assert (fake.messages, fake.requests) == ([], 0)
    client.messages.create(to=TO, from_=FROM, body="x")
    assert len(fake.messages) == 1


def test_start_stop_and_restart():
    fake = FakeTwilio()
    with pytest.raises(RuntimeError):
        fake.base_url  # noqa: B018 -- not started yet
    fake.start()
    client = fake.client(timeout=2)
    client.messages.create(to=TO, from_=FROM, body="x")  # leaves a kept-alive connection
    fake.hang_next(1, seconds=30)
    outcome = []

    def hanging_send():
        try:
            client.messages.create(to=TO, from_=FROM, body="x")
            outcome.append("answered")
        except requests.exceptions.ConnectionError:
            outcome.append("dropped")

    worker = threading.Thread(target=hanging_send)
    worker.start()
    while fake.requests != 2:
        time.sleep(0.01)
    started = time.monotonic()
    fake.stop()  # returns promptly although a request is hanging, and drops it
    worker.join(timeout=5)
    assert time.monotonic() - started < 3
    assert outcome == ["dropped"]
    assert len(fake.messages) == 1
    with pytest.raises(requests.exceptions.ConnectionError):
        client.messages.create(to=TO, from_=FROM, body="x")
    fake.stop()  # a second stop is harmless
    with fake:
        assert fake.client().messages.create(to=TO, from_=FROM, body="x").status == "queued"


def test_account_sid_must_look_real():
    with pytest.raises(ValueError):
        FakeTwilio("ACnot-hex")
