"""Other choices for a taxi: one question a page, check your answers, one confirm books one ride."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext

from portal.accounts.models import SavedPlace
from portal.audit.models import AuditEntry
from services.taxi import api
from services.taxi.flow import SESSION_KEY
from services.taxi.models import Ride
from tests.taxi.conftest import HOME
from tests.taxi.helpers import book

pytestmark = pytest.mark.django_db

CHOOSE = "/en/taxi/choose/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TEN_AM = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def signed_in(client, at_home):
    client.force_login(at_home)
    return client


@pytest.fixture
def clinic(at_home):
    return SavedPlace.objects.create(
        resident=at_home, label="Clinic", address="乌鲁木齐中路12号", landmark="North gate"
    )


@pytest.fixture
def ten_am(time_machine):
    time_machine.move_to(TEN_AM, tick=False)
    return time_machine


def _answer_all(client, *, pickup="home", destination=None, when="now", time="", notes=""):
    """Walk the four questions from the start page's link; return the check page's HTML."""
    assert client.get(CHOOSE)["Location"] == CHOOSE + "from/"
    assert client.post(CHOOSE + "from/", {"pickup": pickup})["Location"] == CHOOSE + "to/"
    to = {"skip": "1"} if destination is None else {"destination": destination}
    assert client.post(CHOOSE + "to/", to)["Location"] == CHOOSE + "when/"
    answer = client.post(CHOOSE + "when/", {"when": when, "time": time})
    assert answer["Location"] == CHOOSE + "notes/"
    assert client.post(CHOOSE + "notes/", {"notes": notes})["Location"] == CHOOSE + "check/"
    return client.get(CHOOSE + "check/").content.decode()


def _key(html):
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def _confirm(client, html):
    return client.post(CHOOSE + "check/", {"key": _key(html)})


def _main(html):
    return html.split('<main id="main"')[1].split("</main>")[0]


def test_the_start_page_links_to_other_choices_and_keeps_one_button(signed_in):
    html = _main(signed_in.get("/en/taxi/").content.decode())
    assert html.count('type="submit"') == 1
    assert (
        'href="/en/taxi/choose/">Other choices: another place, a destination or a later time'
        in (html)
    )


def test_each_page_asks_one_question_with_a_back_link(signed_in, clinic):
    signed_in.get(CHOOSE)
    pages = {
        "from": ("Where should the taxi pick you up?", "/en/taxi/"),
        "to": ("Where are you going?", CHOOSE + "from/"),
        "when": ("When should the taxi come?", CHOOSE + "to/"),
        "notes": ("Anything the driver should know?", CHOOSE + "when/"),
    }
    answers = {"from": {"pickup": "home"}, "to": {"skip": "1"}, "when": {"when": "now"}}
    for number, (step, (question, back)) in enumerate(pages.items(), start=1):
        html = _main(signed_in.get(f"{CHOOSE}{step}/").content.decode())
        assert html.count("<h1") == 1 and question in html
        assert f"Question {number} of 4" in html
        assert f'<p><a href="{back}">Back</a></p>' in html
        assert html.count("<form") == 1
        if step in answers:
            signed_in.post(f"{CHOOSE}{step}/", answers[step])
    pickup = _main(signed_in.get(CHOOSE + "from/").content.decode())
    assert f"Home: {HOME}" in pickup and "Clinic: 乌鲁木齐中路12号" in pickup
    assert re.findall(r'name="pickup" value="([^"]+)"', pickup) == ["home", f"place-{clinic.pk}"]
    to = _main(signed_in.get(CHOOSE + "to/").content.decode())
    assert 'name="skip"' in to and "No destination, the driver will ask" in to
    when = _main(signed_in.get(CHOOSE + "when/").content.decode())
    offered = re.findall(r'name="when" value="([^"]+)"', when)
    assert offered == ["now", "30", "60", "120", "180", "240", "later"]
    assert "In 30 minutes" in when and "In 1 hour" in when and "In 2 hours" in when
    assert 'name="time"' in when


def test_the_help_bar_is_on_every_page_and_nothing_reloads_by_itself(signed_in):
    html = _answer_all(signed_in)
    for step in ("from/", "to/", "when/", "notes/", "check/"):
        page = signed_in.get(CHOOSE + step).content.decode()
        assert 'id="help-bar"' in page and 'http-equiv="refresh"' not in page
        assert "<script" not in _main(page)
    assert "Check your answers" in html


def test_a_saved_place_destination_later_time_and_notes_end_up_on_the_ride(
    signed_in, at_home, clinic, ten_am, quiet
):
    html = _answer_all(
        signed_in,
        pickup=f"place-{clinic.pk}",
        destination="华山医院",
        when="later",
        time="13:30",
        notes="Walks slowly, please wait at the door.",
    )
    assert "Clinic: 乌鲁木齐中路12号 (North gate)" in html
    assert "华山医院" in html and "Today at 13:30" in html
    response = _confirm(signed_in, html)
    ride = Ride.objects.get(resident=at_home)
    assert response["Location"] == f"/en/taxi/rides/{ride.pk}/"
    assert ride.pickup_address == "乌鲁木齐中路12号" and ride.pickup_note == "North gate"
    assert ride.destination == "华山医院"
    assert ride.pickup_at == datetime(2026, 11, 25, 13, 30, tzinfo=SHANGHAI)
    assert ride.driver_notes == "Walks slowly, please wait at the door."
    assert AuditEntry.objects.filter(resident=at_home, action="booked_taxi").count() == 1
    assert SESSION_KEY not in signed_in.session  # the answers went with the booking


def test_in_one_hour_counts_from_the_confirm(signed_in, at_home, ten_am, quiet):
    html = _answer_all(signed_in, when="60", destination="")
    assert "In 1 hour, at about 11:00" in html and "No destination: tell the driver" in html
    ten_am.shift(timedelta(minutes=4))
    _confirm(signed_in, html)
    ride = Ride.objects.get(resident=at_home)
    assert ride.pickup_at == TEN_AM + timedelta(minutes=64)
    assert ride.pickup_address == HOME and ride.destination == ""


def test_a_time_after_midnight_is_tomorrow(signed_in, at_home, time_machine, quiet):
    time_machine.move_to(datetime(2026, 11, 25, 22, 0, tzinfo=SHANGHAI), tick=False)
    html = _answer_all(signed_in, when="later", time="1点30")
    assert "Tomorrow at 01:30" in html
    _confirm(signed_in, html)
    assert Ride.objects.get(resident=at_home).pickup_at == datetime(
        2026, 11, 26, 1, 30, tzinfo=SHANGHAI
    )


def test_a_time_typed_without_ticking_another_time_is_that_time(signed_in, ten_am):
    _answer_all(signed_in)
    response = signed_in.post(CHOOSE + "when/?change=1", {"time": "11：15"})
    assert response["Location"] == CHOOSE + "check/"
    assert "Today at 11:15" in signed_in.get(CHOOSE + "check/").content.decode()


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("from", {}, "Choose where the taxi should pick you up."),
        ("from", {"pickup": "place-99999"}, "That place is no longer saved."),
        ("to", {"destination": "x" * 201}, "Keep the address under 200 characters."),
        ("when", {}, "Choose when the taxi should come."),
        ("when", {"when": "later", "time": ""}, "Enter the time, for example 14:30."),
        ("when", {"when": "later", "time": "25:00"}, "Enter the time as hours and minutes"),
        ("when", {"when": "later", "time": "half past"}, "Enter the time as hours and minutes"),
        ("when", {"when": "999"}, "Select a valid choice."),
        ("notes", {"notes": "x" * 301}, "Keep the notes under 300 characters."),
    ],
)
def test_a_bad_answer_shows_an_error_and_changes_nothing(signed_in, ten_am, step, data, message):
    _answer_all(signed_in, destination="华山医院", when="30", notes="Ring twice")
    before = dict(signed_in.session[SESSION_KEY])
    response = signed_in.post(f"{CHOOSE}{step}/?change=1", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and 'class="error-summary"' in html
    assert message in html
    assert signed_in.session[SESSION_KEY] == before
    assert not Ride.objects.exists()


def test_errors_are_in_chinese_on_the_chinese_pages(client, at_home, ten_am):
    client.force_login(at_home)
    client.get("/taxi/choose/")
    client.post("/taxi/choose/from/", {"pickup": "home"})
    client.post("/taxi/choose/to/", {"skip": "1"})
    html = client.post("/taxi/choose/when/", {"when": "later", "time": "25:00"}).content.decode()
    with translation.override("zh-hans"):
        title = translation.gettext("Error")
        words = translation.gettext("Enter the time as hours and minutes, for example 14:30.")
    assert title == "错误" and f"<title>{title}: " in html
    assert words in html


def test_the_flows_words_are_in_the_chinese_catalogue():
    with translation.override("zh-hans"):
        for msgid in (
            "Other choices: another place, a destination or a later time",
            "Choose when the taxi should come.",
            "Another time, today or tomorrow",
            "Check your answers",
            "Call the taxi",
        ):
            words = gettext(msgid)
            assert re.search(r"[\u4e00-\u9fff]", words), msgid
            assert re.findall(r"%\(\w+\)s", words) == re.findall(r"%\(\w+\)s", msgid)


def test_change_links_go_back_to_the_check_page(signed_in, clinic):
    html = _answer_all(signed_in)
    for step in ("from", "to", "when", "notes"):
        assert f'href="{CHOOSE}{step}/?change=1"' in html
    page = signed_in.get(CHOOSE + "from/?change=1").content.decode()
    assert f'<p><a href="{CHOOSE}check/">Back</a></p>' in page
    assert f'action="{CHOOSE}from/?change=1"' in page
    response = signed_in.post(CHOOSE + "from/?change=1", {"pickup": f"place-{clinic.pk}"})
    assert response["Location"] == CHOOSE + "check/"
    response = signed_in.post(CHOOSE + "to/?change=1", {"destination": "人民广场"})
    assert response["Location"] == CHOOSE + "check/"
    html = signed_in.get(CHOOSE + "check/").content.decode()
    assert "Clinic: 乌鲁木齐中路12号" in html and "人民广场" in html


def test_a_double_confirm_books_one_ride(signed_in, at_home, quiet, committed):
    html = _answer_all(signed_in, destination="人民广场")
    first = committed(_confirm, signed_in, html)
    second = committed(_confirm, signed_in, html)
    assert first["Location"] == second["Location"]
    assert Ride.objects.filter(resident=at_home).count() == 1
    assert len(quiet.created) == 1


def test_with_a_ride_on_its_way_the_choices_go_to_that_ride(signed_in, at_home, quiet):
    ride = book(at_home)
    for step in ("", "from/", "to/", "when/", "notes/", "check/"):
        assert signed_in.get(CHOOSE + step)["Location"] == f"/en/taxi/rides/{ride.pk}/"


def test_a_ride_booked_meanwhile_is_where_the_confirm_goes(signed_in, at_home, quiet):
    html = _answer_all(signed_in, destination="人民广场")
    by_phone = book(at_home, channel="phone")
    assert _confirm(signed_in, html)["Location"] == f"/en/taxi/rides/{by_phone.pk}/"
    assert Ride.objects.filter(resident=at_home).count() == 1


def test_a_refusal_shows_on_the_check_page_and_writes_nothing(signed_in, ten_am, quiet):
    html = _answer_all(signed_in, when="later", time="10:20")
    ten_am.shift(timedelta(minutes=40))  # the resident left the page open too long
    response = _confirm(signed_in, html)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert "That time has passed. Choose now or a later time." in page
    assert f'href="{CHOOSE}when/?change=1"' in page
    assert not Ride.objects.exists() and not AuditEntry.objects.filter(action="booked_taxi")
    assert signed_in.session[SESSION_KEY]["when"] == "later"  # the answers are kept


def test_the_profile_needs_are_offered_as_notes_and_can_be_cleared(signed_in, at_home, quiet):
    at_home.needs_wheelchair = True
    at_home.save(update_fields=["needs_wheelchair"])
    needs = api.notes_from_needs(at_home)
    signed_in.get(CHOOSE)
    signed_in.post(CHOOSE + "from/", {"pickup": "home"})
    signed_in.post(CHOOSE + "to/", {"skip": "1"})
    signed_in.post(CHOOSE + "when/", {"when": "now"})
    page = signed_in.get(CHOOSE + "notes/").content.decode()
    assert needs and f">\n{needs}</textarea>" in page
    assert "We wrote in what your profile says you need." in page
    signed_in.post(CHOOSE + "notes/", {"notes": needs})
    html = signed_in.get(CHOOSE + "check/").content.decode()
    _confirm(signed_in, html)
    assert Ride.objects.get(resident=at_home).driver_notes == needs
    Ride.objects.update(status="cancelled")
    _confirm(signed_in, _answer_all(signed_in, notes=""))
    assert Ride.objects.filter(resident=at_home).latest("pk").driver_notes == ""


def test_questions_are_asked_in_order(signed_in):
    signed_in.get(CHOOSE)
    assert signed_in.get(CHOOSE + "check/")["Location"] == CHOOSE + "from/"
    assert signed_in.get(CHOOSE + "when/")["Location"] == CHOOSE + "from/"
    signed_in.post(CHOOSE + "from/", {"pickup": "home"})
    assert signed_in.get(CHOOSE + "notes/")["Location"] == CHOOSE + "to/"


def test_a_saved_place_removed_meanwhile_is_asked_again(signed_in, clinic):
    _answer_all(signed_in, pickup=f"place-{clinic.pk}")
    clinic.delete()
    assert signed_in.get(CHOOSE + "check/")["Location"] == CHOOSE + "from/"
    assert not Ride.objects.exists()


def test_the_start_link_begins_a_new_visit_with_a_new_key(signed_in):
    first = _key(_answer_all(signed_in, destination="人民广场"))
    html = _answer_all(signed_in)
    assert _key(html) != first and "人民广场" not in html


def test_a_check_page_from_an_older_visit_books_nothing(signed_in, quiet):
    old = _answer_all(signed_in, destination="人民广场")
    _answer_all(signed_in, destination="外滩")
    response = _confirm(signed_in, old)
    assert response.status_code == 200 and "外滩" in response.content.decode()
    assert not Ride.objects.exists()


def test_without_a_home_address_asks_once_then_continues_to_the_choices(client, resident):
    resident.home_address = ""
    resident.save(update_fields=["home_address"])
    client.force_login(resident)
    assert client.get("/taxi/choose/")["Location"] == "/taxi/home/?next=/taxi/choose/"
    response = client.post("/taxi/home/?next=/taxi/choose/", {"home_address": "华山路 1 号"})
    assert response["Location"] == "/taxi/choose/from/"
    assert "华山路 1 号" in client.get("/taxi/choose/from/").content.decode()
    # Anything else after the address goes back to the tap.
    assert (
        client.post("/taxi/home/?next=https://evil.example/", {"home_address": "x"})["Location"]
        == "/taxi/"
    )


def test_a_time_passed_today_means_tomorrow_and_now_reads_now(client, at_home, ten_am):
    client.force_login(at_home)
    client.get("/taxi/choose/")
    client.post("/taxi/choose/from/", {"pickup": "home"})
    client.post("/taxi/choose/to/", {"skip": "1"})
    when_page = client.get("/taxi/choose/when/").content.decode()
    assert "现在" in when_page and "当前情况" not in when_page
    client.post("/taxi/choose/when/", {"when": "later", "time": "09:00"})
    assert SESSION_KEY in client.session
    html = client.post("/taxi/choose/notes/", {"notes": ""}, follow=True).content.decode()
    assert "明天" in html and "09:00" in html
