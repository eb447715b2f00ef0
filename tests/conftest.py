"""Shared fixtures: the demo site as test data, and the people who use the portal."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils.translation import trans_real

from content.demo import build_demo


@pytest.fixture(scope="session")
def own_file_caches(tmp_path_factory):
    """Without Redis, the page and session caches are files: this run's own, shared with the
    browser tests' server (it inherits CACHE_DIR), so another run's clearing cannot empty
    them mid-test."""
    from django.conf import settings
    from django.test.signals import setting_changed

    folder = tmp_path_factory.mktemp("cache")
    os.environ["CACHE_DIR"] = str(folder)
    changed = False
    for name in ("pages", "sessions"):
        if settings.CACHES[name]["BACKEND"].endswith("FileBasedCache"):
            settings.CACHES[name]["LOCATION"] = str(folder / name)
            changed = True
    if changed:
        setting_changed.send(sender=None, setting="CACHES", value=settings.CACHES, enter=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, own_file_caches):
    """Every test database starts with the demo site (pages in both languages, roles)."""
    with django_db_blocker.unblock():
        build_demo()
    yield
    with django_db_blocker.unblock():
        _disconnect_worker_threads()


def _disconnect_worker_threads():
    """Celery worker threads keep their own PostgreSQL connections; end them so the
    test database can be dropped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Tasks run in-process, as in the embedded default, even when CI sets a broker;
    tests marked ``real_worker`` go through the broker to a real worker instead."""
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    from portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def taxi_simulation_at_once(settings):
    """The simulated taxi company plays its whole script the moment the order starts.

    Its real timings (a car in tens of seconds, at the door in minutes) are for demos; tests
    that book a taxi test what follows each step, not the waiting. The timings' own tests
    (tests/taxi/test_simulated_timings.py) set them back.
    """
    settings.TAXI_SIMULATION_DELAY_SECONDS = 0
    settings.TAXI_SIMULATION_MINUTE_SECONDS = 0


@pytest.fixture(autouse=True)
def sessions_follow_the_test_clock(settings):
    """Redis times a cached session out by its own clock, which the tests' time travel does
    not move: with Redis, sessions are read from the database alone (without it, the file
    cache reads the moved clock, so the embedded run tests the cached sessions)."""
    if not settings.CACHES["sessions"]["BACKEND"].endswith("FileBasedCache"):
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: sign-in limits, the poller's marks and the
    hourly message counts are the caches', and one test's must not limit the next."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()


@pytest.fixture(autouse=True)
def empty_phones(settings):
    """Each test starts with phones that received nothing; the console phone keeps no file."""
    from portal.notifications.backends import console, memory

    settings.CONSOLE_PHONE_INBOX = ""
    console.received.clear()
    memory.reset()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the residents' default language, whatever the one before left
    active (a request under /en/ activates English for the rest of the thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_site(db):
    """The demo site; rebuilt when a transactional test emptied the tables before."""
    build_demo()


@pytest.fixture
def editor(db):
    return get_user_model().objects.get(username="editor")


@pytest.fixture
def volunteer(db):
    return get_user_model().objects.get(username="volunteer")


@pytest.fixture
def resident(db):
    return get_user_model().objects.get(phone="+8613800000001")


@pytest.fixture
def staff_login(client):
    """Sign a staff member in with password and authenticator, as the admin requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign_in(user):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def neighbour(django_user_model):
    """李先生, a second resident, who must never see 王阿姨's records (nor she his)."""
    return django_user_model.objects.get(phone="+8613800000002")


@pytest.fixture
def counter_staff(django_user_model):
    return django_user_model.objects.get(username="counter")


@pytest.fixture
def supervisor(django_user_model):
    return django_user_model.objects.get(username="supervisor")


@pytest.fixture
def at(time_machine):
    """Stop the clock at a Shanghai wall-clock time: ``at(2026, 11, 20, 9, 0)``."""

    def move(*parts):
        moment = datetime(*parts, tzinfo=SHANGHAI)
        time_machine.move_to(moment, tick=False)
        return moment

    return move


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (dispatch, messages) as if the request had ended:
    ``committed(api.book, ...)``."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def chinese(monkeypatch):
    """Give a msgid a Chinese translation for one test, as the catalogue will once it is added."""
    catalogue = trans_real.translation("zh-hans")._catalog._catalogs[0]

    def translate(msgid, msgstr):
        monkeypatch.setitem(catalogue, msgid, msgstr)

    return translate


@pytest.fixture(autouse=True)
def residents_have_agreed(request):
    """Every resident a test makes has agreed that the portal may keep their taxi and hospital
    data, as the demo residents did at the counter: most tests are about what comes after
    that one question. Tests of the question itself are marked ``not_agreed``."""
    if request.node.get_closest_marker("not_agreed"):
        yield
        return
    from django.db.models.signals import post_save

    from portal.channels import Channel
    from portal.privacy import agreements
    from portal.privacy.models import ProcessingConsent, Purpose

    def agree(sender, instance, created, raw=False, **kwargs):
        # The rows only: their audit entries would crowd the tests that count entries.
        if created and not raw and not instance.is_staff:
            for purpose in Purpose:
                ProcessingConsent.objects.create(
                    resident=instance,
                    purpose=purpose,
                    version=agreements.question(purpose).version,
                    agreed=True,
                    channel=Channel.COUNTER,
                )

    User = get_user_model()
    post_save.connect(agree, sender=User, dispatch_uid="residents_have_agreed")
    yield
    post_save.disconnect(sender=User, dispatch_uid="residents_have_agreed")
