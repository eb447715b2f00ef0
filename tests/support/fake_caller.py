"""A fake phone caller: walks the TwiML the portal answers, posting what Twilio would post.

Tests read like a call, with no real Twilio::

    caller = FakeCaller(DjangoClientTransport(client))   # token and base URL from settings
    call = caller.dial(from_="+8613800000001", to="+862162000000", path="/phone/voice/")
    assert "欢迎" in call.last_heard         # <Say> text, also when said inside a <Gather>
    call.press("1")                          # posts Digits=1 to the pending <Gather>'s action
    call.say_words("打车", confidence=0.9)   # posts SpeechResult / Confidence
    call.stay_silent()                       # the Gather times out
    assert call.ringing == ["+8613900000000"]
    call.nobody_answered()                   # posts DialCallStatus=no-answer to the Dial action
    assert call.over and call.ended_by == "hangup"

Against a live server (benchmarks), the same with ``HttpTransport("http://127.0.0.1:8000")``
and the server's ``auth_token`` / ``public_base_url``. An outbound call the portal placed
through the fake REST API is picked up with ``caller.answer(fake_twilio.calls[-1])``.

Every request is a form POST signed like Twilio signs it:
``X-Twilio-Signature = RequestValidator(auth_token).compute_signature(public_url, params)``,
where ``public_url`` is ``public_base_url + path_with_query`` (what the portal rebuilds from
``PUBLIC_BASE_URL``). Relative URLs in TwiML are resolved against the document's URL, as
Twilio does. :class:`SignedPoster` (signing + transport) is shared with the inbound SMS
helper in ``fake_twilio.py``.

The walk follows Twilio: ``<Response>`` children in order; ``<Say>``, ``<Play>``, ``<Pause>``
run; ``<Redirect>`` is followed; ``<Gather>``, ``<Dial>`` and ``<Enqueue>`` wait for the
test; ``<Hangup>``/``<Reject>`` or the end of the document end the call. Anything the
portal gets wrong (non-200, not TwiML, an unknown verb, a GET action the POST-only webhooks
would refuse) raises :class:`CallError`, an AssertionError carrying the call's transcript.
"""

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

API_VERSION = "2010-04-01"
FALLBACK_ACCOUNT_SID = "AC" + "0" * 32
MAX_DOCUMENTS = 25  # TwiML documents fetched for one action before a redirect loop is assumed
VERBS_IN_GATHER = {"Say", "Play", "Pause"}


class CallError(AssertionError):
    """The portal answered something Twilio could not use, or the test did an impossible
    step (pressing a key with no Gather pending)."""


def twilio_signature(auth_token, url, params):
    """Twilio's X-Twilio-Signature for a POST of ``params`` to ``url``."""
    return RequestValidator(auth_token).compute_signature(url, params)


def parse_twiml(text):
    """The ``<Response>`` element of a TwiML document; ValueError when it is not TwiML."""
    try:
        root = ET.fromstring(text.strip())  # noqa: S314 -- the portal under test answered it
    except ET.ParseError as error:
        raise ValueError(f"not XML ({error})") from None
    if root.tag != "Response":
        raise ValueError(f"<{root.tag}>, not <Response>")
    return root


def _sid(prefix):
    return prefix + uuid.uuid4().hex


# --------------------------------------------------------------------------------------------
# Transports: post form params to a path, answer (status_code, text).
# --------------------------------------------------------------------------------------------


