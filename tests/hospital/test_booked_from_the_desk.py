"""The holder of a request books a hospital visit from the desk, through the hospital API: with
the resident's permission only, under the request's reference, and the resident is told what
was booked and by whom."""

import pytest
from django.urls import reverse

from assist import api as assist
from assist.models import Kind, Topic
from portal.accounts.duty import set_on_duty
from portal.channels import Channel
from portal.consent.models import GivenVia, Scope
from portal.notifications.models import Message
from services.hospital.models import Appointment, PatientIdentity
from tests.hospital.conftest import MONDAY, id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(patient, volunteer, clock):
    request = assist.open_request(
        patient, kind=Kind.CALL_BACK, channel=Channel.WEB, topic=Topic.HOSPITAL
    )
    assert assist.take(request, volunteer)
    return request


def _book(client, held, session, key="k1"):
    url = reverse("assist_desk_hospital", args=[held.pk])
    return client.post(
        f"{url}?department={session.department_id}",
        {"step": "book", "session": session.pk, "key": key},
    )


def test_without_the_residents_permission_nothing_is_booked(
    client, staff_login, volunteer, held, monday
):
    staff_login(volunteer)
    response = _book(client, held, monday)
    assert response.status_code == 200
    assert "has not" in response.content.decode() or "没有" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_holder_books_with_permission_and_the_resident_is_told_who_did_it(
    client, staff_login, volunteer, patient, held, monday, committed
):
    assist.record_consent(held, volunteer, Scope.HOSPITAL, GivenVia.PHONE_SPOKEN)
    staff_login(volunteer)
    url = reverse("assist_desk_hospital", args=[held.pk])
    choices = client.get(url, {"department": monday.department_id}).content.decode()
    assert f'value="{monday.pk}"' in choices and "08:00-11:30" in choices
    response = committed(_book, client, held, monday)
    assert response["Location"] == reverse("assist_desk_request", args=[held.pk])
    committed(_book, client, held, monday)  # the same page sent twice books once
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.booked_by) == (patient, volunteer)
    assert (appointment.reference, appointment.channel) == (held.reference, Channel.PHONE)
    assert appointment.acting_role == "volunteer"
    texts = [m.body for m in Message.objects.filter(recipient=patient.phone).order_by("pk")]
    assert any(appointment.code in body and "Ruijin" in body for body in texts)
    [told] = [body for body in texts if "helped you" in body]
    assert f"Volunteer {volunteer} helped you" in told and appointment.code in told
    note = held.events.filter(what="done").get()
    assert appointment.code in note.note and note.actor == volunteer


def test_a_time_taken_meanwhile_asks_for_another(
    client, staff_login, volunteer, held, make_session, committed
):
    session = make_session(MONDAY, capacity=1)
    assist.record_consent(held, volunteer, Scope.HOSPITAL, GivenVia.PHONE_SPOKEN)
    staff_login(volunteer)
    url = reverse("assist_desk_hospital", args=[held.pk])
    assert f'value="{session.pk}"' in client.get(url, {"department": session.department_id}).text
    session.booked = 1  # someone on the web took the last place meanwhile
    session.save(update_fields=["booked"])
    html = committed(_book, client, held, session).content.decode()
    assert "just been taken" in html or "刚被" in html
    assert not Appointment.objects.exists()


def test_a_refusal_says_what_to_do_instead(client, staff_login, volunteer, neighbour, monday):
    request = assist.open_request(neighbour, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assist.take(request, volunteer)
    assist.record_consent(request, volunteer, Scope.HOSPITAL, GivenVia.PHONE_SPOKEN)
    staff_login(volunteer)
    html = _book(client, request, monday).content.decode()  # no real name and ID number yet
    assert 'role="alert"' in html and ("community centre" in html or "社区" in html)
    assert not Appointment.objects.exists()


def test_someone_who_does_not_hold_the_request_cannot_book(
    client, staff_login, counter_staff, held, monday
):
    set_on_duty(counter_staff, True)
    staff_login(counter_staff)
    response = _book(client, held, monday)
    assert response["Location"] == reverse("assist_desk_request", args=[held.pk])
    assert not Appointment.objects.exists()


def test_the_holder_types_in_the_name_and_id_number_when_the_hospital_has_none(
    client, staff_login, volunteer, neighbour, clock
):
    request = assist.open_request(neighbour, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assist.take(request, volunteer)
    assist.record_consent(request, volunteer, Scope.HOSPITAL, GivenVia.PHONE_SPOKEN)
    staff_login(volunteer)
    url = reverse("assist_desk_hospital", args=[request.pk])
    number = id_number("31010419480202456")
    client.post(url, {"step": "identity", "real_name": "李建国", "id_number": number})
    identity = PatientIdentity.objects.get(user=neighbour)
    assert identity.id_number_masked.endswith(number[-4:]) and "*" in identity.id_number_masked
    html = client.get(url).content.decode()
    assert identity.id_number_masked in html and number not in html
