"""An in-process fake of Twilio's REST API on 127.0.0.1, for the real ``twilio`` SDK.

Tests and benchmarks point the official SDK at it through ``LoopbackHttpClient``::

    with FakeTwilio() as fake:
        client = fake.client(timeout=2)
        sms = client.messages.create(to="+8613800000001", from_="+15005550006", body="您好")
        assert fake.messages[0].body == "您好"
        fake.reject_number("+8613800000002", code=21614, kind="message")  # not a mobile
        fake.fail_next(2, status=503)                # the next two creates answer 503
        fake.send_status(sms.sid, "delivered")       # signed POST to the StatusCallback URL

What it serves (form-encoded bodies, HTTP basic auth with the account SID and auth token,
errors in Twilio's JSON shape ``{"code", "message", "more_info", "status"}``):

- ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` and ``.../Calls.json`` -> 201
- ``GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json`` and ``.../Calls/{Sid}.json``
- ``GET  /2010-04-01/Accounts/{AccountSid}/Messages.json`` and ``.../Calls.json`` (one page,
  newest first, ``To``/``From`` filters)

Failure injection (``fail_next``, ``hang_next``, ``failure_rate``, ``reject_number``) applies
to create requests only, after authentication. Order of checks for a create: hang (delays
whatever answer follows), ``fail_next``, ``failure_rate``, parameter validation,
``reject_number``.

Inbound traffic, signed as Twilio signs it (transports from ``fake_caller``: Django's test
client in-process, or HTTP to a live server)::

    sms = InboundSms(DjangoClientTransport(client), to="+862162000000")  # or fake.inbound_sms(..)
    reply = sms.send("+8613800000001", "打车")        # POST /phone/sms/, MessageSid SM...
    assert reply.status == 200 and reply.messages == ["..."]
    sms.resend(reply)                                 # Twilio retrying the same MessageSid

    record = fake.sent_to("+8613800000001", kind="call")[0]   # a call the portal placed
    call = fake.caller(DjangoClientTransport(client)).answer(record)  # the resident picks up
"""

import base64
import binascii
import hmac
import http
import json
import math
import random
import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from ipaddress import ip_address
from urllib.parse import parse_qs, urlsplit, urlunsplit

from requests import Session
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from tests.support.fake_caller import FakeCaller, SignedPoster, parse_twiml, twilio_signature
from tests.support.fake_server import Answer, FakeServer, JsonHandler

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token"


# --------------------------------------------------------------------------------------------
# LoopbackHttpClient: self-contained, so the app can copy it as is.
# --------------------------------------------------------------------------------------------


class LoopbackHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, but every request goes to ``base_url`` instead of twilio.com.

    Only the scheme and host (and an optional path prefix of ``base_url``) change; the path
    and query the SDK built are kept. For a loopback ``base_url`` the HTTP(S)_PROXY
    environment variables are ignored unless ``proxy=`` is given.
    """

    def __init__(self, base_url, timeout=10, **kw):
        super().__init__(timeout=timeout, **kw)
        self.base_url = base_url.rstrip("/")
        self._base = urlsplit(self.base_url)
        if not kw.get("proxy") and _is_loopback(self._base.hostname):
            # requests drops proxy keys whose value is None, env proxies included.
            self.proxy = {"http": None, "https": None, "all": None}

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit(
            (self._base.scheme, self._base.netloc, self._base.path + parts.path, parts.query, "")
        )
        return super().request(method, url, *args, **kwargs)


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ip_address(host or "").is_loopback
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------
# Twilio's wording for the errors the fake produces.
# --------------------------------------------------------------------------------------------

ERROR_MESSAGES = {
    20003: "Authenticate",
    20004: "Method not allowed",
    20404: "The requested resource {path} was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service is unavailable. Please try again",
    21201: "No 'To' number is specified",
    21205: "Url parameter is required.",
    21211: "The 'To' number {to} is not a valid phone number.",
    21213: "No 'From' number is specified",
    21214: "'To' phone number cannot be reached",
    21217: "Phone number does not appear to be valid",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the "
    "'To' number: {to}.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
    "number via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}


def error_body(code, status, **fmt):
    """Twilio's JSON error document."""
    template = ERROR_MESSAGES.get(code)
    if template is None:
        try:
            template = http.HTTPStatus(status).phrase
        except ValueError:
            template = f"Twilio error {code}"
    try:
        message = template.format(**fmt)
    except (KeyError, IndexError):
        message = template
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def default_code(status):
    """The Twilio code that goes with a bare HTTP status: 429 -> 20429, 500 -> 20500 ..."""
    return 20003 if status == 401 else 20000 + status


