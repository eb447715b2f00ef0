"""Retention: each kind of record is kept for its setting's days, then deleted or anonymised by
the one nightly task, in short batches; the audit log gives way to that task alone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal.accounts.models import SignInCode
from portal.audit.api import record
from portal.audit.models import AppendOnlyError, AuditEntry, RetentionRun, delete_expired
from portal.notifications.models import Message
from portal.retention import ANONYMISED, DELETED, FORGETTERS, forget_old_records, schedule
from services.hospital.models import Appointment, Department, Hospital, Session
from services.taxi.models import Ride, RideEvent

pytestmark = pytest.mark.django_db

# The records are made years before the demo data, so the demo's rows are never due here.
START = (2023, 3, 1, 10, 0)


def _ride(resident, status, key):
    ride = Ride.objects.create(
        resident=resident,
        requested_by=resident,
        pickup_address="幸福路1号",
        destination="瑞金医院",
        channel="web",
        status=status,
        car_plate="沪A12345",
        driver_phone="+8613900000000",
        idempotency_key=key,
    )
    RideEvent.objects.create(ride=ride, provider="sim", event_id=f"{key}-1", kind=status)
    return ride


def _message(status, body="您的车到了"):
    from django.utils import timezone

    return Message.objects.create(
        medium="sms",
        recipient="+8613800000001",
        purpose="taxi",
        template="taxi.arrived",
        language="zh-hans",
        body=body,
        not_before=timezone.now(),
        status=status,
    )


def _exists(record):
    return type(record)._base_manager.filter(pk=record.pk).exists()


def _last_run():
    return RetentionRun.objects.order_by("-pk").first()


def test_the_schedule_is_the_settings(settings):
    kinds = {entry["name"]: entry for entry in schedule()}
    assert {"rides", "messages", "audit entries", "help requests", "appointments"} <= set(kinds)
    assert set(kinds) == set(FORGETTERS)
    assert (kinds["rides"]["days"], kinds["rides"]["action"]) == (365, DELETED)
    assert (kinds["messages"]["days"], kinds["messages"]["action"]) == (180, DELETED)
    assert (kinds["audit entries"]["days"], kinds["audit entries"]["action"]) == (1095, DELETED)
    assert kinds["help requests"]["action"] == ANONYMISED
    assert kinds["help requests"]["days"] == settings.ASSIST_KEEP_DAYS

    settings.KEEP_RIDES_DAYS = 30
    settings.KEEP_AUDIT_DAYS = 2000
    settings.ASSIST_KEEP_DAYS = 90
    kinds = {entry["name"]: entry for entry in schedule()}
    assert kinds["rides"]["days"] == 30
    assert kinds["audit entries"]["days"] == 2000
    assert kinds["help requests"]["days"] == 90


def test_the_schedule_speaks_the_readers_language():
    with translation.override("en"):
        rides = next(entry for entry in schedule() if entry["name"] == "rides")
        assert (str(rides["label"]), str(rides["what_happens"])) == ("taxi rides", "deleted")


def test_finished_rides_go_with_their_events_a_year_on_live_ones_never(resident, at):
    at(*START)
    old = _ride(resident, "done", "old")
    live = _ride(resident, "looking", "live")
    at(2023, 3, 1, 10, 2)
    young = _ride(resident, "cancelled", "young")

    at(2024, 2, 29, 10, 1)  # 365 days and a minute after the first, a minute short for the third
    counts = forget_old_records()

    assert counts["rides"] == 2  # the ride and its event
    assert not _exists(old)
    assert not RideEvent.objects.filter(event_id="old-1").exists()
    assert _exists(live) and _exists(young)
    assert RideEvent.objects.filter(event_id__in=["live-1", "young-1"]).count() == 2
    run = _last_run()
    assert run.counts["rides"]["by_model"] == {"taxi.Ride": 1, "taxi.RideEvent": 1}
    assert run.finished_at is not None and run.failed == []


def test_sent_and_failed_messages_go_after_180_days_queued_ones_never(at):
    at(*START)
    gone = [_message(status) for status in ("sent", "delivered", "failed", "cancelled")]
    waiting = [_message("queued"), _message("sending")]
    at(2023, 3, 1, 10, 2)
    young = _message("delivered")

    at(2023, 8, 28, 10, 1)  # 180 days and a minute after START
    assert forget_old_records()["messages"] == 4
    assert not any(_exists(message) for message in gone)
    assert all(_exists(message) for message in [*waiting, young])


def test_closed_requests_notes_are_blanked_in_batches(resident, volunteer, at, settings):
    from assist import api
    from assist.models import HelpRequest, Kind
    from portal.channels import Channel

    settings.RETENTION_BATCH = 2
    at(*START)
    requests = []
    for number in range(3):
        request = api.open_request(
            resident, kind=Kind.CALL_BACK, channel=Channel.WEB, note=f"腿脚不便 {number}"
        )
        api.take(request, volunteer)
        api.close(request, volunteer, "done", "办好了")
        requests.append(request)

    at(2023, 8, 28, 10, 1)  # 180 days and a minute after closing
    assert forget_old_records()["help requests"] == 3
    assert set(
        HelpRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list("note", flat=True)
    ) == {""}
    run = _last_run()
    assert run.counts["help requests"]["action"] == ANONYMISED
    assert run.counts["help requests"]["batches"] == 2


def test_audit_entries_go_after_three_years_through_the_retention_task_only(
    resident, volunteer, at
):
    at(*START)
    old = record(resident, "viewed_profile", actor=volunteer, channel="volunteer")
    at(2023, 3, 1, 10, 2)
    young = record(resident, "viewed_profile", actor=volunteer, channel="volunteer")

    at(2026, 2, 28, 10, 1)  # 1095 days and a minute after the first
    # Everything but the retention task is still refused.
    with pytest.raises(AppendOnlyError):
        old.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=old.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=old.pk).update(action="booked_taxi")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=old.pk)._raw_delete(connection.alias)
    # The sanctioned path removes no entry younger than the keep time, whatever it is given.
    assert delete_expired([young.pk], datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)) == 0

    assert forget_old_records()["audit entries"] == 1
    assert not _exists(old)
    assert _exists(young)
    counts = _last_run().counts["audit entries"]
    assert (counts["rows"], counts["action"], counts["days"]) == (1, DELETED, 1095)


def test_five_rows_go_in_three_short_batches(at, settings):
    settings.RETENTION_BATCH = 2
    at(*START)
    messages = [_message("delivered") for _ in range(5)]
    at(2024, 1, 1, 10, 0)
    table = Message._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        assert forget_old_records()["messages"] == 5
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE") and table in q["sql"]]
    assert len(deletes) == 3
    assert not any(_exists(message) for message in messages)
    counts = _last_run().counts["messages"]
    assert (counts["rows"], counts["batches"]) == (5, 3)


def test_old_appointments_go_a_year_after_the_visit_live_ones_never(resident, neighbour, at):
    at(*START)
    hospital = Hospital.objects.create(name="基准医院", district="黄浦区", address="某路1号")
    department = Department.objects.create(hospital=hospital, name="内科")
    session = Session.objects.create(
        department=department,
        date=datetime.date(2023, 3, 2),
        period="morning",
        starts_at=datetime.time(8),
        ends_at=datetime.time(12),
        capacity=10,
    )

    def appointment(patient, status, code):
        return Appointment.objects.create(
            session=session,
            patient=patient,
            booked_by=patient,
            patient_name_masked="王*",
            patient_id_masked="3101**********1234",
            status=status,
            code=code,
            idempotency_key=code,
            channel="web",
        )

    seen = appointment(resident, "completed", "R0001")
    booked = appointment(neighbour, "booked", "R0002")

    at(2024, 3, 1, 9, 0)  # 365 days after the visit: not yet
    assert forget_old_records()["appointments"] == 0
    at(2024, 3, 2, 9, 0)
    assert forget_old_records()["appointments"] == 1
    assert not _exists(seen) and _exists(booked)


def test_sign_in_code_records_go_after_a_day(at):
    at(*START)
    old = SignInCode.objects.create(
        phone="+8613800000001",
        sent_to="+8613800000001",
        attempt="a1",
        valid_until=datetime.datetime(2023, 3, 1, 3, 0, tzinfo=datetime.UTC),
    )
    at(2023, 3, 2, 9, 0)
    young = SignInCode.objects.create(
        phone="+8613800000001",
        sent_to="+8613800000001",
        attempt="a2",
        valid_until=datetime.datetime(2023, 3, 2, 3, 0, tzinfo=datetime.UTC),
    )
    at(2023, 3, 2, 10, 1)
    assert forget_old_records()["sign-in codes"] == 1
    assert not _exists(old) and _exists(young)


def test_a_failing_kind_is_recorded_and_the_others_still_run(at, monkeypatch):
    import dataclasses

    def broken(cutoff, batches):
        raise RuntimeError("no")

    monkeypatch.setitem(
        FORGETTERS, "rides", dataclasses.replace(FORGETTERS["rides"], forget=broken)
    )
    at(*START)
    message = _message("sent")
    at(2024, 1, 1, 10, 0)
    counts = forget_old_records()
    assert "rides" not in counts
    assert counts["messages"] == 1 and not _exists(message)
    assert _last_run().failed == ["rides"]
