"""Secrets come only from the environment: the ID-number hash keys (their own, versioned), and
each configured provider's secret; production refuses to start without them, naming the
variable and never printing a key."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal import env
from portal.secrets import missing_secrets
from tests.portal.test_env import PRODUCTION, _manage

IDENTITY_KEY = PRODUCTION["IDENTITY_HASH_KEYS"].split(":", 1)[1]


def _refused(result, variable):
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and variable in last_line
    return last_line


# -- IDENTITY_HASH_KEYS -------------------------------------------------------------------------


def test_versioned_keys_are_read_newest_first(monkeypatch):
    monkeypatch.setenv("IDENTITY_HASH_KEYS", " 3:new-key , 1:old:key-with-a-colon ")
    assert env.env_versioned_keys("IDENTITY_HASH_KEYS") == [
        (3, "new-key"),
        (1, "old:key-with-a-colon"),
    ]
    monkeypatch.setenv("IDENTITY_HASH_KEYS", "")
    assert env.env_versioned_keys("IDENTITY_HASH_KEYS") == []
    monkeypatch.delenv("IDENTITY_HASH_KEYS")
    assert env.env_versioned_keys("IDENTITY_HASH_KEYS") == []


@pytest.mark.parametrize(
    "value, words",
    [
        ("secret-without-a-version", "item 1 is not <version>:<key>"),
        ("2:new-secret,old-secret", "item 2 is not <version>:<key>"),
        ("two:new-secret", "item 1 is not <version>:<key>"),
        ("2:", "item 1 is not <version>:<key>"),
        ("0:new-secret", "versions start at 1"),
        ("1:old-secret,2:new-secret", "list the newest key first"),
        ("2:new-secret,2:other-secret", "list the newest key first"),
        ("2:new secret", "a key has no spaces"),
    ],
)
def test_a_malformed_key_list_names_the_variable_but_never_a_key(monkeypatch, value, words):
    monkeypatch.setenv("IDENTITY_HASH_KEYS", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env.env_versioned_keys("IDENTITY_HASH_KEYS")
    message = str(refused.value)
    assert message.startswith("IDENTITY_HASH_KEYS") and words in message
    assert "secret" not in message


def test_development_and_tests_have_a_fixed_labelled_key_of_their_own():
    ((version, key),) = settings.IDENTITY_HASH_KEYS
    assert version == 1 and key.startswith("development-only") and key != settings.SECRET_KEY


def test_production_refuses_to_start_without_identity_keys():
    result = _manage("check", **{**PRODUCTION, "IDENTITY_HASH_KEYS": ""})
    assert "IDENTITY_HASH_KEYS is required when DJANGO_ENV=production" in _refused(
        result, "IDENTITY_HASH_KEYS"
    )


@pytest.mark.parametrize(
    "keys",
    [
        "1:short-Zq8#",
        f"2:{IDENTITY_KEY},1:{'a' * 40}",  # an older key that is weak
        "1:development-only-identity-hash-key-never-use-in-production",
        f"1:{PRODUCTION['DJANGO_SECRET_KEY']}",  # DJANGO_SECRET_KEY reused
        "1:not a key",  # malformed
    ],
    ids=["short", "weak-older", "development", "secret-key", "malformed"],
)
def test_production_refuses_weak_or_borrowed_identity_keys_without_printing_them(keys):
    result = _manage("check", **{**PRODUCTION, "IDENTITY_HASH_KEYS": keys})
    _refused(result, "IDENTITY_HASH_KEYS")
    for _version_and_key in keys.split(","):
        key = _version_and_key.split(":", 1)[1]
        assert key not in result.stderr


def test_production_starts_with_a_rotated_key_list():
    keys = f"2:{IDENTITY_KEY[::-1]},{PRODUCTION['IDENTITY_HASH_KEYS']}"
    result = _manage("check", **{**PRODUCTION, "IDENTITY_HASH_KEYS": keys})
    assert result.returncode == 0, result.stdout + result.stderr


# -- Providers' secrets ---------------------------------------------------------------------------

TWILIO = "portal.notifications.backends.twilio.TwilioBackend"
TAXI_HTTP = "services.taxi.providers.http.HttpDispatchProvider"
HOSPITAL_EXTERNAL = "services.hospital.providers.external.ExternalProvider"
DEFAULTS = {
    "SMS_BACKEND": "portal.notifications.backends.console.ConsoleBackend",
    "VOICE_BACKEND": "portal.notifications.backends.console.ConsoleBackend",
    "TAXI_PROVIDER": "services.taxi.providers.simulated.SimulatedProvider",
    "HOSPITAL_PROVIDER": "services.hospital.providers.builtin.BuiltInProvider",
}


def _missing(**config):
    return [variable for variable, _why in missing_secrets({**DEFAULTS, **config})]


def test_the_embedded_default_needs_no_secret():
    assert _missing() == []


def test_twilio_needs_its_account_and_auth_token():
    assert _missing(SMS_BACKEND=TWILIO) == ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]
    assert _missing(VOICE_BACKEND=TWILIO, TWILIO_ACCOUNT_SID="AC123") == ["TWILIO_AUTH_TOKEN"]
    # The phone line's webhooks are checked with the token, whatever sends the texts.
    assert _missing(TWILIO_ACCOUNT_SID="AC123") == ["TWILIO_AUTH_TOKEN"]
    assert _missing(SMS_BACKEND=TWILIO, TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="t") == []


def test_the_taxi_companys_api_needs_its_key_and_webhook_secret():
    both = ["TAXI_HTTP_API_KEY", "TAXI_HTTP_WEBHOOK_SECRET"]
    assert _missing(TAXI_PROVIDER=TAXI_HTTP) == both
    assert _missing(TAXI_HTTP_BASE_URL="https://dispatch.example.cn") == both
    assert _missing(TAXI_PROVIDER=TAXI_HTTP, TAXI_HTTP_API_KEY="k") == both[1:]
    assert (
        _missing(TAXI_PROVIDER=TAXI_HTTP, TAXI_HTTP_API_KEY="k", TAXI_HTTP_WEBHOOK_SECRET="s") == []
    )


def test_a_hospitals_own_system_needs_its_api_key():
    assert _missing(HOSPITAL_PROVIDER=HOSPITAL_EXTERNAL) == ["HOSPITAL_EXTERNAL_API_KEY"]
    assert _missing(HOSPITAL_EXTERNAL_BASE_URL="https://booking.example.cn/api") == [
        "HOSPITAL_EXTERNAL_API_KEY"
    ]
    assert _missing(HOSPITAL_PROVIDER=HOSPITAL_EXTERNAL, HOSPITAL_EXTERNAL_API_KEY="k") == []


def test_no_secret_has_a_default_in_the_code(monkeypatch):
    """With none of them in the environment, every secret is empty."""
    names = ("TWILIO_AUTH_TOKEN", "TAXI_HTTP_API_KEY", "TAXI_HTTP_WEBHOOK_SECRET")
    names += ("HOSPITAL_EXTERNAL_API_KEY", "TWILIO_ACCOUNT_SID")
    for name in names:
        monkeypatch.delenv(name, raising=False)
    code = f"from django.conf import settings; print([getattr(settings, n) for n in {names!r}])"
    result = _manage("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == repr([""] * len(names)), result.stderr


@pytest.mark.parametrize(
    "changes, variable",
    [
        ({"SMS_BACKEND": TWILIO, "TWILIO_ACCOUNT_SID": "AC123"}, "TWILIO_AUTH_TOKEN"),
        ({"TAXI_PROVIDER": TAXI_HTTP, "TAXI_HTTP_API_KEY": "k"}, "TAXI_HTTP_WEBHOOK_SECRET"),
        ({"HOSPITAL_PROVIDER": HOSPITAL_EXTERNAL}, "HOSPITAL_EXTERNAL_API_KEY"),
    ],
    ids=["twilio", "taxi", "hospital"],
)
def test_production_refuses_to_start_when_a_provider_lacks_its_secret(changes, variable):
    emptied = {
        "TWILIO_AUTH_TOKEN": "",
        "TAXI_HTTP_WEBHOOK_SECRET": "",
        "HOSPITAL_EXTERNAL_API_KEY": "",
    }
    result = _manage("check", **{**PRODUCTION, **emptied, **changes})
    assert "Secrets missing for DJANGO_ENV=production" in _refused(result, variable)


def test_development_starts_with_a_provider_and_no_secret():
    result = _manage("check", SMS_BACKEND=TWILIO, TWILIO_AUTH_TOKEN="", TWILIO_ACCOUNT_SID="")
    assert result.returncode == 0, result.stdout + result.stderr