# --------------------------------------------------------------------------------------------
# Segments: GSM-7 is 160 characters (153 per part), anything else UCS-2, 70 (67 per part).
# --------------------------------------------------------------------------------------------

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def num_segments(body):
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in body):
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in body)
        single, part = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _valid_to(number, kind):
    prefixes = ("whatsapp:", "messenger:") if kind == "message" else ("client:", "sip:")
    if number.startswith(prefixes):
        return True
    return bool(E164.match(number))


def _now():
    return datetime.now(UTC)


def rfc2822(moment):
    return format_datetime(moment)  # "Thu, 24 Aug 2023 05:01:45 +0000", like Twilio


# --------------------------------------------------------------------------------------------
# What the fake accepted.
# --------------------------------------------------------------------------------------------


@dataclass
class Record:
    """One accepted message or call.

    ``params`` is the posted form: a str per field, or a list of str when the field was
    repeated (``StatusCallbackEvent``). ``resource`` is the JSON the API returns for it.
    """

    kind: str  # "message" or "call"
    sid: str
    params: dict
    resource: dict
    callbacks: list = field(default_factory=list)  # (status, url, http_status) sent for it

    @property
    def to(self):
        return self.params.get("To")

    @property
    def from_(self):
        return self.params.get("From")

    @property
    def body(self):
        return self.params.get("Body")

    @property
    def twiml(self):
        return self.params.get("Twiml")

    @property
    def url(self):
        return self.params.get("Url")

    @property
    def status(self):
        return self.resource["status"]

    @property
    def status_callback(self):
        return self.params.get("StatusCallback")


class _Handler(JsonHandler):
    server_version = "FakeTwilio/1.0"

    def extra_headers(self):
        return {"Twilio-Request-Id": "RQ" + uuid.uuid4().hex}

    do_GET = do_POST = do_DELETE = do_PUT = JsonHandler.serve


_ROUTE = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>[^/]+)/(?P<collection>Messages|Calls)"
    r"(?:/(?P<sid>[^/]+))?\.json$"
)
_KINDS = {"Messages": "message", "Calls": "call"}
_PREFIXES = {"message": "SM", "call": "CA"}


def send_through(fake, settings, *, from_number="+14155550100", timeout=1):
    """Point the portal's SMS and voice at ``fake`` with the real Twilio backend (``settings``
    is pytest-django's fixture). Clear ``backend_for``'s cache after the test."""
    from portal.notifications.backends import backend_for

    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.twilio.TwilioBackend"
    )
    settings.TWILIO_ACCOUNT_SID = fake.account_sid
    settings.TWILIO_AUTH_TOKEN = fake.auth_token
    settings.TWILIO_FROM_NUMBER = from_number
    settings.TWILIO_API_BASE_URL = fake.base_url
    settings.TWILIO_TIMEOUT_SECONDS = timeout
    backend_for.cache_clear()


