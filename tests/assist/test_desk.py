"""The help desk in the admin: the waiting list shows what and where, not who; the holder sees
who to call, and that look is in the resident's log; actions go through the requests API."""

import pytest
from django.urls import reverse

from assist import api
from assist.models import HelpRequest, Kind, State, Topic
from portal.accounts.duty import set_on_duty
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.models import Consent

pytestmark = pytest.mark.django_db

DESK = "/admin/desk/"


@pytest.fixture
def waiting(resident):
    return api.open_request(
        resident, kind=Kind.CALL_BACK, channel=Channel.WEB, topic=Topic.HOSPITAL
    )


def test_the_waiting_list_says_what_and_where_but_not_who(
    client, staff_login, volunteer, resident, waiting
):
    staff_login(volunteer)
    html = client.get(DESK).content.decode()
    assert f'data-request="{waiting.pk}"' in html
    assert "静安区 静安寺街道" in html
    assert str(resident) not in html and resident.phone not in html
    assert not AuditEntry.objects.filter(resident=resident, action__startswith="viewed_").exists()


def test_off_duty_the_list_is_not_shown_and_going_on_duty_shows_it(
    client, staff_login, volunteer, waiting
):
    set_on_duty(volunteer, False)
    staff_login(volunteer)
    assert f'data-request="{waiting.pk}"' not in client.get(DESK).content.decode()
    client.post(reverse("assist_desk_duty"), {"on_duty": "1"})
    assert f'data-request="{waiting.pk}"' in client.get(DESK).content.decode()


def test_taking_shows_who_to_call_and_the_look_is_audited(
    client, staff_login, volunteer, resident, waiting
):
    staff_login(volunteer)
    response = client.post(reverse("assist_desk_take", args=[waiting.pk]))
    assert response["Location"] == reverse("assist_desk_request", args=[waiting.pk])
    html = client.get(response["Location"]).content.decode()
    assert resident.phone in html and f'href="tel:{resident.phone}"' in html
    look = AuditEntry.objects.get(resident=resident, action="viewed_request")
    assert (look.actor, look.reference) == (volunteer, waiting.reference)


def test_someone_who_does_not_hold_it_sees_no_resident_and_cannot_act(
    client, staff_login, volunteer, counter_staff, resident, waiting
):
    api.take(waiting, volunteer)
    set_on_duty(counter_staff, True)
    staff_login(counter_staff)
    page = reverse("assist_desk_request", args=[waiting.pk])
    assert resident.phone not in client.get(page).content.decode()
    taken = client.post(reverse("assist_desk_take", args=[waiting.pk]))
    assert taken.status_code == 409
    client.post(page, {"action": "close", "outcome": "done"})
    waiting.refresh_from_db()
    assert (waiting.state, waiting.holder) == (State.HELD, volunteer)


def test_the_holder_records_consent_notes_and_closes_from_the_page(
    client, staff_login, volunteer, resident, waiting
):
    api.take(waiting, volunteer)
    staff_login(volunteer)
    page = reverse("assist_desk_request", args=[waiting.pk])
    client.post(page, {"action": "consent", "scope": "hospital", "given_via": "phone_spoken"})
    consent = Consent.objects.get(resident=resident, reference=waiting.reference)
    assert (consent.scope, consent.recorded_by, consent.grantee) == ("hospital", volunteer, None)
    client.post(page, {"action": "note", "note": "约了周一上午"})
    empty_release = client.post(page, {"action": "release", "note": ""})
    assert empty_release.status_code == 200  # a note is required: the form says so
    response = client.post(page, {"action": "close", "outcome": "done", "note": ""})
    assert response["Location"] == DESK
    waiting.refresh_from_db()
    assert (waiting.state, waiting.outcome) == ("closed", "done")
    assert [e.what for e in waiting.events.all()] == [
        "opened",
        "taken",
        "consent",
        "renewed",
        "note",
        "renewed",
        "closed",
    ]


def test_editors_have_no_desk(client, staff_login, editor):
    staff_login(editor)
    response = client.get(DESK)  # Wagtail sends someone without the permission home
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_a_request_is_not_lost_when_the_page_is_sent_twice(client, staff_login, volunteer, waiting):
    staff_login(volunteer)
    client.post(reverse("assist_desk_take", args=[waiting.pk]))
    client.post(reverse("assist_desk_take", args=[waiting.pk]))
    assert HelpRequest.objects.get(pk=waiting.pk).events.filter(what="taken").count() == 1


def test_counter_staff_find_a_walk_in_and_help_them_on_the_spot(
    client, staff_login, counter_staff, resident
):
    set_on_duty(counter_staff, True)
    staff_login(counter_staff)
    html = client.get(reverse("assist_desk_find"), {"phone": "138 0000 0001"}).content.decode()
    assert str(resident) in html
    look = AuditEntry.objects.get(resident=resident, action="viewed_profile")
    assert (look.actor, look.channel) == (counter_staff, "counter")
    response = client.post(reverse("assist_desk_help_here", args=[resident.pk]))
    help_request = HelpRequest.objects.get(resident=resident)
    assert response["Location"] == reverse("assist_desk_request", args=[help_request.pk])
    assert (help_request.kind, help_request.channel, help_request.opened_by) == (
        "walk_in",
        "counter",
        counter_staff,
    )
    assert api.holds(help_request, counter_staff)


