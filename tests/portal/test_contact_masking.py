"""Residents' phone numbers and addresses in the admin: in full for counter staff, who serve
residents; masked for supervisors, who watch the numbers."""

import pytest
from django.utils import timezone

from portal.accounts.contact import masked_address, masked_phone
from portal.notifications.models import Message
from services.taxi.models import Ride

pytestmark = pytest.mark.django_db

PHONE = "+8613800000001"


@pytest.fixture
def message():
    return Message.objects.create(
        recipient=PHONE,
        template="taxi",
        body="您的车到了。",
        purpose="taxi",
        medium="sms",
        not_before=timezone.now(),
    )


def test_the_masks_keep_enough_to_tell_apart_and_not_enough_to_call():
    assert masked_phone(PHONE) == "+86138****0001"
    assert masked_address("静安区愚园路100弄5号") == "静安区愚…"
    assert masked_phone("") == "****" and masked_address("") == ""


def test_a_supervisor_sees_numbers_masked_in_the_message_list_and_details(
    client, staff_login, supervisor, message
):
    staff_login(supervisor)
    listing = client.get("/admin/messages/").content.decode()
    assert "+86138****0001" in listing and PHONE not in listing
    details = client.get(f"/admin/messages/inspect/{message.pk}/").content.decode()
    assert "+86138****0001" in details and PHONE not in details


def test_counter_staff_see_numbers_in_full(client, staff_login, counter_staff, message):
    staff_login(counter_staff)
    assert PHONE in client.get("/admin/messages/").content.decode()


def test_the_taxi_list_masks_phone_and_address_for_a_supervisor(
    client, staff_login, supervisor, counter_staff, resident
):
    Ride.objects.create(
        resident=resident,
        requested_by=resident,
        pickup_address="静安区愚园路100弄5号",
        idempotency_key="mask-test",
        channel="web",
    )
    staff_login(supervisor)
    listing = client.get("/admin/taxi-rides/").content.decode()
    assert "静安区愚…" in listing and "愚园路100弄5号" not in listing
    assert resident.phone not in listing
    staff_login(counter_staff)
    assert "愚园路100弄5号" in client.get("/admin/taxi-rides/").content.decode()
