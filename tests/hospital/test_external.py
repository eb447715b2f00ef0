"""A hospital with its own booking system: each booking and cancel is confirmed over HTTP
(against a fake server on 127.0.0.1); a refusal or a network failure writes nothing."""

import datetime
import json
import time
import uuid

import pytest

from portal.acting import Acting
from portal.audit.models import AuditEntry
from services.hospital import api
from services.hospital.models import Appointment, Session, Status
from services.hospital.providers import get_provider
from services.hospital.providers.builtin import BuiltInProvider
from services.hospital.providers.external import ExternalProvider
from tests.hospital.conftest import TUESDAY, book, hospital_system, id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(english):
    pass


@pytest.fixture
def fake(settings):
    with hospital_system(settings, timeout=1) as server:
        yield server


@pytest.fixture
def external(ruijin, internal):
    ruijin.provider = "external"
    ruijin.external_code = "RJ"
    ruijin.save()
    internal.external_code = "NK"
    internal.save()
    return ruijin


def test_each_hospital_may_choose_its_provider(ruijin, settings):
    assert isinstance(get_provider(ruijin), BuiltInProvider)
    ruijin.provider = "external"
    assert isinstance(get_provider(ruijin), ExternalProvider)
    settings.HOSPITAL_PROVIDER = "services.hospital.providers.external.ExternalProvider"
    ruijin.provider = ""
    assert isinstance(get_provider(ruijin), ExternalProvider)
    ruijin.provider = "builtin"
    assert isinstance(get_provider(ruijin), BuiltInProvider)


def test_the_hospital_confirms_the_booking_and_its_id_is_kept(fake, external, patient, monday):
    appointment = book(monday, patient)
    assert appointment.provider == "external"
    (booking_id,) = fake.live_bookings()
    assert appointment.provider_booking_id == booking_id
    sent = fake.bookings[booking_id]
    assert sent["reference"] == appointment.idempotency_key
    assert (sent["hospital"], sent["department"], sent["date"], sent["period"]) == (
        "RJ",
        "NK",
        "2026-11-23",
        "morning",
    )
    assert sent["patient_name"] == "王*华"
    # The hospital knows the patient by the portal's random id, not by the ID number's hash.
    assert sent["patient_id"] == str(api.identity_of(patient).external_id)


def test_the_hospital_gets_the_same_random_id_on_every_booking_and_no_hash_or_number(
    fake, external, patient, monday, make_session, settings
):
    number = id_number("31010519500101123")  # the patient fixture's
    first = book(monday, patient)
    # After a rotation of the hash keys, the id the hospital knows stays the same.
    settings.IDENTITY_HASH_KEYS = [(2, "rotated-identity-key-" + "r" * 20), (1, "x" * 32)]
    api.save_identity(Acting.by_resident(patient), "王小华", number)
    second = book(make_session(TUESDAY), patient)
    sent = [fake.bookings[first.provider_booking_id], fake.bookings[second.provider_booking_id]]
    identity = api.identity_of(patient)
    assert [body["patient_id"] for body in sent] == [str(identity.external_id)] * 2
    assert uuid.UUID(sent[0]["patient_id"]).version == 4
    posted = json.dumps([body for method, _path, body in fake.requests if method == "POST"])
    assert "hash" not in posted
    assert number not in posted
    for stored in {identity.id_number_hash, *api.ids.id_number_hashes(number)}:
        assert stored.split("$")[-1] not in posted


def test_full_at_the_hospital_is_full_here_and_nothing_is_written(fake, external, patient, monday):
    fake.fill("RJ", "NK", "2026-11-23", "morning")
    with pytest.raises(api.SessionFull):
        book(monday, patient)
    monday.refresh_from_db()
    assert monday.booked == 0
    assert not Appointment.objects.exists()
    assert not AuditEntry.objects.filter(action="booked_appointment").exists()


