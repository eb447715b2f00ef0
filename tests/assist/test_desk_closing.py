"""Closing an account from the desk: the holder of the resident's request writes down that the
resident asked, in person or on the phone, sees the date, and can keep the account; nobody
else can."""

import re

import pytest
from django.urls import reverse

from assist import api
from assist.models import Kind, RequestEvent, Topic
from portal.accounts import closing
from portal.accounts.duty import set_on_duty
from portal.audit.models import AuditEntry
from portal.audit.sentences import describe
from portal.channels import Channel
from portal.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(resident, volunteer):
    """王阿姨 called the hotline and asked for a person: a request the volunteer holds."""
    request = api.open_request(
        resident, kind=Kind.CALL_BACK, channel=Channel.PHONE, topic=Topic.OTHER
    )
    api.take(request, volunteer)
    return request


def _page(request):
    return reverse("assist_desk_close_account", args=[request.pk])


def test_the_request_page_links_to_closing_for_its_holder(client, staff_login, volunteer, held):
    staff_login(volunteer)
    html = client.get(reverse("assist_desk_request", args=[held.pk])).content.decode()
    assert f'href="{_page(held)}"' in html


def test_the_holder_writes_down_that_the_resident_asked_on_the_phone(
    client, staff_login, volunteer, resident, held
):
    staff_login(volunteer)
    page = client.get(_page(held)).content.decode()
    # The way the request came (a call back) is chosen already.
    assert re.search(r'value="phone"[^>]*checked', page)
    assert not re.search(r'value="in_person"[^>]*checked', page)
    told_before = Message.objects.filter(recipient=resident.phone).count()
    response = client.post(_page(held), {"action": "ask", "how": "phone"})
    assert response.status_code == 302 and response["Location"] == _page(held)
    closure = closing.pending_closure(resident)
    assert (closure.channel, closure.asked_by) == (Channel.PHONE, volunteer)
    entry = AuditEntry.objects.get(resident=resident, action="asked_to_close_account")
    assert (entry.actor, entry.channel, entry.reference) == (
        volunteer,
        Channel.PHONE,
        held.reference,
    )
    assert str(volunteer) in describe(entry)
    assert Message.objects.filter(recipient=resident.phone).count() == told_before + 1
    assert held.events.filter(what=RequestEvent.What.NOTE).exists()
    html = client.get(_page(held)).content.decode()
    assert "data-closing-pending" in html and closing.when_words(closure.closes_at) in html


def test_counter_staff_write_down_a_request_made_in_person(
    client, staff_login, counter_staff, resident
):
    set_on_duty(counter_staff, True)
    request = api.open_request(
        resident, kind=Kind.WALK_IN, channel=Channel.COUNTER, opened_by=counter_staff
    )
    api.take(request, counter_staff)
    staff_login(counter_staff)
    client.post(_page(request), {"action": "ask", "how": "in_person"})
    closure = closing.pending_closure(resident)
    assert (closure.channel, closure.asked_by) == (Channel.COUNTER, counter_staff)


def test_the_holder_keeps_the_account_when_the_resident_changes_their_mind(
    client, staff_login, volunteer, resident, held
):
    staff_login(volunteer)
    client.post(_page(held), {"action": "ask", "how": "phone"})
    closure = closing.pending_closure(resident)
    client.post(_page(held), {"action": "keep"})
    closure.refresh_from_db()
    assert closure.cancelled_at is not None and closing.pending_closure(resident) is None
    kept = AuditEntry.objects.get(resident=resident, action="kept_account")
    assert kept.actor == volunteer


def test_nobody_but_the_holder_can_close_or_keep(
    client, staff_login, volunteer, counter_staff, resident, held
):
    set_on_duty(counter_staff, True)
    staff_login(counter_staff)
    response = client.post(_page(held), {"action": "ask", "how": "phone"})
    assert response["Location"] == reverse("assist_desk_request", args=[held.pk])
    assert closing.pending_closure(resident) is None
    assert resident.phone not in client.get(_page(held), follow=True).content.decode()


def test_a_resident_cannot_open_the_desk_page(client, resident, held):
    client.force_login(resident)
    assert client.get(_page(held)).status_code in (302, 403)
    assert closing.pending_closure(resident) is None
