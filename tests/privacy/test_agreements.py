"""The sensitive-data questions: asked once per wording at first use, honoured when withdrawn."""

import pytest
from django.contrib.auth import get_user_model

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.privacy import agreements
from portal.privacy.models import ProcessingConsent, Purpose
from services.hospital import api as hospital
from services.taxi import api as taxi
from services.taxi.models import Ride

pytestmark = [pytest.mark.django_db, pytest.mark.not_agreed]


@pytest.fixture
def newcomer(client):
    person = get_user_model().objects.create_resident(
        "+8613900006601", preferred_name="新来的", home_address="华山路 100 号"
    )
    client.force_login(person)
    return person


def test_the_first_taxi_asks_the_question_and_a_yes_goes_on_to_the_taxi(client, newcomer):
    response = client.get("/en/taxi/")
    assert response.status_code == 302
    question = client.get(response["Location"]).content.decode()
    assert "may the portal keep your home address, your saved places and your trips" in question
    assert 'href="/en/privacy/"' in question  # the notice, for whoever wants to read more
    response = client.post(response["Location"], {"answer": "yes", "next": "/en/taxi/"})
    assert response["Location"] == "/en/taxi/"
    answer = ProcessingConsent.objects.get(resident=newcomer)
    assert (answer.purpose, answer.agreed, answer.version, answer.channel) == (
        "taxi",
        True,
        1,
        "web",
    )
    assert AuditEntry.objects.filter(resident=newcomer, action="agreed_taxi_data").exists()
    assert client.get("/en/taxi/").status_code == 200  # asked once: the taxi page now


def test_no_says_what_that_means_and_the_taxi_is_refused_everywhere(client, newcomer):
    response = client.post("/en/privacy/agree/taxi/", {"answer": "no", "next": "/en/taxi/"})
    page = response.content.decode()
    assert "You said no" in page
    assert 'href="/en/my/"' in page  # back to Mine, in English
    assert "the portal cannot call taxis for you" in page
    with pytest.raises(taxi.DataNotAgreed) as refused:
        taxi.request_ride(Acting.by_resident(newcomer, Channel.PHONE), idempotency_key="k1")
    assert "has not agreed" in str(refused.value)
    assert not Ride.objects.exists()
    assert client.get("/en/taxi/").status_code == 302  # asked again next time


def test_withdrawing_under_mine_stops_the_use_from_then_on(client, newcomer):
    agreements.record_answer(newcomer, Purpose.TAXI, True, channel=Channel.WEB)
    mine = client.get("/en/my/").content.decode()
    assert 'href="/en/my/agreements/"' in mine
    page = client.post("/en/my/agreements/", {"withdraw": "taxi"}).content.decode()
    assert "From now on it is not used." in page
    assert "You can still call a taxi company yourself" in page
    assert not agreements.has_agreed(newcomer, Purpose.TAXI)
    assert ProcessingConsent.objects.filter(resident=newcomer).first().withdrawn
    with pytest.raises(taxi.DataNotAgreed):
        taxi.request_ride(Acting.by_resident(newcomer), idempotency_key="k2")


def test_new_wording_asks_again(client, newcomer, monkeypatch):
    agreements.record_answer(newcomer, Purpose.TAXI, True, channel=Channel.WEB)
    assert client.get("/en/taxi/").status_code == 200
    reworded = agreements.Question(2, "New words?", agreements.QUESTIONS[Purpose.TAXI].without)
    monkeypatch.setitem(agreements.QUESTIONS, Purpose.TAXI, reworded)
    response = client.get("/en/taxi/")
    assert response.status_code == 302 and "/privacy/agree/taxi/" in response["Location"]
    client.post("/en/privacy/agree/taxi/", {"answer": "yes"})
    assert ProcessingConsent.objects.filter(resident=newcomer).first().version == 2


def test_the_first_hospital_booking_asks_before_the_id_number(client, newcomer):
    response = client.get("/en/hospital/")
    assert "/privacy/agree/hospital/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "real name and ID number" in page
    with pytest.raises(hospital.DataNotAgreed):
        hospital.save_identity(Acting.by_resident(newcomer), "王小华", "110101194001011234")


def test_the_desk_writes_down_an_answer_heard_on_the_phone_with_who_heard_it(
    client, staff_login, volunteer, newcomer, at
):
    from assist import api as assist
    from assist.models import Kind
    from portal.accounts.duty import set_on_duty

    at(2026, 11, 20, 10, 0)
    set_on_duty(volunteer, True)
    request = assist.open_request(newcomer, kind=Kind.CALL_BACK, channel=Channel.PHONE)
    assist.take(request, volunteer)
    staff_login(volunteer)
    page = client.get(f"/admin/desk/{request.pk}/").content.decode()
    assert "data-agreements" in page
    client.post(
        f"/admin/desk/{request.pk}/",
        {"action": "agreement", "purpose": "hospital", "answer": "yes"},
    )
    answer = ProcessingConsent.objects.get(resident=newcomer)
    assert (answer.purpose, answer.agreed, answer.channel, answer.recorded_by) == (
        "hospital",
        True,
        "phone",
        volunteer,
    )
