"""Settings come from the environment and a bad value stops the process with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environ(monkeypatch):
    def set_variable(name, value):
        monkeypatch.setenv(name, value)

    return set_variable


def test_a_boolean_accepts_the_usual_spellings(environ):
    environ("FLAG", "Yes")
    assert env.env_bool("FLAG") is True
    environ("FLAG", "0")
    assert env.env_bool("FLAG", default=True) is False


def test_a_boolean_that_is_not_one_names_the_variable(environ):
    environ("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env.env_bool("FLAG")


def test_a_number_below_its_minimum_is_refused(environ):
    environ("SECONDS", "-5")
    with pytest.raises(ImproperlyConfigured, match="SECONDS=-5 must be at least 0"):
        env.env_int("SECONDS", 10, minimum=0)


def test_a_url_with_an_unknown_scheme_is_refused(environ):
    environ("DATABASE_URL", "mysql://root@localhost/portal")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a URL starting with"):
        env.env_url("DATABASE_URL", {"sqlite", "postgres"})


def test_a_list_ignores_blanks(environ):
    environ("ALLOWED_HOSTS", " portal.example.cn , ,www.portal.example.cn")
    assert env.env_list("ALLOWED_HOSTS") == ["portal.example.cn", "www.portal.example.cn"]


def _manage(*args, **variables):
    """Run manage.py in a fresh process with only the given portal variables set."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "REDIS_URL",
            "DJANGO_ENV",
            "DJANGO_SECRET_KEY",
            "ALLOWED_HOSTS",
            "PUBLIC_BASE_URL",
            "DJANGO_DEBUG",
            # `make test` sets it for Playwright; the deploy check rightly refuses it.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    # 55 random characters: production refuses fewer than 50.
    "DJANGO_SECRET_KEY": "x7#k2!pQ9zLm4@vR8wN1sT6yB3cF5hJ0dG-aE_uI+oP^qZ&rY*eW%tX",
    "ALLOWED_HOSTS": "portal.example.cn",
    "PUBLIC_BASE_URL": "https://portal.example.cn",
    # The ID-number hash key, a key of its own: production refuses to start without one.
    "IDENTITY_HASH_KEYS": "1:Vq3mX8rT2nK7pL4wZ9cB6hJ1dF5gS0yA",
}


def test_production_refuses_to_start_without_a_secret_key():
    variables = {**PRODUCTION}
    del variables["DJANGO_SECRET_KEY"]
    result = _manage("check", **variables)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_ENV=production" in result.stderr


def test_a_bad_value_stops_start_up_with_the_variable_named():
    result = _manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV='staging' is not one of: development, production" in result.stderr


def test_production_settings_pass_the_deployment_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def _setting(expression, **variables):
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings');"
        f"django.setup(); from django.conf import settings; print({expression})"
    )
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_embedded_default_uses_sqlite_under_var_eager_celery_and_local_memory():
    assert _setting("settings.DATABASES['default']['NAME']") == str(ROOT / "var/portal.sqlite3")
    assert _setting("settings.CELERY_TASK_ALWAYS_EAGER") == "True"
    assert "LocMemCache" in _setting("settings.CACHES['default']['BACKEND']")


def test_at_scale_the_same_code_uses_postgresql_a_broker_and_redis():
    variables = {
        "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
        "CELERY_BROKER_URL": "redis://cache.internal:6379/1",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }
    assert _setting("settings.DATABASES['default']['ENGINE']", **variables) == (
        "django.db.backends.postgresql"
    )
    assert _setting("settings.CELERY_TASK_ALWAYS_EAGER", **variables) == "False"
    assert "RedisCache" in _setting("settings.CACHES['default']['BACKEND']", **variables)
