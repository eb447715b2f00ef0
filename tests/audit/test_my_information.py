"""A resident reads who has seen or acted on their information, and only their own."""

import pytest
from django.urls import reverse

from portal.audit.api import record
from portal.consent.api import grant
from portal.consent.models import GivenVia, Scope

pytestmark = pytest.mark.django_db

PAGE = "/en/my-information/"


def _page(client, user):
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_has_a_name_for_links():
    assert reverse("my_information") == "/my-information/"


def test_a_resident_sees_who_acted_for_them_with_which_permission_newest_first(
    client, resident, volunteer, at
):
    at(2026, 11, 20, 9, 0)
    consent = grant(
        resident,
        Scope.TAXI,
        grantee=volunteer,
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=volunteer,
    )
    at(2026, 11, 25, 10, 3)
    record(resident, "booked_taxi", actor=volunteer, channel="phone", consent=consent)
    html = _page(client, resident)
    assert "<title>Who has seen or used your information - " in html
    booked = html.index(
        "Volunteer 志愿者小张 booked a taxi for you by phone. "
        "You gave permission in person on Nov. 20, 2026."
    )
    recorded = html.index("Volunteer 志愿者小张 recorded your permission")
    assert booked < recorded
    assert 'datetime="2026-11-25T10:03:00+08:00">Nov. 25, 2026, 10:03 a.m.</time>' in html


def test_a_resident_never_sees_another_residents_entries(client, resident, neighbour, volunteer):
    record(resident, "booked_taxi", actor=volunteer, channel="phone")
    record(neighbour, "viewed_health_data", actor=volunteer, channel="volunteer")

    hers = _page(client, resident)
    assert "booked a taxi for you" in hers
    assert "looked at your health information" not in hers

    his = _page(client, neighbour)
    assert "looked at your health information" in his
    assert "booked a taxi for you" not in his


def test_a_resident_with_nothing_recorded_is_told_so(client, resident):
    assert "Nobody has looked at or used your information yet." in _page(client, resident)


def test_the_page_is_shown_in_chinese_by_default(client, resident):
    client.force_login(resident)
    response = client.get("/my-information/")
    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.content.decode()


@pytest.mark.parametrize(
    ("page", "signin"),
    [("/my-information/", "/signin/"), ("/en/my-information/", "/en/signin/")],
)
def test_someone_not_signed_in_is_sent_to_sign_in_first(client, page, signin):
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{signin}?next={page}"


def test_a_long_log_is_split_into_pages_newest_first(client, resident, at):
    for minute in range(51):
        at(2026, 11, 25, 9, minute)
        record(resident, "cancelled_taxi", channel="system", ride=minute)
    first = _page(client, resident)
    assert first.count("cancelled your taxi") == 50
    assert "Page 1 of 2" in first and "Older entries" in first
    second = client.get(PAGE + "?page=2").content.decode()
    assert second.count("cancelled your taxi") == 1
    assert "Nov. 25, 2026, 9 a.m.</time>" in second and "Newer entries" in second