def path_with_query(url):
    """``/phone/voice/?x=1`` for an absolute URL; a path is returned as is."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class DjangoClientTransport:
    """In-process, through Django's test ``Client`` (form-encoded, like Twilio)."""

    def __init__(self, client):
        self.client = client

    def post(self, path, params, headers):
        response = self.client.post(
            path_with_query(path),
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        return response.status_code, body.decode(response.charset or "utf-8")


class HttpTransport:
    """Over HTTP to a live server at ``base_url`` (one ``requests.Session``; proxies from
    the environment are ignored). Use one transport per thread."""

    def __init__(self, base_url, timeout=10, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.trust_env = False

    def post(self, path, params, headers):
        response = self.session.post(
            self.base_url + path_with_query(path),
            data=params,
            headers={"User-Agent": "TwilioProxy/1.1", **headers},
            timeout=self.timeout,
            allow_redirects=False,
        )
        # requests guesses ISO-8859-1 for text/* without a charset; Twilio reads UTF-8.
        content_type = response.headers.get("Content-Type", "")
        charset = "utf-8"
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        return response.status_code, response.content.decode(charset, errors="replace")

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class SignedPoster:
    """Signs and posts webhooks as Twilio does. ``auth_token`` and ``public_base_url``
    default to Django's ``TWILIO_AUTH_TOKEN`` and ``PUBLIC_BASE_URL``, read at each post."""

    def __init__(self, transport, auth_token=None, public_base_url=None):
        self.transport = transport
        self._auth_token = auth_token
        self._public_base_url = public_base_url

    @property
    def auth_token(self):
        if self._auth_token is not None:
            return self._auth_token
        from django.conf import settings

        return settings.TWILIO_AUTH_TOKEN

    @property
    def public_base_url(self):
        if self._public_base_url is not None:
            return self._public_base_url.rstrip("/")
        from django.conf import settings

        return settings.PUBLIC_BASE_URL.rstrip("/")

    def public_url(self, url, base=None):
        """The absolute URL Twilio would call for ``url`` (a path, a relative URL resolved
        against ``base``, or an absolute URL)."""
        if urlsplit(url).scheme:
            return url
        if url.startswith("/"):
            return self.public_base_url + url
        return urljoin(base or self.public_base_url + "/", url)

    def post(self, url, params, signature=None):
        """POST ``params`` to ``url``; returns ``(status_code, text, public_url)``."""
        public = self.public_url(url)
        base = self.public_base_url
        path = public[len(base) :] if public.startswith(base + "/") else path_with_query(public)
        if signature is None:
            signature = twilio_signature(self.auth_token, public, params)
        status, text = self.transport.post(path, params, {"X-Twilio-Signature": signature})
        return status, text, public


# --------------------------------------------------------------------------------------------
# What the portal's TwiML asks the caller to wait on.
# --------------------------------------------------------------------------------------------


@dataclass
class Said:
    text: str
    voice: str | None
    language: str | None


@dataclass
class Gather:
    action: str  # absolute URL
    method: str
    input: list  # ["dtmf"], ["speech"], ["dtmf", "speech"]
    num_digits: int | None
    finish_on_key: str
    timeout: int
    language: str | None
    action_on_empty_result: bool
    hints: str | None = None


@dataclass
class Dialing:
    numbers: list  # the <Number>/<Client>/<Sip> children (or the Dial's own text)
    queues: list  # <Queue> children
    action: str | None  # absolute URL, or None: the call goes on after the Dial
    method: str
    timeout: int
    caller_id: str | None


@dataclass
class Enqueued:
    name: str
    wait_url: str | None
    action: str | None


def _bool(value):
    return (value or "").strip().lower() == "true"


def _int(value, default):
    return int(value) if value not in (None, "") else default


@dataclass(repr=False)
class Call:
    """One call in progress; made by :meth:`FakeCaller.dial` or :meth:`FakeCaller.answer`."""

    poster: SignedPoster
    params: dict  # CallSid, AccountSid, From, To, ... sent with every request
    spoken: list = field(default_factory=list)  # Said(text, voice, language)
    played: list = field(default_factory=list)  # <Play> URLs
    response_codes: list = field(default_factory=list)
    posts: list = field(default_factory=list)  # (public_url, params) of every request
    log: list = field(default_factory=list)  # a readable transcript
    gather: Gather | None = None
    dialing: Dialing | None = None
    queue: Enqueued | None = None
    over: bool = False
    ended_by: str | None = None  # "hangup", "reject", "end of document", "caller"
    _rest: list = field(default_factory=list)  # verbs after the one waiting, same document
    _document_url: str | None = None
    _mark: int = 0

    def __repr__(self):
        if self.over:
            state = f"over ({self.ended_by})"
        else:
            waiting = self.gather or self.dialing or self.queue
            state = f"waiting on <{type(waiting).__name__}>" if waiting else "in progress"
        return f"<Call {self.params.get('CallSid')} {state}, last heard {self.last_heard!r}>"

    # -- what the caller heard -----------------------------------------------------------

    @property
    def sid(self):
        return self.params["CallSid"]

    @property
    def heard(self):
        return [said.text for said in self.spoken]

    @property
    def last_heard(self):
        return self.spoken[-1].text if self.spoken else None

    @property
    def just_heard(self):
        """What was said since the caller's last action (press, words, silence, dial result)."""
        return [said.text for said in self.spoken[self._mark :]]

    @property
    def voices(self):
        """The distinct (voice, language) attribute pairs of the <Say>s so far."""
        return {(said.voice, said.language) for said in self.spoken}

    @property
    def ringing(self):
        return list(self.dialing.numbers) if self.dialing else []

    def transcript(self):
        return "\n".join(self.log)

    # -- the caller's actions ------------------------------------------------------------

    def press(self, digits):
        """Key presses for the pending Gather. A trailing finishOnKey is not submitted (it
        goes in ``FinishedOnKey``); pressing only that key counts as no input."""
        gather = self._pending_gather("dtmf", f"press {digits!r}")
        digits = str(digits)
        if not digits or any(key not in "0123456789*#" for key in digits):
            raise CallError(f"not keypad digits: {digits!r}")
        extra = {}
        key = gather.finish_on_key
        if key and key in digits:
            digits, extra["FinishedOnKey"] = digits[: digits.index(key)], key
        if gather.num_digits and len(digits) > gather.num_digits:
            raise CallError(
                f"the Gather takes numDigits={gather.num_digits}, the test pressed {digits!r}"
                + self._context()
            )
        self._act(f"caller presses {digits or key}")
        if not digits:
            return self._empty_gather(gather)
        return self._submit(gather, {"Digits": digits, **extra})

    def say_words(self, words, confidence=0.9):
        """Speech for the pending Gather: posts SpeechResult and Confidence."""
        gather = self._pending_gather("speech", f"say {words!r}")
        self._act(f"caller says {words!r}")
        return self._submit(gather, {"SpeechResult": words, "Confidence": str(confidence)})

    def stay_silent(self):
        """The Gather times out: its action is posted without input if actionOnEmptyResult
        is true; otherwise the call goes on with the verbs after the Gather."""
        gather = self._pending_gather(None, "stay silent")
        self._act("caller stays silent")
        return self._empty_gather(gather)

    def answered_by(self, number=None, duration=60):
        """Someone rung by the pending Dial picks up, talks ``duration`` seconds, hangs up."""
        dialing = self._pending_dial(f"answered by {number}")
        if number is not None and number not in dialing.numbers:
            raise CallError(f"{number} is not being rung (ringing: {dialing.numbers})")
        number = number or (dialing.numbers or dialing.queues or [None])[0]
        self._act(f"{number} answers, {duration}s")
        return self._dial_over(
            dialing,
            {
                "DialCallStatus": "completed",
                "DialCallSid": _sid("CA"),
                "DialCallDuration": str(duration),
                "DialBridged": "true",
            },
        )

    def nobody_answered(self, status="no-answer"):
        """The Dial ends unanswered (``status``: "no-answer", "busy", "failed", "canceled")."""
        dialing = self._pending_dial(status)
        self._act(f"dial ends: {status}")
        return self._dial_over(dialing, {"DialCallStatus": status, "DialCallDuration": "0"})

    def hang_up(self, status_callback=None, duration=30):
        """The caller hangs up. With ``status_callback`` (a path or URL), Twilio's final
        status callback (CallStatus=completed) is posted there; its answer is not walked.
        After the portal hung up, only the status callback is posted."""
        if not self.over:
            self._act("caller hangs up")
            self._end("caller")
        if status_callback:
            params = {**self.params, "CallStatus": "completed", "CallDuration": str(duration)}
            self._post(status_callback, params)
        return self

    # -- the walk ------------------------------------------------------------------------

    def start(self, url):
        self._go(url, {})
        return self

    def start_with_twiml(self, twiml):
        self._log("(inline TwiML)")
        self._continue(self._parse(twiml, "inline TwiML"), self.poster.public_url("/"))
        return self

    def _act(self, what):
        self._mark = len(self.spoken)
        self._log(what)

    def _log(self, line):
        self.log.append(line)

    def _context(self):
        return "\n--- the call so far ---\n" + self.transcript()

    def _check_live(self, what):
        if self.over:
            raise CallError(f"cannot {what}: the call is over ({self.ended_by})" + self._context())

    def _pending_gather(self, kind, what):
        self._check_live(what)
        gather = self.gather
        if gather is None:
            raise CallError(f"cannot {what}: no <Gather> is waiting" + self._context())
        if kind and kind not in gather.input:
            raise CallError(
                f"cannot {what}: the <Gather> takes input={' '.join(gather.input)!r}"
                + self._context()
            )
        return gather

    def _pending_dial(self, what):
        self._check_live(what)
        if self.dialing is None:
            raise CallError(f"cannot {what}: no <Dial> is waiting" + self._context())
        return self.dialing

    def _submit(self, gather, extra):
        self.gather = None
        self._check_method(gather.method, "Gather")
        return self._go(gather.action, extra)

    def _empty_gather(self, gather):
        if gather.action_on_empty_result:
            return self._submit(gather, {})
        self.gather = None
        return self._continue(self._rest, self._document_url)

    def _dial_over(self, dialing, extra):
        self.dialing = None
        if dialing.action is None:
            return self._continue(self._rest, self._document_url)
        self._check_method(dialing.method, "Dial")
        return self._go(dialing.action, extra)

    def _check_method(self, method, verb):
        if method.upper() != "POST":
            raise CallError(
                f"<{verb} method={method!r}>: the portal's webhooks only take POST"
                + self._context()
            )

    def _params(self, extra):
        return {**self.params, **extra}

    def _post(self, url, params):
        status, text, public = self.poster.post(url, params)
        self.params["CallStatus"] = "in-progress"
        self.response_codes.append(status)
        self.posts.append((public, params))
        self._log(f"POST {public} -> {status}")
        return status, text, public

    def _go(self, url, extra):
        status, text, public = self._post(url, self._params(extra))
        if status != 200:
            raise CallError(
                f"the portal answered {status} to POST {public}: {text[:500]!r}" + self._context()
            )
        return self._continue(self._parse(text, public), public)

    def _parse(self, text, where):
        try:
            return list(parse_twiml(text))
        except ValueError as error:
            raise CallError(
                f"{where} did not answer TwiML: {error}: {text[:500]!r}" + self._context()
            ) from None

    def _continue(self, verbs, document_url):
        for _ in range(MAX_DOCUMENTS):
            target = self._run(verbs, document_url)
            if target is None:
                return self
            status, text, public = self._post(target, self._params({}))
            if status != 200:
                raise CallError(
                    f"the portal answered {status} to the <Redirect> POST {public}: "
                    f"{text[:500]!r}" + self._context()
                )
            verbs, document_url = self._parse(text, public), public
        raise CallError(f"more than {MAX_DOCUMENTS} <Redirect>s in a row" + self._context())

    def _run(self, verbs, document_url):
        """Runs ``verbs``; stops at a verb that waits. Returns a URL to redirect to, or None."""
        self._document_url = document_url
        verbs = list(verbs)
        while verbs:
            verb = verbs.pop(0)
            tag = verb.tag
            attrs = verb.attrib
            if tag in VERBS_IN_GATHER:
                self._simple(verb)
            elif tag == "Gather":
                for child in verb:
                    if child.tag not in VERBS_IN_GATHER:
                        raise CallError(f"<{child.tag}> inside <Gather>" + self._context())
                    self._simple(child)
                self.gather = Gather(
                    action=self._url(attrs.get("action") or document_url),
                    method=attrs.get("method", "POST"),
                    input=(attrs.get("input") or "dtmf").split(),
                    num_digits=_int(attrs.get("numDigits"), None),
                    finish_on_key=attrs.get("finishOnKey", "#"),
                    timeout=_int(attrs.get("timeout"), 5),
                    language=attrs.get("language"),
                    action_on_empty_result=_bool(attrs.get("actionOnEmptyResult")),
                    hints=attrs.get("hints"),
                )
                self._log(f"  <Gather input={' '.join(self.gather.input)}> waits")
                self._rest = verbs
                return None
            elif tag == "Redirect":
                self._check_method(attrs.get("method", "POST"), "Redirect")
                target = (verb.text or "").strip()
                if not target:
                    raise CallError("<Redirect> without a URL" + self._context())
                self._log(f"  <Redirect> {target}")
                return self._url(target)
            elif tag == "Dial":
                self.dialing = self._dialing(verb)
                self._log(f"  <Dial> rings {self.dialing.numbers or self.dialing.queues}")
                self._rest = verbs
                return None
            elif tag == "Enqueue":
                wait_url = attrs.get("waitUrl")
                action = attrs.get("action")
                self.queue = Enqueued(
                    name=(verb.text or "").strip(),
                    wait_url=self._url(wait_url) if wait_url else None,
                    action=self._url(action) if action else None,
                )
                self._log(f"  <Enqueue> {self.queue.name}")
                self._rest = verbs
                return None
            elif tag in ("Hangup", "Reject"):
                self._log(f"  <{tag}>")
                self._end(tag.lower())
                return None
            else:
                raise CallError(f"the fake caller does not know <{tag}>" + self._context())
        self._end("end of document")
        return None

    def _simple(self, verb):
        if verb.tag == "Say":
            text = "".join(verb.itertext()).strip()
            self.spoken.append(Said(text, verb.get("voice"), verb.get("language")))
            self._log(f"  portal says: {text}")
        elif verb.tag == "Play":
            url = (verb.text or "").strip()
            self.played.append(url)
            self._log(f"  <Play> {url}")
        else:
            self._log(f"  <Pause length={verb.get('length', '1')}>")

    def _dialing(self, verb):
        numbers, queues = [], []
        for child in verb:
            (queues if child.tag == "Queue" else numbers).append((child.text or "").strip())
        if (verb.text or "").strip():
            numbers.append(verb.text.strip())
        action = verb.get("action")
        return Dialing(
            numbers=numbers,
            queues=queues,
            action=self._url(action) if action else None,
            method=verb.get("method", "POST"),
            timeout=_int(verb.get("timeout"), 30),
            caller_id=verb.get("callerId"),
        )

    def _url(self, url):
        return self.poster.public_url(url, self._document_url)

    def _end(self, reason):
        self.over = True
        self.ended_by = reason
        self.gather = self.dialing = None
        self._rest = []
        self._log(f"call over: {reason}")


class FakeCaller:
    """Places (or picks up) calls to the portal; see the module doc."""

    def __init__(self, transport, auth_token=None, public_base_url=None, account_sid=None):
        self.poster = SignedPoster(transport, auth_token, public_base_url)
        self._account_sid = account_sid

    @property
    def account_sid(self):
        if self._account_sid is not None:
            return self._account_sid
        from django.conf import settings

        if not settings.configured:  # a benchmark outside Django
            return FALLBACK_ACCOUNT_SID
        return getattr(settings, "TWILIO_ACCOUNT_SID", None) or FALLBACK_ACCOUNT_SID

    def _call_params(self, sid, from_, to, status, direction):
        return {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": sid,
            "CallStatus": status,
            "Called": to,
            "Caller": from_,
            "Direction": direction,
            "From": from_,
            "To": to,
        }

    def dial(self, from_, to, path="/phone/voice/", extra=None):
        """A resident calls the hotline: posts Twilio's first voice webhook to ``path`` and
        walks the answer. ``extra`` adds form fields (e.g. FromCity)."""
        params = self._call_params(_sid("CA"), from_, to, "ringing", "inbound")
        call = Call(self.poster, {**params, **(extra or {})})
        call._log(f"{from_} dials {to}")
        return call.start(path)

    def answer(self, outbound):
        """The resident picks up a call the portal placed through the REST API: walks its
        ``Twiml``, or posts to its ``Url``. ``outbound`` is a ``fake_twilio.Record`` (or
        anything with ``sid``, ``to``, ``from_``, ``url``, ``twiml`` and ``params``)."""
        params = self._call_params(
            outbound.sid, outbound.from_, outbound.to, "in-progress", "outbound-api"
        )
        call = Call(self.poster, params)
        call._log(f"{outbound.to} picks up a call from {outbound.from_}")
        if outbound.twiml:
            return call.start_with_twiml(outbound.twiml)
        if not outbound.url:
            raise CallError(f"{outbound.sid} has neither Twiml nor Url")
        call._check_method((outbound.params or {}).get("Method", "POST"), "Calls.create")
        return call.start(outbound.url)