@pytest.mark.parametrize("trouble", ["error", "timeout", "down"])
def test_a_network_failure_refuses_in_plain_words_and_writes_nothing(
    fake, external, patient, monday, trouble
):
    if trouble == "error":
        fake.fail_next(1, status=503)
    elif trouble == "timeout":
        fake.hang_next(1, seconds=2)
    else:
        fake.stop()
    with pytest.raises(api.ProviderUnavailable) as refused:
        book(monday, patient)
    assert "could not reach the hospital's booking system" in str(refused.value)
    assert "Try again" in refused.value.what_instead and "962 200" in refused.value.what_instead
    monday.refresh_from_db()
    assert monday.booked == 0
    assert not Appointment.objects.exists()
    assert not AuditEntry.objects.filter(action="booked_appointment").exists()


def test_a_wrong_key_is_a_failure_too(fake, external, patient, monday, settings):
    settings.HOSPITAL_EXTERNAL_API_KEY = "wrong"
    with pytest.raises(api.ProviderUnavailable):
        book(monday, patient)
    assert not Appointment.objects.exists()


def test_cancel_is_confirmed_by_the_hospital(fake, external, patient, monday):
    appointment = book(monday, patient)
    api.cancel(appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web"))
    assert fake.live_bookings() == {}
    assert ("DELETE", f"/bookings/{appointment.provider_booking_id}", {}) in fake.requests
    monday.refresh_from_db()
    assert monday.booked == 0


def test_cancel_when_the_hospital_cannot_be_reached_changes_nothing(
    fake, external, patient, monday
):
    appointment = book(monday, patient)
    fake.fail_next(1, status=500)
    with pytest.raises(api.ProviderUnavailable):
        api.cancel(
            appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web")
        )
    appointment.refresh_from_db()
    monday.refresh_from_db()
    assert appointment.status == Status.BOOKED and monday.booked == 1
    assert len(fake.live_bookings()) == 1
    # Later it works.
    api.cancel(appointment, acting=Acting.for_resident(appointment.patient, patient, channel="web"))
    assert fake.live_bookings() == {}


def test_sync_makes_and_updates_sessions_from_the_hospital(fake, external, internal, clock):
    fake.add_session("RJ", "NK", "2026-11-23", "morning", capacity=12)
    fake.add_session("RJ", "NK", "2026-11-23", "afternoon", capacity=8, starts_at="14:00")
    provider = ExternalProvider()
    start, end = datetime.date(2026, 11, 20), datetime.date(2026, 11, 27)
    assert provider.sync(internal, start, end) == 2
    assert provider.sync(internal, start, end) == 0
    afternoon = Session.objects.get(department=internal, period="afternoon")
    assert afternoon.capacity == 8 and afternoon.starts_at == datetime.time(14, 0)
    fake.add_session("RJ", "NK", "2026-11-23", "afternoon", capacity=9, starts_at="14:00")
    assert provider.sync(internal, start, end) == 1
    afternoon.refresh_from_db()
    assert afternoon.capacity == 9


def test_trying_again_after_a_lost_answer_books_once_at_the_hospital(
    client, fake, external, patient, monday
):
    """The hospital booked, but its answer came too late: the resident's second press on the
    same answers is the same booking there (the same reference), not a second one."""
    client.force_login(patient)
    client.get("/en/hospital/")
    for path, value in (
        ("choose/hospital/", external.pk),
        ("choose/department/", monday.department.pk),
        ("choose/day/", monday.date.isoformat()),
        ("choose/time/", monday.pk),
    ):
        client.post(f"/en/hospital/{path}", {"choice": value})
    fake.hang_next(1, seconds=2)  # longer than the portal waits (1 second)
    refused = client.post("/en/hospital/confirm/")
    assert "could not reach the hospital" in refused.content.decode().replace("&#x27;", "'")
    assert not Appointment.objects.exists()
    deadline = time.monotonic() + 5
    while not fake.live_bookings() and time.monotonic() < deadline:
        time.sleep(0.05)  # the hospital finishes booking after the portal stopped waiting
    assert len(fake.live_bookings()) == 1

    response = client.post("/en/hospital/confirm/")
    appointment = Appointment.objects.get()
    assert response["Location"] == f"/en/hospital/appointments/{appointment.pk}/"
    (booking_id,) = fake.live_bookings()  # one booking at the hospital, not two
    assert appointment.provider_booking_id == booking_id
