"""Production refuses to start with a weak secret key or a public address without HTTPS, and
says which variable to fix (README: "50 or more random characters", an https:// address)."""

import pytest

from tests.portal.test_env import PRODUCTION, _manage

STRONG_KEY = PRODUCTION["DJANGO_SECRET_KEY"]


def _refused(variable, **changes):
    result = _manage("check", **{**PRODUCTION, **changes})
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]
    return result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Zq8#",  # 20 characters
        STRONG_KEY[:49],  # one short of 50
        "a" * 60,  # long, but hardly random
        "django-insecure-" + STRONG_KEY,  # a development key
    ],
    ids=["short", "49", "one-letter", "insecure-prefix"],
)
def test_a_weak_secret_key_stops_production_naming_the_variable(key):
    assert "50 or more random characters" in _refused("DJANGO_SECRET_KEY", DJANGO_SECRET_KEY=key)


@pytest.mark.parametrize(
    "url",
    ["http://portal.example.cn", None],
    ids=["http", "not-set"],
)
def test_a_public_address_without_https_stops_production_naming_the_variable(url):
    variables = {**PRODUCTION}
    if url is None:
        del variables["PUBLIC_BASE_URL"]  # the default is the development http address
    else:
        variables["PUBLIC_BASE_URL"] = url
    result = _manage("check", **variables)
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL" in result.stderr.strip().splitlines()[-1]


def test_a_key_of_exactly_50_random_characters_and_https_start():
    result = _manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": STRONG_KEY[:50]})
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_still_starts_with_a_short_key_and_http():
    result = _manage("check", DJANGO_SECRET_KEY="dev", PUBLIC_BASE_URL="http://127.0.0.1:8000")
    assert result.returncode == 0, result.stdout + result.stderr