class FakeTwilio(FakeServer):
    """Twilio's Messages and Calls API on ``http://127.0.0.1:<port>``; see the module doc."""

    handler_class = _Handler

    def __init__(self, account_sid=DEFAULT_ACCOUNT_SID, auth_token=DEFAULT_AUTH_TOKEN, latency=0.0):
        if not re.fullmatch(r"AC[0-9a-f]{32}", account_sid):
            raise ValueError(f"account_sid must be 'AC' + 32 hex digits, not {account_sid!r}")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.latency = latency  # seconds added to every API answer (benchmarks)
        super().__init__()
        self._reset_state()

    def client(self, timeout=10, **http_kw):
        """The real ``twilio.rest.Client``, sending to this fake."""
        http_client = LoopbackHttpClient(self.base_url, timeout=timeout, **http_kw)
        return Client(self.account_sid, self.auth_token, http_client=http_client)

    def inbound_sms(self, transport, public_base_url=None, **kw):
        """:class:`InboundSms` signed with this fake's account and auth token."""
        return InboundSms(
            transport,
            auth_token=self.auth_token,
            public_base_url=public_base_url,
            account_sid=self.account_sid,
            **kw,
        )

    def caller(self, transport, public_base_url=None):
        """A ``FakeCaller`` signing with this fake's account and auth token."""
        return FakeCaller(
            transport,
            auth_token=self.auth_token,
            public_base_url=public_base_url,
            account_sid=self.account_sid,
        )

    # -- failure injection -------------------------------------------------------------------

    def fail_next(self, count=1, status=500, code=None):
        """The next ``count`` creates answer ``status`` (code 20000 + status unless given)."""
        code = default_code(status) if code is None else code
        with self._lock:
            self._failures.extend([(status, code)] * count)

    def reject_number(self, number, code=21211, status=400, kind=None):
        """Creates to ``number`` always fail with ``code``; ``kind`` "message"/"call" limits it."""
        if kind not in (None, "message", "call"):
            raise ValueError(f"kind must be None, 'message' or 'call', not {kind!r}")
        with self._lock:
            self._rejected[(number, kind)] = (status, code)

    def hang_next(self, count=1, seconds=5.0):
        """The next ``count`` creates wait ``seconds`` before answering (stop() cuts it short)."""
        with self._lock:
            self._hangs.extend([seconds] * count)

    def failure_rate(self, rate, status=503, seed=None, code=None):
        """Each create fails with probability ``rate`` (0 turns it off)."""
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1, not {rate!r}")
        code = default_code(status) if code is None else code
        with self._lock:
            self._rate = (rate, status, code, random.Random(seed))

    def reset(self):
        """Forget everything: records, counters and injected failures."""
        with self._lock:
            self._reset_state()

    def _reset_state(self):
        self._records = []
        self._by_sid = {}
        self._failures = deque()
        self._hangs = deque()
        self._rejected = {}
        self._rate = None
        self._requests = 0
        self.request_log = []  # (method, path, http_status) of every API request
        self.errors = []  # exceptions raised inside the fake (answered 500); should stay empty
        self.callbacks = []  # (sid, status, url, params, http_status) sent by send_status

    # -- recording ---------------------------------------------------------------------------

    @property
    def messages(self):
        with self._lock:
            return [record for record in self._records if record.kind == "message"]

    @property
    def calls(self):
        with self._lock:
            return [record for record in self._records if record.kind == "call"]

    @property
    def requests(self):
        """How many API requests arrived (all of them: failed, rejected, unauthorised)."""
        with self._lock:
            return self._requests

    def get(self, sid):
        with self._lock:
            return self._by_sid[sid]

    def sent_to(self, number, kind=None):
        """Accepted messages and calls to ``number``, in order (``kind`` filters)."""
        with self._lock:
            return [
                record
                for record in self._records
                if record.to == number and kind in (None, record.kind)
            ]

    # -- status callbacks --------------------------------------------------------------------

    def send_status(
        self, sid, status, error_code=None, *, url=None, signature=None, extra=None, timeout=10
    ):
        """POST a signed status callback for ``sid``; returns the HTTP status that answered.

        Also updates the stored resource, so a later fetch sees ``status``. ``url`` overrides
        the StatusCallback the resource was created with, ``signature`` replaces the computed
        X-Twilio-Signature, ``extra`` adds or overrides form fields (e.g. CallDuration).
        """
        target, params, headers = self.status_callback(
            sid, status, error_code, url=url, signature=signature, extra=extra
        )
        with Session() as session:
            session.trust_env = False
            response = session.post(
                target, data=params, headers=headers, timeout=timeout, allow_redirects=False
            )
        with self._lock:
            self._by_sid[sid].callbacks.append((status, target, response.status_code))
            self.callbacks.append((sid, status, target, params, response.status_code))
        return response.status_code

    def status_callback(
        self, sid, status, error_code=None, *, url=None, signature=None, extra=None
    ):
        """The signed callback :meth:`send_status` POSTs, unsent: ``(url, form, headers)``.

        Updates the stored resource as :meth:`send_status` does.
        """
        with self._lock:
            record = self._by_sid[sid]
            target = url or record.status_callback
            if not target:
                raise ValueError(f"{sid} was created without a StatusCallback; pass url=")
            resource = record.resource
            now = _now()
            resource["status"] = status
            resource["date_updated"] = rfc2822(now)
            common = {
                "AccountSid": self.account_sid,
                "To": resource["to"] or "",
                "From": resource["from"] or "",
                "ApiVersion": API_VERSION,
            }
            if record.kind == "message":
                if error_code is not None:
                    resource["error_code"] = int(error_code)
                if status in ("sent", "delivered") and resource["date_sent"] is None:
                    resource["date_sent"] = rfc2822(now)
                params = {
                    **common,
                    "MessageSid": sid,
                    "SmsSid": sid,
                    "MessageStatus": status,
                    "SmsStatus": status,
                }
                if resource["messaging_service_sid"]:
                    params["MessagingServiceSid"] = resource["messaging_service_sid"]
            else:
                if status in ("in-progress", "ringing") and resource["start_time"] is None:
                    resource["start_time"] = rfc2822(now)
                if status in ("completed", "busy", "failed", "no-answer", "canceled"):
                    resource["end_time"] = rfc2822(now)
                params = {
                    **common,
                    "CallSid": sid,
                    "CallStatus": status,
                    "Direction": "outbound-api",
                    "Called": resource["to"] or "",
                    "Caller": resource["from"] or "",
                    "Timestamp": rfc2822(now),
                    "CallbackSource": "call-progress-events",
                    "SequenceNumber": str(len(record.callbacks)),
                }
            if error_code is not None:
                params["ErrorCode"] = str(error_code)
            params.update(extra or {})
        if signature is None:
            signature = twilio_signature(self.auth_token, target, params)
        return target, params, {"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"}

    # -- the API -----------------------------------------------------------------------------

    def _internal_error(self, error):
        with self._lock:
            self.errors.append(error)
        return Answer(500, error_body(20500, 500))

    def _handle(self, method, raw_path, headers, raw_body):
        parts = urlsplit(raw_path)
        path = parts.path
        with self._lock:
            self._requests += 1
        answer = self._answer(method, path, parts.query, headers, raw_body)
        with self._lock:
            self.request_log.append((method, path, answer.status))
        return answer

    def _answer(self, method, path, query, headers, raw_body):
        self._sleep(self.latency)
        if not self._authorised(headers.get("Authorization", "")):
            return Answer(
                401, error_body(20003, 401), {"WWW-Authenticate": 'Basic realm="Twilio API"'}
            )
        match = _ROUTE.match(path)
        if not match or match["account"] != self.account_sid:
            return Answer(404, error_body(20404, 404, path=path))
        kind = _KINDS[match["collection"]]
        sid = match["sid"]
        if sid is None and method == "POST":
            return self._create(kind, parse_qs(raw_body.decode("utf-8"), keep_blank_values=True))
        if sid is None and method == "GET":
            return self._list(kind, match["collection"], parse_qs(query))
        if sid is not None and method == "GET":
            with self._lock:
                record = self._by_sid.get(sid)
                if record is None or record.kind != kind:
                    return Answer(404, error_body(20404, 404, path=path))
                return Answer(200, json.loads(json.dumps(record.resource)))
        return Answer(405, error_body(20004, 405))

    def _authorised(self, header):
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user.encode(), self.account_sid.encode()) and (
            hmac.compare_digest(password.encode(), self.auth_token.encode())
        )

    def _list(self, kind, collection, query):
        wanted = {name: values[0] for name, values in query.items() if name in ("To", "From")}
        with self._lock:
            found = [
                json.loads(json.dumps(record.resource))
                for record in reversed(self._records)
                if record.kind == kind
                and all(record.params.get(name) == value for name, value in wanted.items())
            ]
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/{collection}.json"
        return Answer(
            200,
            {
                collection.lower(): found,
                "end": max(len(found) - 1, 0),
                "first_page_uri": uri + "?PageSize=50&Page=0",
                "next_page_uri": None,
                "page": 0,
                "page_size": max(len(found), 50),
                "previous_page_uri": None,
                "start": 0,
                "uri": uri,
            },
        )

    def _create(self, kind, form):
        params = {name: values[0] if len(values) == 1 else values for name, values in form.items()}
        with self._lock:
            hang = self._hangs.popleft() if self._hangs else 0
        self._sleep(hang)
        with self._lock:
            if self._failures:
                status, code = self._failures.popleft()
                return Answer(status, error_body(code, status))
            if self._rate is not None:
                rate, status, code, rng = self._rate
                if rng.random() < rate:
                    return Answer(status, error_body(code, status))
        invalid = (self._validate_message if kind == "message" else self._validate_call)(params)
        if invalid:
            return invalid
        to = params["To"]
        with self._lock:
            rejected = self._rejected.get((to, kind)) or self._rejected.get((to, None))
            if rejected:
                status, code = rejected
                return Answer(status, error_body(code, status, to=to))
            sid = _PREFIXES[kind] + uuid.uuid4().hex
            build = self._message_resource if kind == "message" else self._call_resource
            record = Record(kind, sid, params, build(sid, params))
            self._records.append(record)
            self._by_sid[sid] = record
            return Answer(201, json.loads(json.dumps(record.resource)))

    @staticmethod
    def _validate_message(params):
        to = params.get("To")
        if not to:
            return Answer(400, error_body(21604, 400))
        if not _valid_to(to, "message"):
            return Answer(400, error_body(21211, 400, to=to))
        if not (params.get("From") or params.get("MessagingServiceSid")):
            return Answer(400, error_body(21603, 400))
        body = params.get("Body") or ""
        if not (body or params.get("MediaUrl") or params.get("ContentSid")):
            return Answer(400, error_body(21602, 400))
        if len(body) > 1600:
            return Answer(400, error_body(21617, 400))
        return None

    @staticmethod
    def _validate_call(params):
        to = params.get("To")
        if not to:
            return Answer(400, error_body(21201, 400))
        if not _valid_to(to, "call"):
            return Answer(400, error_body(21211, 400, to=to))
        if not params.get("From"):
            return Answer(400, error_body(21213, 400))
        if not (params.get("Url") or params.get("Twiml") or params.get("ApplicationSid")):
            return Answer(400, error_body(21205, 400))
        return None

    def _message_resource(self, sid, params):
        now = rfc2822(_now())
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        body = params.get("Body") or ""
        media = params.get("MediaUrl") or []
        service = params.get("MessagingServiceSid")
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": params.get("From"),
            "messaging_service_sid": service,
            "num_media": str(1 if isinstance(media, str) else len(media)),
            "num_segments": str(num_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            # With only a Messaging Service, Twilio answers "accepted" and picks a sender later.
            "status": "accepted" if service and not params.get("From") else "queued",
            "subresource_uris": {
                "media": f"{uri}/Media.json",
                "feedback": f"{uri}/Feedback.json",
            },
            "to": params["To"],
            "uri": f"{uri}.json",
        }

    def _call_resource(self, sid, params):
        now = rfc2822(_now())
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{sid}"
        return {
            "account_sid": self.account_sid,
            "annotation": None,
            "answered_by": None,
            "api_version": API_VERSION,
            "caller_name": None,
            "date_created": now,
            "date_updated": now,
            "direction": "outbound-api",
            "duration": None,
            "end_time": None,
            "forwarded_from": None,
            "from": params["From"],
            "from_formatted": params["From"],
            "group_sid": None,
            "parent_call_sid": None,
            "phone_number_sid": "PN" + uuid.uuid5(uuid.NAMESPACE_URL, params["From"]).hex,
            "price": None,
            "price_unit": "USD",
            "queue_time": "0",
            "sid": sid,
            "start_time": None,
            "status": "queued",
            "subresource_uris": {
                "notifications": f"{uri}/Notifications.json",
                "recordings": f"{uri}/Recordings.json",
                "payments": f"{uri}/Payments.json",
                "events": f"{uri}/Events.json",
                "siprec": f"{uri}/Siprec.json",
                "streams": f"{uri}/Streams.json",
                "transcriptions": f"{uri}/Transcriptions.json",
                "user_defined_message_subscriptions": (
                    f"{uri}/UserDefinedMessageSubscriptions.json"
                ),
                "user_defined_messages": f"{uri}/UserDefinedMessages.json",
            },
            "to": params["To"],
            "to_formatted": params["To"],
            "trunk_sid": None,
            "uri": f"{uri}.json",
        }


