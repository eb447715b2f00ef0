"""The resident asks for a call back in two taps and reads, honestly, what happens next."""

import pytest

from assist import api
from assist.models import HelpRequest, State
from portal.accounts.duty import set_on_duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, resident, at):
    at(2026, 11, 20, 10, 0)  # a Friday morning: the desk is open
    client.force_login(resident)
    return client


def test_every_ask_a_person_link_leads_to_the_call_back(client):
    home = client.get("/").content.decode()
    assert 'href="/help/"' in home  # the help bar, and the "找人帮忙" tile
    page = client.get("/ask-a-person/").content.decode()
    assert 'href="/help/"' in page  # the editors' page keeps its text and gains the button
    assert 'href="/en/help/"' in client.get("/en/ask-a-person/").content.decode()


def test_signed_out_the_page_says_what_happens_and_asks_to_sign_in(client):
    html = client.get("/help/").content.decode()
    assert 'href="/signin/?next=/help/"' in html
    assert "962" in html  # the hotline, for someone who would rather call
    assert not HelpRequest.objects.exists()


def test_two_taps_open_a_request_and_the_page_says_who_is_on_duty(signed_in, resident):
    assert "We will call you on +8613800000001" in signed_in.get("/en/help/").content.decode()
    response = signed_in.post("/en/help/", {"when": "now"})
    help_request = HelpRequest.objects.get(resident=resident)
    assert response["Location"] == f"/en/help/requests/{help_request.pk}/"
    assert (help_request.kind, help_request.channel, help_request.call_after) == (
        "call_back",
        "web",
        None,
    )
    html = signed_in.get(response["Location"]).content.decode()
    assert "Waiting for a person" in html
    # The demo has a volunteer, a counter clerk and a supervisor on duty.
    assert "3 people are on duty now and see your request" in html


def test_with_nobody_on_duty_the_page_does_not_promise_a_call_soon(
    signed_in, resident, volunteer, counter_staff, supervisor
):
    for person in (volunteer, counter_staff, supervisor):
        set_on_duty(person, False)
    signed_in.post("/en/help/", {"when": "now", "topic": "hospital", "note": "挂号"})
    help_request = HelpRequest.objects.get(resident=resident)
    assert (help_request.topic, help_request.note) == ("hospital", "挂号")
    html = signed_in.get(f"/en/help/requests/{help_request.pk}/").content.decode()
    assert "Nobody is on duty right now" in html and "on duty now and see" not in html
    assert "If it cannot wait, call 962" in html


def test_a_later_call_is_due_after_the_time_chosen(signed_in, resident):
    signed_in.post("/en/help/", {"when": "tomorrow"})
    help_request = HelpRequest.objects.get(resident=resident)
    assert help_request.call_after.isoformat() == "2026-11-21T01:00:00+00:00"  # 9:00 Shanghai
    assert help_request.contact_due.isoformat() == "2026-11-21T01:10:00+00:00"


def test_an_open_request_is_shown_instead_of_opening_another(signed_in, resident):
    signed_in.post("/en/help/", {"when": "now"})
    response = signed_in.get("/en/help/")
    assert response.status_code == 302
    assert HelpRequest.objects.filter(resident=resident).count() == 1


def test_my_requests_say_where_each_is_in_plain_words(signed_in, resident, volunteer):
    first = api.open_request(resident, kind="call_back", channel="web")
    api.take(first, volunteer)
    api.close(first, volunteer, "done")
    second = api.open_request(resident, kind="no_car", channel="system", about="ride:1")
    api.take(second, volunteer)
    html = signed_in.get("/en/help/requests/").content.decode()
    assert "No car came</a>: <strong>A person is helping</strong>" in html
    assert "Call me back</a>: <strong>Closed</strong> (Done)" in html
    page = signed_in.get(f"/en/help/requests/{second.pk}/").content.decode()
    assert "will call you" in page
    assert second.state == State.HELD


def test_nobody_reads_someone_elses_request(client, neighbour, resident):
    help_request = api.open_request(resident, kind="call_back", channel="web")
    client.force_login(neighbour)
    assert client.get(f"/en/help/requests/{help_request.pk}/").status_code == 404


def test_the_resident_reads_what_was_done_for_them_and_by_whom(signed_in, resident, volunteer):
    help_request = api.open_request(resident, kind="call_back", channel="web")
    api.take(help_request, volunteer)
    api.add_note(help_request, volunteer, "她说下周再约")  # the desk's own note stays there
    api.acted(help_request, volunteer, lambda: "Taxi called to 愚园路 8 号 now (ride 7).")
    page = signed_in.get(f"/en/help/requests/{help_request.pk}/").content.decode()
    assert "Taxi called to 愚园路 8 号 now (ride 7). (by 志愿者小张)" in page
    assert "她说下周再约" not in page
