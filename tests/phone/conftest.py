"""The phone channel's tests post what Twilio posts, signed with a test auth token."""

import pytest
from django.conf import settings
from twilio.request_validator import RequestValidator

AUTH_TOKEN = "test-twilio-auth-token"
HOTLINE = "+862162000000"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = "https://portal.example.cn"
    return settings


def signature(path, params, token=AUTH_TOKEN):
    """Twilio's X-Twilio-Signature for a POST of ``params`` to ``path`` on the portal."""
    return RequestValidator(token).compute_signature(settings.PUBLIC_BASE_URL + path, params)


@pytest.fixture
def signed_post(client):
    """``signed_post(path, {"From": ..., ...})``: a POST as Twilio makes it, signed."""

    def post(path, params, *, token=AUTH_TOKEN):
        params = {key: str(value) for key, value in params.items()}
        return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature(path, params, token))

    return post
