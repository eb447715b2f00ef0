"""Signed-in residents are read from the session cache, and never stale (issue 18, item 2).

A resident's user and their yes to a data question are kept in the shared cache so a signed-in
page needs no query for them; any change, on any channel, is seen on the next page.
"""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts import api as accounts_api
from portal.accounts import closing, resident_backend
from portal.acting import Acting
from portal.channels import Channel
from portal.notifications.backends import backend_for
from portal.privacy import agreements
from portal.privacy.models import Purpose
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def codes_in_memory(settings):
    settings.SMS_BACKEND = "portal.notifications.backends.memory.MemoryBackend"
    settings.SIGNIN_THROTTLE_FACTOR = 0
    backend_for.cache_clear()
    cache.clear()
    caches["sessions"].clear()
    yield
    backend_for.cache_clear()


def _sign_in(client, resident):

    resident.home_address = "愚园路 100 号"
    resident.last_login = timezone.now()  # not a first sign-in: no welcome questions
    resident.save(update_fields=["home_address", "last_login"])
    client.post("/signin/", {"phone": resident.phone})
    client.post("/signin/code/", {"code": code_sent_to(resident.phone)})
    assert client.session[BACKEND_SESSION_KEY] == resident_backend.PATH


def _user_queries(queries):
    """The session check's query: the signed-in user's row by its id."""
    row = 'FROM "accounts_user" WHERE "accounts_user"."id" ='
    return [q["sql"] for q in queries if row in q["sql"]]


def test_a_signed_in_page_reads_no_user_row_and_sees_a_change_at_once(client, resident):
    _sign_in(client, resident)
    client.get("/taxi/")  # the first page keeps the user
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/taxi/")
    assert "愚园路 100 号" in page.content.decode()
    assert _user_queries(queries.captured_queries) == []

    # Counter staff change the address for her: the next page shows the new one.
    accounts_api.change_details(Acting.by_resident(resident), home_address="华山路 1 号")
    assert "华山路 1 号" in client.get("/taxi/").content.decode()


def test_a_closed_account_is_signed_out_on_the_next_page(client, resident, committed):
    _sign_in(client, resident)
    assert client.get("/taxi/").status_code == 200  # her user is kept now
    closure = closing.ask_to_close(resident, Acting.by_resident(resident))
    committed(closing.close_account, closure, timezone.now())
    assert client.get("/taxi/")["Location"].startswith("/signin/")


def test_staff_are_never_kept(volunteer):
    assert resident_backend.ResidentBackend().get_user(volunteer.pk) == volunteer
    assert caches["sessions"].get(f"resident:{volunteer.pk}") is None


def test_a_yes_withdrawn_at_the_counter_is_asked_again_on_the_next_page(
    client, resident, committed
):
    _sign_in(client, resident)
    assert client.get("/taxi/").status_code == 200  # agreed: the kept yes
    with CaptureQueriesContext(connection) as queries:
        client.get("/taxi/")
    assert not [q for q in queries.captured_queries if "privacy_processingconsent" in q["sql"]]

    committed(agreements.withdraw, resident, Purpose.TAXI, channel=Channel.COUNTER)
    asked = client.get("/taxi/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/privacy/agree/taxi/")
