"""Sliding session expiry without a write on every request: residents' 30 days are renewed
at most once a day, staff's 30 idle minutes at most once a minute, so a page that only
reads still works while another process holds SQLite's write lock."""

import sqlite3
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection

pytestmark = pytest.mark.django_db


def _expires(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_is_saved_only_when_it_changed():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_a_residents_thirty_days_are_renewed_at_most_once_a_day(client, resident, at):
    at(2026, 11, 1, 9, 0)
    client.force_login(resident)
    assert client.get("/profile/").status_code == 200
    renewed = _expires(client)
    at(2026, 11, 1, 20, 0)
    assert client.get("/profile/").status_code == 200
    assert _expires(client) == renewed  # the same day: nothing written
    moment = at(2026, 11, 2, 9, 30)
    assert client.get("/profile/").status_code == 200
    assert (_expires(client) - moment).days == 30


def test_a_resident_stays_signed_in_thirty_days_from_their_last_visit(client, resident, at):
    at(2026, 11, 1, 9, 0)
    client.force_login(resident)
    at(2026, 11, 25, 9, 0)  # 24 days on: still in
    assert client.get("/profile/").status_code == 200
    at(2026, 12, 20, 9, 0)  # 25 days after that visit
    assert client.get("/profile/").status_code == 200
    at(2027, 1, 25, 9, 0)  # 36 days unused: out
    assert client.get("/profile/")["Location"].startswith("/signin/")


def test_staff_idle_minutes_are_renewed_at_most_once_a_minute(client, editor, staff_login, at):
    at(2026, 11, 25, 9, 0)
    staff_login(editor)
    assert client.get("/admin/").status_code == 200
    renewed = _expires(client)
    at(2026, 11, 25, 9, 0, 50)
    assert client.get("/admin/").status_code == 200
    assert _expires(client) == renewed
    moment = at(2026, 11, 25, 9, 1, 1)
    assert client.get("/admin/").status_code == 200
    assert (_expires(client) - moment).total_seconds() == 30 * 60


@contextmanager
def _write_lock_held_elsewhere():
    """Another process's write transaction on the test database, as a Celery worker's."""
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def quick_lock_timeout(monkeypatch):
    """Give up on a lock after half a second, not 20, so a failure does not hang the run."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.5)
    connection.close()  # the next query reconnects with the short timeout
    yield
    connection.close()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's database-wide write lock",
)
@pytest.mark.django_db(transaction=True)
def test_read_only_pages_render_while_another_process_holds_the_write_lock(
    demo_site, client, staff_login, django_user_model, quick_lock_timeout
):
    client.force_login(django_user_model.objects.get(phone="+8613800000001"))
    assert client.get("/profile/").status_code == 200  # the first visit renews the session
    with _write_lock_held_elsewhere():
        assert client.get("/profile/").status_code == 200
    staff_login(django_user_model.objects.get(username="editor"))
    assert client.get("/admin/").status_code == 200
    with _write_lock_held_elsewhere():
        assert client.get("/admin/").status_code == 200
