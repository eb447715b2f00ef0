"""Twilio, through the official SDK: SMS through Messages, calls through Calls with TwiML."""

import os
import re
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from portal.notifications.backends.base import Backend, ProviderError, SendResult

# Twilio error codes a retry cannot fix (https://www.twilio.com/docs/api/errors).
PERMANENT_CODES = {
    "21211": "invalid 'To' number",
    "21214": "'To' number cannot be reached",
    "21217": "phone number does not appear to be valid",
    "21408": "not permitted to send to this region",
    "21610": "recipient has opted out (replied STOP)",
    "21612": "cannot route to this number",
    "21614": "not a mobile number",
    "30003": "handset unreachable",
    "30005": "unknown or inactive number",
    "30006": "landline or unreachable carrier",
    "30007": "message filtered as spam",
}
# Codes that mean "slow down" or "try later" even on a 4xx answer.
TEMPORARY_CODES = {"20429", "30001", "30008", "20500", "20503"}

VOICES = {"zh-hans": ("Polly.Zhiyu", "cmn-CN"), "en": ("Polly.Joanna", "en-US")}


class LoopbackHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to another base URL (a fake Twilio server in tests)."""

    def __init__(self, base_url, timeout=10, **kwargs):
        super().__init__(timeout=timeout, **kwargs)
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def spoken(text):
    """Digits read one by one (``8 2 0 1``), so "8201" is not heard as a large number."""
    return re.sub(r"\d{2,}", lambda match: " ".join(match.group()), text)


def twiml_for(message):
    """Speak the text slowly, twice, with pauses, in the resident's language."""
    voice, language = VOICES.get(message.language, VOICES["zh-hans"])
    response = VoiceResponse()
    response.pause(length=1)
    for repeat in range(2):
        say = response.say(voice=voice, language=language)
        say.prosody(spoken(message.text_to_send()), rate="slow")
        if repeat == 0:
            response.pause(length=2)
    return str(response)


def classify(error):
    """Turn an SDK or network error into a ``ProviderError`` that says if it is permanent."""
    if isinstance(error, TwilioRestException):
        code = str(error.code or "")
        if code in PERMANENT_CODES:
            return ProviderError(PERMANENT_CODES[code], code=code, permanent=True)
        temporary = code in TEMPORARY_CODES or error.status == 429 or error.status >= 500
        return ProviderError(
            str(error.msg)[:200], code=code or error.status, permanent=not temporary
        )
    if isinstance(error, (requests.RequestException, TwilioException, OSError)):
        return ProviderError(f"network: {type(error).__name__}", code="network", permanent=False)
    raise error


def http_client():
    """One HTTP client (one pooled session) for every request of this process.

    The environment's proxy and CA-bundle settings are read once here: requests reads them
    again for every request otherwise, a fifth of the SDK's CPU time per message.
    """
    timeout = settings.TWILIO_TIMEOUT_SECONDS
    base_url = settings.TWILIO_API_BASE_URL
    if base_url:
        client = LoopbackHttpClient(base_url, timeout=timeout)
    else:
        client = TwilioHttpClient(timeout=timeout)
    client.proxy = requests.utils.get_environ_proxies(base_url or "https://api.twilio.com") or None
    environ = os.environ
    client.session.verify = (
        environ.get("REQUESTS_CA_BUNDLE") or environ.get("CURL_CA_BUNDLE") or True
    )
    client.session.trust_env = False
    return client


class TwilioBackend(Backend):
    name = "twilio"

    def __init__(self):
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client()
        )

    def _callback(self, name):
        return settings.PUBLIC_BASE_URL + reverse(name)

    def send_sms(self, message):
        try:
            sent = self.client.messages.create(
                to=message.recipient,
                from_=settings.TWILIO_FROM_NUMBER,
                body=message.text_to_send(),
                status_callback=self._callback("notifications:sms_status"),
            )
        except Exception as error:
            raise classify(error) from error
        return SendResult(self.name, sent.sid, "sent")

    def send_call(self, message):
        try:
            # A call that asks something is led by the portal's webhook; others read the text.
            if message.answer_url:
                what = {"url": message.answer_url}
            else:
                what = {"twiml": twiml_for(message)}
            call = self.client.calls.create(
                to=message.recipient,
                from_=settings.TWILIO_FROM_NUMBER,
                **what,
                status_callback=self._callback("notifications:call_status"),
                status_callback_event=["completed"],
            )
        except Exception as error:
            raise classify(error) from error
        return SendResult(self.name, call.sid, "sent")
