"""STOP (退订): a number that opted out gets no more messages from the outbox, except sign-in
codes; START (订阅) undoes it; Twilio's own "opted out" report (21610) is kept the same way."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.notifications import api
from portal.notifications.models import (
    SECRET_MASK,
    Medium,
    Message,
    OptOut,
    Purpose,
    Status,
)

pytestmark = pytest.mark.django_db

NUMBER = "+8613800000001"
OTHER = "+8613800000002"


@pytest.fixture
def send(memory_backend, daytime, django_capture_on_commit_callbacks):
    """``send(...)``: ``api.send`` as a feature calls it, committed; the row, refreshed."""

    def run(number=NUMBER, text="您的出租车到了", purpose=Purpose.TAXI, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            message = api.send(number, "notice", {"text": text}, purpose=purpose, **kwargs)
        message.refresh_from_db()
        return message

    return run


def _code(number=NUMBER):
    return api.send(
        number,
        "sign_in_code",
        {"code": SECRET_MASK},
        purpose=Purpose.SIGN_IN_CODE,
        secret="482913",
        secret_until=timezone.now() + datetime.timedelta(minutes=10),
    )


def test_a_message_to_a_number_that_opted_out_is_kept_cancelled_and_never_sent(
    send, memory_backend
):
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    message = send(urgent=True)
    assert (message.status, message.error_code, message.error_permanent) == (
        Status.CANCELLED,
        "opted_out",
        True,
    )
    assert memory_backend.outbox == []
    assert "不再接收消息" in message.error_in_words()  # in the staff member's language


@pytest.mark.parametrize("purpose", [Purpose.TAXI, Purpose.HOSPITAL, Purpose.REMINDER])
def test_every_kind_of_message_and_medium_is_held_back(send, purpose):
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    assert send(purpose=purpose).error_code == "opted_out"
    assert send(purpose=purpose, medium=Medium.VOICE, text="语音").error_code == "opted_out"


def test_a_sign_in_code_still_goes_to_a_number_that_opted_out(
    memory_backend, daytime, django_capture_on_commit_callbacks
):
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        code = _code()
    code.refresh_from_db()
    assert code.status == Status.SENT
    assert [message.pk for message in memory_backend.outbox] == [code.pk]


def test_other_numbers_still_get_their_messages(send):
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    assert send(OTHER).status == Status.SENT


def test_numbers_are_compared_in_e164(send):
    api.opt_out("138 0000 0001", source=OptOut.Source.SMS)
    assert OptOut.objects.get().phone == NUMBER
    assert api.opted_out("13800000001") and api.opted_out(NUMBER)
    assert send().error_code == "opted_out"


def test_a_held_back_message_does_not_use_up_the_hourly_cap(send, settings):
    settings.NOTIFY_MAX_PER_HOUR = 1
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    send()
    assert send(OTHER).status == Status.SENT


def test_start_undoes_stop(send):
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    assert api.opt_in(NUMBER) is True
    assert not api.opted_out(NUMBER)
    assert send().status == Status.SENT
    assert api.opt_in(NUMBER) is False  # START again changes nothing


def test_stop_twice_keeps_one_row_and_one_audit_entry():
    resident = get_user_model().objects.get(phone=NUMBER)
    acting = Acting.by_resident(resident, Channel.SMS)
    first = api.opt_out(NUMBER, source=OptOut.Source.SMS, acting=acting)
    second = api.opt_out(NUMBER, source=OptOut.Source.SMS, acting=acting)
    assert first.pk == second.pk and OptOut.objects.count() == 1
    entry = AuditEntry.objects.get(resident=resident, action="stopped_messages")
    assert (entry.channel, entry.actor) == ("sms", resident)
    api.opt_in(NUMBER, acting=acting)
    assert AuditEntry.objects.filter(resident=resident, action="restarted_messages").count() == 1


def test_the_resident_reads_that_they_stopped_messages(client):
    resident = get_user_model().objects.get(phone=NUMBER)
    resident.language = "en"
    resident.save(update_fields=["language"])
    api.opt_out(NUMBER, source=OptOut.Source.SMS, acting=Acting.by_resident(resident, "sms"))
    client.force_login(resident)
    html = client.get("/en/my-information/").content.decode()
    assert "You asked for no more messages from the portal by text message" in html


def test_twilios_opted_out_report_is_kept_as_an_opt_out(send):
    message = Message.objects.create(
        medium=Medium.SMS,
        recipient=NUMBER,
        purpose=Purpose.TAXI,
        template="notice",
        language="zh-hans",
        body="车到了",
        status=Status.SENDING,
        provider="twilio",
        provider_id="SM" + "b" * 32,
        not_before=timezone.now(),
    )
    assert api.record_status(message.provider_id, "failed", "21610")
    assert OptOut.objects.get(phone=NUMBER).source == OptOut.Source.PROVIDER
    assert send().error_code == "opted_out"


def test_other_failures_are_not_an_opt_out():
    message = Message.objects.create(
        medium=Medium.SMS,
        recipient=NUMBER,
        purpose=Purpose.TAXI,
        template="notice",
        language="zh-hans",
        body="车到了",
        status=Status.SENDING,
        provider="twilio",
        provider_id="SM" + "c" * 32,
        not_before=timezone.now(),
    )
    api.record_status(message.provider_id, "undelivered", "30003")
    assert not OptOut.objects.exists()


def test_an_administrator_sees_the_opt_outs_read_only(client, staff_login):
    api.opt_out(NUMBER, source=OptOut.Source.SMS)
    staff_login(get_user_model().objects.get(username="admin"))
    html = client.get("/admin/opt_outs/").content.decode()
    assert NUMBER in html
    row = OptOut.objects.get()
    assert client.get(f"/admin/opt_outs/edit/{row.pk}/").status_code in (302, 403, 404)
    assert client.post(f"/admin/opt_outs/delete/{row.pk}/").status_code in (302, 403, 404)
    assert OptOut.objects.filter(pk=row.pk).exists()


def test_a_volunteer_cannot_see_the_opt_outs(client, staff_login, volunteer):
    staff_login(volunteer)
    assert client.get("/admin/opt_outs/").status_code in (302, 403)
