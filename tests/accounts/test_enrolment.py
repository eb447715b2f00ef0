"""Counter staff register a resident after checking identity in person."""

import pytest
from django.contrib.auth import get_user_model

from portal.accounts.models import Enrolment
from portal.audit.models import AuditEntry
from portal.notifications.backends import backend_for
from portal.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory_backend(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    backend_for.cache_clear()
    yield
    backend_for.cache_clear()


@pytest.fixture
def counter(django_user_model):
    return django_user_model.objects.get(username="counter")


FORM = {
    "phone": "021 6200 3456",
    "preferred_name": "周老伯",
    "checked_how": "id_card",
    "landline_only": "on",
    "language": "zh-hans",
}


def test_counter_staff_register_a_landline_resident_who_gets_a_welcome_call(
    client, counter, staff_login
):
    staff_login(counter)
    response = client.post("/admin/enrol/", FORM)
    assert response.status_code == 200
    resident = get_user_model().objects.get(phone="+862162003456")
    enrolment = Enrolment.objects.get(resident=resident)
    assert (enrolment.checked_by, enrolment.checked_how) == (counter, "id_card")
    welcome = Message.objects.get(recipient=resident.phone)
    assert welcome.medium == "voice" and "周老伯" in welcome.body and "962 200" in welcome.body
    entry = AuditEntry.objects.get(resident=resident)
    assert (entry.action, entry.actor, entry.channel) == ("enrolled_resident", counter, "counter")


def test_a_landline_resident_gets_sign_in_codes_by_voice_call(client, counter, staff_login):
    staff_login(counter)
    client.post("/admin/enrol/", FORM)
    client.logout()
    client.post("/signin/", {"phone": "021 6200 3456"})
    assert Message.objects.filter(recipient="+862162003456").latest("id").medium == "voice"


def test_a_number_only_ever_typed_at_sign_in_can_be_enrolled(client, counter, staff_login):
    client.post("/signin/", {"phone": "021 6200 3456"})  # a code asked for, never confirmed
    assert not get_user_model().objects.filter(phone="+862162003456").exists()
    staff_login(counter)
    client.post("/admin/enrol/", FORM)
    assert Enrolment.objects.filter(resident__phone="+862162003456").exists()


def test_an_already_registered_number_is_refused(client, counter, staff_login):
    staff_login(counter)
    response = client.post("/admin/enrol/", {**FORM, "phone": "13800000001"})
    assert "already registered" in response.content.decode() or "已经注册" in (
        response.content.decode()
    )
    assert not Enrolment.objects.exists()


def test_a_volunteer_cannot_register_residents(client, volunteer, staff_login):
    staff_login(volunteer)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert client.get("/admin/enrol/").status_code in (302, 403)
    assert client.post("/admin/enrol/", FORM).status_code in (302, 403)
    assert not get_user_model().objects.filter(phone="+862162003456").exists()


def test_the_resident_sees_who_registered_them(client, counter, staff_login):
    staff_login(counter)
    client.post("/admin/enrol/", FORM)
    resident = get_user_model().objects.get(phone="+862162003456")
    client.force_login(resident)
    html = client.get("/my-information/").content.decode()
    assert "窗口小李" in html