def test_an_unknown_number_finds_nobody_and_records_nothing(client, staff_login, volunteer):
    staff_login(volunteer)
    html = client.get(reverse("assist_desk_find"), {"phone": "139 9999 9999"}).content.decode()
    assert "Nobody is registered with this number." in html or "没有人用这个号码登记" in html
    assert not AuditEntry.objects.filter(action="viewed_profile").exists()


def test_the_holder_calls_a_taxi_with_consent_and_the_resident_is_told_who(
    client, staff_login, volunteer, resident, waiting, settings
):
    from portal.notifications.models import Message
    from services.taxi.models import Ride

    settings.TAXI_PROVIDER = "tests.taxi.conftest.QuietProvider"
    resident.home_address = "愚园路 8 号"
    resident.save(update_fields=["home_address"])
    api.take(waiting, volunteer)
    staff_login(volunteer)
    page = reverse("assist_desk_request", args=[waiting.pk])
    refused = client.post(page, {"action": "taxi", "key": "k1"})
    assert refused.status_code == 200 and not Ride.objects.exists()
    client.post(page, {"action": "consent", "scope": "taxi", "given_via": "phone_spoken"})
    client.post(page, {"action": "taxi", "key": "k2"})
    client.post(page, {"action": "taxi", "key": "k2"})  # the same form twice: one taxi
    [ride] = Ride.objects.all()
    assert (ride.reference, ride.requested_by, ride.channel) == (
        waiting.reference,
        volunteer,
        "phone",
    )
    texts = [m.text_to_send() for m in Message.objects.filter(recipient=resident.phone)]
    assert any("服务中心" in text or "service centre" in text for text in texts)  # the taxi's
    [told] = [text for text in texts if str(volunteer) in text]  # once, though sent twice
    assert "愚园路 8 号" in told and "962" in told


def test_the_counter_prints_a_slip_of_what_was_done_without_id_or_phone(
    client, staff_login, counter_staff, resident
):
    set_on_duty(counter_staff, True)
    help_request = api.open_request(resident, kind=Kind.WALK_IN, channel=Channel.COUNTER)
    api.take(help_request, counter_staff)
    api.acted(help_request, counter_staff, lambda: "Hospital visit booked: code 48585113.")
    staff_login(counter_staff)
    slip = reverse("assist_desk_slip", args=[help_request.pk])
    assert slip in client.get(reverse("assist_desk_request", args=[help_request.pk])).text
    api.close(help_request, counter_staff, "done")
    looks = AuditEntry.objects.filter(resident=resident, action="viewed_request")
    looked_before = looks.count()
    html = client.get(slip).content.decode()  # closed, and the one who closed it prints
    assert f"data-slip-number>{help_request.pk}<" in html
    assert "Hospital visit booked: code 48585113." in html and str(counter_staff) in html
    assert resident.phone not in html and "962" in html
    assert looks.count() == looked_before + 1
    assert looks.latest("pk").reference == help_request.reference


def test_nobody_else_prints_the_slip(client, staff_login, volunteer, counter_staff, waiting):
    api.take(waiting, counter_staff)
    staff_login(volunteer)
    refused = client.get(reverse("assist_desk_slip", args=[waiting.pk]))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's refusal


def test_the_waiting_list_comes_alone_for_the_desk_to_refresh_it(
    client, staff_login, volunteer, resident, waiting
):
    staff_login(volunteer)
    page = client.get(DESK).content.decode()
    assert reverse("assist_desk_waiting") in page and "assist/desk.js" in page
    fragment = client.get(reverse("assist_desk_waiting")).content.decode()
    assert f'data-request="{waiting.pk}"' in fragment and 'data-count="1"' in fragment
    assert "<html" not in fragment and resident.phone not in fragment
    api.take(waiting, volunteer)
    fragment = client.get(reverse("assist_desk_waiting")).content.decode()
    assert 'data-count="0"' in fragment


def test_a_call_without_an_answer_is_one_tap_and_counted(client, staff_login, volunteer, waiting):
    api.take(waiting, volunteer)
    staff_login(volunteer)
    page = reverse("assist_desk_request", args=[waiting.pk])
    client.post(page, {"action": "no_answer"})
    html = client.get(page).content.decode()
    assert "已 1 次" in html or "1 so far" in html
    closing = client.post(page, {"action": "close", "outcome": "unreachable"})
    assert closing.status_code == 200 and 'role="alert"' in closing.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == State.HELD


def test_the_holder_sets_straight_to_a_person_with_permission_for_details(
    client, staff_login, volunteer, resident, waiting
):
    api.take(waiting, volunteer)
    staff_login(volunteer)
    page = reverse("assist_desk_request", args=[waiting.pk])
    refused = client.post(page, {"action": "straight", "straight": "on"})
    assert 'role="alert"' in refused.content.decode()
    resident.refresh_from_db()
    assert not resident.phone_straight_to_person
    client.post(page, {"action": "consent", "scope": "details", "given_via": "phone_spoken"})
    client.post(page, {"action": "straight", "straight": "on"})
    resident.refresh_from_db()
    assert resident.phone_straight_to_person
    change = AuditEntry.objects.filter(resident=resident, action="changed_details").latest("pk")
    assert change.actor == volunteer