# --------------------------------------------------------------------------------------------
# Inbound SMS: Twilio's Messaging webhook, posted to the portal.
# --------------------------------------------------------------------------------------------


@dataclass
class SmsReply:
    """The portal's answer to one inbound SMS webhook."""

    status: int
    text: str
    message_sid: str
    params: dict  # the form that was posted
    path: str  # where it was posted

    @property
    def messages(self):
        """The texts of the reply's ``<Message>`` verbs ([] for an empty ``<Response/>``)."""
        try:
            root = parse_twiml(self.text)
        except ValueError as error:
            raise AssertionError(f"the SMS reply is not TwiML: {error}: {self.text!r}") from None
        texts = []
        for message in root.iter("Message"):
            body = message.find("Body")
            texts.append("".join((message if body is None else body).itertext()).strip())
        return texts


class InboundSms:
    """A resident texting the portal, delivered as Twilio delivers it: a signed form POST to
    the webhook at ``path``. ``auth_token`` and ``public_base_url`` default to Django's
    settings (see ``fake_caller.SignedPoster``); ``to`` defaults to ``TWILIO_FROM_NUMBER``."""

    def __init__(
        self,
        transport,
        *,
        to=None,
        path="/phone/sms/",
        auth_token=None,
        public_base_url=None,
        account_sid=DEFAULT_ACCOUNT_SID,
    ):
        self.poster = SignedPoster(transport, auth_token, public_base_url)
        self.to = to
        self.path = path
        self.account_sid = account_sid
        self.sent = []  # every SmsReply, in order

    def send(self, from_, body, *, to=None, message_sid=None, path=None, extra=None):
        """POST one inbound SMS; returns an :class:`SmsReply`. Pass ``message_sid`` to reuse
        a MessageSid (Twilio retrying a webhook); ``extra`` adds or overrides form fields."""
        to = to or self.to
        if to is None:
            from django.conf import settings

            to = settings.TWILIO_FROM_NUMBER
        if not to:
            raise ValueError("no 'to' number: pass to= or set TWILIO_FROM_NUMBER")
        sid = message_sid or "SM" + uuid.uuid4().hex
        params = {
            "ToCountry": "CN",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "SmsSid": sid,
            "SmsStatus": "received",
            "Body": body,
            "FromCountry": "CN",
            "To": to,
            "NumSegments": str(num_segments(body)),
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": from_,
            "ApiVersion": API_VERSION,
            **(extra or {}),
        }
        return self.post(params, path=path)

    def resend(self, reply):
        """Twilio retrying the webhook of ``reply``: the same form, MessageSid included."""
        return self.post(dict(reply.params), path=reply.path)

    def post(self, params, *, path=None, signature=None):
        """POST ``params`` as they are (``signature`` replaces the computed one)."""
        path = path or self.path
        status, text, _public = self.poster.post(path, params, signature=signature)
        reply = SmsReply(status, text, params.get("MessageSid", ""), params, path)
        self.sent.append(reply)
        return reply
