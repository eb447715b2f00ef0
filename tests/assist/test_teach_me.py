"""请人教我: from a guide, a signed-in resident asks a person to teach them with one button; a
request for help of the kind "Teach me" opens with the guide noted, and the pages say only
what is true (the desk's hours, who is on duty)."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from assist import api
from assist.models import HelpRequest, Kind, State
from content.models import GuidePage, HelpPage
from portal.accounts.duty import set_on_duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    """A published guide of the demo site, in Chinese."""
    return GuidePage.objects.live().filter(locale__language_code="zh-hans").first()


@pytest.fixture
def english_guide(guide):
    from wagtail.models import Locale

    return guide.get_translation(Locale.objects.get(language_code="en"))


@pytest.fixture
def signed_in(client, resident, at):
    at(2026, 11, 20, 10, 0)  # a Friday morning: the desk is open
    client.force_login(resident)
    return client


def teach_url(guide, prefix="/en"):
    return f"{prefix}/help/teach/?guide={guide.pk}"


def test_the_guide_links_here(client, guide):
    assert guide.teach_me_url() == teach_url(guide, prefix="")
    assert f'href="{teach_url(guide, prefix="")}"' in client.get(guide.url).content.decode()


def test_one_button_opens_one_teach_me_request_noting_the_guide(signed_in, resident, english_guide):
    page = signed_in.get(teach_url(english_guide)).content.decode()
    assert f"You would like to learn: {english_guide.title}." in page
    assert "We will call you on +8613800000001" in page
    assert not HelpRequest.objects.exists()  # looking opens nothing

    response = signed_in.post(teach_url(english_guide))

    help_request = HelpRequest.objects.get(resident=resident)
    assert response["Location"] == f"/en/help/requests/{help_request.pk}/"
    assert (help_request.kind, help_request.channel, help_request.state) == (
        Kind.TEACH_ME,
        "web",
        State.WAITING,
    )
    assert help_request.note == english_guide.title
    assert help_request.about == f"guide:{english_guide.pk}"
    html = signed_in.get(response["Location"]).content.decode()
    assert f"You asked a person to teach you: {english_guide.title}." in html
    # The demo has a volunteer, a counter clerk and a supervisor on duty.
    assert "3 people are on duty now and see your request" in html


def test_with_nobody_on_duty_no_person_is_promised(
    signed_in, resident, guide, volunteer, counter_staff, supervisor
):
    for person in (volunteer, counter_staff, supervisor):
        set_on_duty(person, False)
    response = signed_in.post(teach_url(guide))
    html = signed_in.get(response["Location"]).content.decode()
    assert "Nobody is on duty right now" in html and "on duty now and see" not in html
    assert "If it cannot wait, call 962" in html


def test_out_of_hours_the_page_says_when_the_desk_opens(client, resident, guide, at):
    at(2026, 11, 21, 20, 0)  # a Saturday evening
    client.force_login(resident)
    response = client.post(teach_url(guide))
    html = client.get(response["Location"]).content.decode()
    assert "The help desk is closed now. A person will call you after" in html
    assert "on duty now and see" not in html


def test_signed_out_the_page_asks_to_sign_in_and_come_back(client, guide):
    html = client.get(teach_url(guide)).content.decode()
    back = quote(f"/en/help/teach/?guide={guide.pk}", safe="")
    assert f'href="/en/signin/?next={back}"' in html or f'href="/signin/?next={back}"' in html
    assert "962" in html  # the hotline, for someone who would rather call
    client.post(teach_url(guide))
    assert not HelpRequest.objects.exists()


def test_an_open_request_is_shown_instead_of_opening_another(signed_in, resident, guide):
    current = api.open_request(resident, kind=Kind.CALL_BACK, channel="web")
    page = signed_in.get(teach_url(guide)).content.decode()
    assert "You already have a request for help" in page
    assert f'href="/en/help/requests/{current.pk}/"' in page
    assert "3 people are on duty now and see your request" in page
    signed_in.post(teach_url(guide))
    assert list(HelpRequest.objects.filter(resident=resident)) == [current]


def test_a_held_request_is_said_to_be_in_hand(signed_in, resident, guide, volunteer):
    current = api.open_request(resident, kind=Kind.CALL_BACK, channel="web")
    api.take(current, volunteer)
    page = signed_in.get(teach_url(guide)).content.decode()
    assert "has your request and will call you" in page and "on duty now" not in page


@pytest.mark.parametrize("value", ["", "abc", "999999", "1", "99999999999999999999999"])
def test_a_guide_that_is_not_there_gets_a_clear_error_and_opens_nothing(signed_in, resident, value):
    response = signed_in.post(f"/en/help/teach/?guide={value}")
    assert response.status_code == 404
    assert "We could not find that guide" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_page_that_is_not_a_guide_opens_nothing(signed_in):
    page = HelpPage.objects.live().first()
    assert signed_in.post(f"/en/help/teach/?guide={page.pk}").status_code == 404
    assert not HelpRequest.objects.exists()


def test_an_unpublished_guide_opens_nothing(signed_in, guide):
    guide.unpublish()
    assert signed_in.post(teach_url(guide)).status_code == 404
    assert not HelpRequest.objects.exists()


def test_the_holder_sees_which_guide_on_the_desk(
    client, staff_login, signed_in, resident, volunteer, guide
):
    signed_in.post(teach_url(guide))
    help_request = HelpRequest.objects.get(resident=resident)
    api.take(help_request, volunteer)
    staff_login(volunteer)
    html = client.get(reverse("assist_desk_request", args=[help_request.pk])).content.decode()
    assert "Teach me" in html or "请人教我" in html
    assert f'href="{guide.url}"' in html and guide.title in html
