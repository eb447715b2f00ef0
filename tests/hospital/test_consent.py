"""Booking for someone else: only with their hospital consent, and always written down."""

import pytest
from django.contrib.auth import get_user_model

from portal.accounts import api as accounts
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.consent import api as consent_api
from portal.consent.models import GivenVia, Scope
from services.hospital import api
from services.hospital.models import Appointment, Status
from tests.hospital.conftest import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def daughter(db):
    return get_user_model().objects.create_resident("+8613800000009", preferred_name="王小红")


def test_a_stranger_cannot_book_nor_check_nor_cancel_for_the_patient(
    patient, other_patient, monday
):
    with pytest.raises(api.ConsentRequired):
        api.check_booking(monday, Acting.for_resident(patient, other_patient, channel="web"))
    with pytest.raises(api.ConsentRequired):
        book(monday, patient, by=other_patient)
    monday.refresh_from_db()
    assert monday.booked == 0
    assert not Appointment.objects.exists()
    assert not AuditEntry.objects.filter(resident=patient, action="booked_appointment").exists()

    appointment = book(monday, patient)
    with pytest.raises(api.ConsentRequired):
        api.cancel(
            appointment,
            acting=Acting.for_resident(appointment.patient, other_patient, channel="web"),
        )
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_a_family_proxy_books_with_the_consent_recorded(patient, daughter, monday, committed):
    consents = accounts.add_family_member(Acting.by_resident(patient), daughter, [Scope.HOSPITAL])
    api.check_booking(monday, Acting.for_resident(patient, daughter, channel="web"))
    appointment = committed(book, monday, patient, by=daughter)
    assert appointment.patient == patient and appointment.booked_by == daughter
    assert appointment.consent == consents[0]
    entry = AuditEntry.objects.get(resident=patient, action="booked_appointment")
    assert entry.actor == daughter and entry.consent == consents[0]
    assert entry.actor_role == "family"
    # The patient gets the confirmation; the daughter who booked gets a copy.
    from portal.notifications.models import Message, Purpose

    recipients = set(
        Message.objects.filter(purpose=Purpose.HOSPITAL).values_list("recipient", flat=True)
    )
    assert recipients == {patient.phone, daughter.phone}

    cancelled = api.cancel(
        appointment, acting=Acting.for_resident(appointment.patient, daughter, channel="web")
    )
    assert cancelled.status == Status.CANCELLED
    entry = AuditEntry.objects.get(resident=patient, action="cancelled_appointment")
    assert entry.actor == daughter and entry.consent == consents[0]


def test_a_proxy_for_taxis_only_cannot_book_hospitals(patient, daughter, monday):
    accounts.add_family_member(Acting.by_resident(patient), daughter, [Scope.TAXI])
    with pytest.raises(api.ConsentRequired):
        book(monday, patient, by=daughter)


def test_a_withdrawn_consent_no_longer_works(patient, daughter, monday):
    (consent,) = accounts.add_family_member(Acting.by_resident(patient), daughter, [Scope.HOSPITAL])
    consent_api.revoke(consent, by=patient, channel="web")
    with pytest.raises(api.ConsentRequired):
        book(monday, patient, by=daughter)


def test_counter_staff_book_with_consent_given_in_person(patient, counter_staff, monday):
    consent = consent_api.grant(
        patient,
        Scope.HOSPITAL,
        grantee=counter_staff,
        given_via=GivenVia.IN_PERSON_COUNTER,
        recorded_by=counter_staff,
    )
    appointment = book(monday, patient, by=counter_staff, channel="counter")
    assert appointment.channel == "counter" and appointment.consent == consent
    entry = AuditEntry.objects.get(resident=patient, action="booked_appointment")
    assert entry.channel == "counter" and entry.consent == consent
    assert entry.actor == counter_staff


def test_family_allowed_to_see_appointments_open_the_slip_and_the_look_is_logged(
    client, patient, daughter, other_patient, monday
):
    appointment = book(monday, patient)  # booked by the patient herself
    slip = f"/en/hospital/appointments/{appointment.pk}/"
    client.force_login(daughter)
    assert client.get(slip).status_code == 404  # no permission yet
    accounts.add_family_member(Acting.by_resident(patient), daughter, [Scope.SEE_APPOINTMENTS])
    page = client.get(slip)
    assert page.status_code == 200 and api.code_groups(appointment.code) in page.content.decode()
    look = AuditEntry.objects.filter(resident=patient, action="viewed_appointments").get()
    assert look.actor == daughter
    assert appointment.pk in [a.pk for a in api.appointments_for(daughter)]
    client.force_login(other_patient)
    assert client.get(slip).status_code == 404


def test_the_copy_to_the_family_member_who_booked_names_the_patient(
    patient, daughter, monday, committed
):
    from portal.notifications.models import Message, Purpose

    accounts.add_family_member(Acting.by_resident(patient), daughter, [Scope.HOSPITAL])
    committed(book, monday, patient, by=daughter)
    copy = Message.objects.get(purpose=Purpose.HOSPITAL, recipient=daughter.phone)
    mine = Message.objects.get(purpose=Purpose.HOSPITAL, recipient=patient.phone)
    assert str(patient) in copy.body and not mine.body.startswith("For ")


def test_a_cancelled_slip_says_so_and_hides_the_code(client, patient, monday):
    appointment = book(monday, patient)
    api.cancel(appointment, acting=Acting.by_resident(patient))
    client.force_login(patient)
    html = client.get(f"/en/hospital/appointments/{appointment.pk}/").content.decode()
    assert "data-cancelled" in html and "Cancelled" in html
    assert api.code_groups(appointment.code) not in html
    assert "Show this code" not in html and "data-print" not in html and "<svg" not in html


def test_in_chinese_a_cancelled_slip_says_yi_quxiao(client, patient, monday):
    patient.language = "zh-hans"
    patient.save(update_fields=["language"])
    appointment = book(monday, patient)
    api.cancel(appointment, acting=Acting.by_resident(patient))
    client.force_login(patient)
    html = client.get(f"/hospital/appointments/{appointment.pk}/").content.decode()
    assert "data-cancelled>已取消<" in html
