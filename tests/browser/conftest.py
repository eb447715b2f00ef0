"""Browser tests: the portal served by gunicorn, driven by Debian's Chromium.

The tests talk to the server over HTTP only. They must not ask for ``db``,
``transactional_db`` or ``live_server``: those would empty the tables the server
reads. The demo site is (re)built once, committed, in the test database.
"""

import pytest
from playwright.sync_api import sync_playwright

from tests.support.live_portal import launch_chromium, running_portal, test_database_url
from tests.support.phones import SERVER_PHONE_INBOX


def _require_test_database():
    """Refuse to build the demo site in (or serve) the development database.

    pytest-django only creates the test database for the aliases of collected
    tests marked ``django_db``: ``test_demo_site.py`` is, so running this folder
    alone still makes one. The browser tests themselves are not marked, so no test
    transaction holds SQLite's write lock while the server writes.
    """
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    test_name = connection.settings_dict.get("TEST", {}).get("NAME")
    # Set up, NAME is the test database: the explicit TEST NAME (our SQLite file)
    # or Django's "test_" + name (PostgreSQL).
    if name != str(test_name) and not name.startswith("test_"):
        raise RuntimeError(
            f"Django points at {name!r}, not a test database: no collected test is marked "
            "django_db, so none was made."
        )


@pytest.fixture(scope="session")
def portal_url(django_db_setup, django_db_blocker):
    """Base URL of gunicorn serving the demo site from the test database."""
    from content.demo import build_demo

    with django_db_blocker.unblock():
        _require_test_database()
        # Session scoped, so this runs (and commits) before any test's transaction.
        # Idempotent: it brings back what a transactional test emptied before.
        build_demo()
        database_url = test_database_url()
    # Background work runs in the server process at once (even when CI sets a broker,
    # no worker serves this server), and the simulated taxi finds a car straight away.
    # The console backend is the residents' phone: tests read the codes it received.
    server_env = {
        "CELERY_BROKER_URL": "",
        "TAXI_SIMULATION_DELAY_SECONDS": "0",
        "CONSOLE_PHONE_INBOX": str(SERVER_PHONE_INBOX),
        # Every browser test signs in from 127.0.0.1: lift the per-address limits (their
        # own tests are in tests/security).
        "SIGNIN_CODES_PER_CLIENT": "100000",
        "SIGNIN_CODES_PER_SESSION": "100000",
        "SIGNIN_GUESSES_PER_CLIENT": "100000",
    }
    SERVER_PHONE_INBOX.unlink(missing_ok=True)
    with running_portal(database_url, env=server_env) as url:
        yield url
    SERVER_PHONE_INBOX.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def browser(portal_url):
    """One Chromium for the whole session; tests open their own contexts.

    Playwright's sync API keeps an asyncio loop marked as running in this thread
    while it is started, and Django then refuses every ORM call (pytest-django's
    per-test transaction included) as "async unsafe" although nothing runs
    concurrently. The flag that allows it is set for exactly that lifetime. The
    gunicorn subprocess is started before, so it does not inherit the flag.
    """
    from django.db import connections

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
            # While that loop "runs", Django keeps its connections in a separate,
            # context-local set (asgiref.local): close those before Playwright stops,
            # or they stay open and the test database cannot be dropped.
            connections.close_all()
