"""Who sees the supervisor's home, the dashboard's chooser and charts, and the CSV downloads."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from assist.models import HelpRequest, Kind, RequestEvent, State, Topic

pytestmark = pytest.mark.django_db

CSV = "/admin/supervision/{}.csv"


@pytest.fixture
def admin(db):
    return get_user_model().objects.get(username="admin")


def _open(resident, channel, opened):
    request = HelpRequest.objects.create(
        resident=resident,
        kind=Kind.CALL_BACK,
        topic=Topic.OTHER,
        channel=channel,
        street=resident.street,
        opened_at=opened,
        contact_due=opened,
        state=State.WAITING,
    )
    RequestEvent.objects.create(request=request, at=opened, what=RequestEvent.What.OPENED)


@pytest.fixture
def opened(noon, people):
    """Today: five requests in 甲街道 (three by web, two by phone), one in 乙街道 (web)."""
    busy, quiet = people
    for n, channel in enumerate(["web", "web", "web", "phone", "phone"]):
        _open(busy[n], channel, noon)
    _open(quiet, "web", noon)


def _csv(response):
    text = b"".join(response).decode("utf-8-sig") if response.streaming else None
    text = text or response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_supervisors_and_administrators_see_the_panel(client, staff_login, who, request):
    staff_login(request.getfixturevalue(who))
    html = client.get("/admin/").content.decode()
    assert "data-supervision" in html
    assert (
        "<svg" in html and "<table" in html and "<script" not in html.split("data-supervision")[1]
    )
    assert 'name="period"' in html and 'name="area"' in html


@pytest.mark.parametrize("who", ["volunteer", "counter_staff", "editor"])
def test_others_see_nothing_and_may_not_download(client, staff_login, who, request):
    staff_login(request.getfixturevalue(who))
    assert "data-supervision" not in client.get("/admin/").content.decode()
    assert client.get(CSV.format("desk-channels")).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(CSV.format("desk-channels"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_unknown_figure_is_not_found(client, staff_login, supervisor):
    staff_login(supervisor)
    assert client.get(CSV.format("nothing")).status_code == 404


def test_the_csv_has_the_numbers_and_nobody_in_it(
    client, staff_login, supervisor, opened, district, people
):
    staff_login(supervisor)
    response = client.get(
        CSV.format("desk-channels"), {"period": "today", "area": f"d{district.pk}"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = _csv(response)
    assert table[0] == ["figure", "period", "area", "what", "value"]
    assert [row[4] for row in table[1:]] == ["4", "2", "0", "0", "0", "0"]
    assert {row[1] for row in table[1:]} == {"today"} and {row[2] for row in table[1:]} == {
        "测试区"
    }
    text = response.content.decode("utf-8-sig")
    busy, quiet = people
    for person in [*busy, quiet]:
        assert person.phone not in text and person.preferred_name not in text


def test_a_street_with_few_shows_fewer_than_five_on_the_page_and_in_the_csv(
    client, staff_login, supervisor, opened, busy_street, quiet_street
):
    staff_login(supervisor)
    quiet = {"period": "today", "area": f"s{quiet_street.pk}"}
    table = _csv(client.get(CSV.format("desk-channels"), quiet))
    assert [row[4] for row in table[1:]] == ["<5"] * 6
    html = client.get("/admin/", quiet).content.decode()
    assert "&lt;5" in html
    busy = {"period": "today", "area": f"s{busy_street.pk}"}
    contact = _csv(client.get(CSV.format("desk-contact"), busy))
    assert contact[1][4] == "5"  # five requests opened: not fewer than five


def test_the_chooser_keeps_what_was_chosen(
    client, staff_login, supervisor, district, busy_street, noon
):
    staff_login(supervisor)
    html = client.get("/admin/", {"period": "2026-10", "area": f"d{district.pk}"}).content.decode()
    assert '<option value="2026-10" selected>' in html
    assert f'<option value="d{district.pk}" selected>' in html
    assert f"period=2026-10&amp;area=d{district.pk}" in html
