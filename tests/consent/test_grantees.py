"""Someone who holds no permission is known as such without a query, until one is given
(issue 18: signed-in pages stay cheap; never at the cost of a family member's link)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts import api as accounts
from portal.acting import Acting
from portal.consent.models import Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(db):
    member = get_user_model().objects.create_resident("+8613800000009", preferred_name="王小红")
    member.home_address = "浦东新区世纪大道 1 号"
    member.language = "en"
    member.save(update_fields=["home_address", "language"])
    return member


def _consent_queries(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/taxi/")
    return page, [q for q in queries.captured_queries if "consent_consent" in q["sql"]]


def test_the_taxi_home_asks_nothing_about_permissions_once_known_there_are_none(
    client, daughter, resident
):
    client.force_login(daughter)
    client.get("/en/taxi/")  # the first look finds none and keeps it
    page, queries = _consent_queries(client)
    assert queries == []
    assert f"/en/taxi/family/{resident.pk}/" not in page.content.decode()

    # Her mother lets her call taxis: the very next page offers one for her mother.
    accounts.add_family_member(Acting.by_resident(resident), daughter, [Scope.TAXI])
    page, queries = _consent_queries(client)
    assert queries
    assert f"/en/taxi/family/{resident.pk}/" in page.content.decode()


def test_a_withdrawn_permission_is_gone_from_the_next_page(client, daughter, resident):
    accounts.add_family_member(Acting.by_resident(resident), daughter, [Scope.TAXI])
    client.force_login(daughter)
    assert f"/en/taxi/family/{resident.pk}/" in client.get("/en/taxi/").content.decode()
    accounts.remove_family_member(Acting.by_resident(resident), daughter)
    assert f"/en/taxi/family/{resident.pk}/" not in client.get("/en/taxi/").content.decode()
