"""Family proxies, and the fresh code weighty changes need."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from portal.accounts import family
from portal.consent.api import valid_consent
from portal.notifications.backends import backend_for
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

SON = "+8613900002222"


@pytest.fixture(autouse=True)
def memory_backend(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    settings.SIGNIN_THROTTLE_FACTOR = 0
    backend_for.cache_clear()
    cache.clear()
    yield
    backend_for.cache_clear()


def _code(phone):
    return code_sent_to(phone)


@pytest.fixture
def stale_session(client, resident):
    """Signed in days ago: no fresh code in this session."""
    client.force_login(resident)
    return client


def _confirm_it_is_me(client, resident):
    client.post("/signin/confirm/", {"send": "1", "next": "/profile/family/add/"})
    return client.post(
        "/signin/confirm/", {"code": _code(resident.phone), "next": "/profile/family/add/"}
    )


def test_adding_a_family_member_first_asks_for_a_fresh_code(stale_session, resident):
    response = stale_session.get("/profile/family/add/")
    assert response["Location"].startswith("/signin/confirm/?next=")
    assert _confirm_it_is_me(stale_session, resident)["Location"] == "/profile/family/add/"
    assert stale_session.get("/profile/family/add/").status_code == 200


def test_a_wrong_fresh_code_keeps_the_door_shut(stale_session, resident):
    stale_session.post("/signin/confirm/", {"send": "1"})
    wrong = "000000" if _code(resident.phone) != "000000" else "111111"
    response = stale_session.post("/signin/confirm/", {"code": wrong})
    assert "<title>错误" in response.content.decode()
    assert stale_session.get("/profile/family/add/").status_code == 302


def test_a_family_member_confirmed_with_their_own_code_may_act_in_the_chosen_areas(
    stale_session, resident
):
    _confirm_it_is_me(stale_session, resident)
    response = stale_session.post(
        "/profile/family/add/", {"phone": "139 0000 2222", "scopes": ["taxi", "hospital"]}
    )
    assert response["Location"] == "/profile/family/confirm/"
    assert stale_session.post("/profile/family/confirm/", {"code": _code(SON)})["Location"] == (
        "/profile/family/"
    )
    son = get_user_model().objects.get(phone=SON)
    assert valid_consent(resident, "taxi", son) is not None
    assert valid_consent(resident, "hospital", son) is not None
    assert valid_consent(resident, "see_appointments", son) is None
    assert "+8613900002222" in stale_session.get("/profile/family/").content.decode()


def test_the_resident_can_stop_a_family_member_at_once(stale_session, resident):
    _confirm_it_is_me(stale_session, resident)
    stale_session.post("/profile/family/add/", {"phone": SON, "scopes": ["taxi"]})
    stale_session.post("/profile/family/confirm/", {"code": _code(SON)})
    son = get_user_model().objects.get(phone=SON)
    stale_session.post(f"/profile/family/{son.pk}/stop/")
    assert valid_consent(resident, "taxi", son) is None


def test_a_wrong_code_from_the_family_member_grants_nothing(stale_session, resident):
    _confirm_it_is_me(stale_session, resident)
    stale_session.post("/profile/family/add/", {"phone": SON, "scopes": ["taxi"]})
    wrong = "000000" if _code(SON) != "000000" else "111111"
    response = stale_session.post("/profile/family/confirm/", {"code": wrong})
    assert "<title>错误" in response.content.decode()
    # No account is made for a number until its code is confirmed, so nobody may act.
    assert not get_user_model().objects.filter(phone=SON).exists()


def test_a_resident_cannot_name_themselves(stale_session, resident):
    _confirm_it_is_me(stale_session, resident)
    response = stale_session.post(
        "/profile/family/add/", {"phone": resident.phone, "scopes": ["taxi"]}
    )
    assert response.status_code == 200 and "<title>错误" in response.content.decode()


def test_the_resident_is_told_by_their_preferred_medium(resident):
    resident.notify_by = "voice"
    resident.save()
    message = family.tell_resident(resident, "您的儿子为您叫了出租车。")
    assert message.medium == "voice" and "您的儿子为您叫了出租车" in message.body


def test_changing_the_phone_number_needs_a_fresh_code_and_a_code_from_the_new_phone(
    stale_session, resident
):
    assert stale_session.get("/profile/phone/")["Location"].startswith("/signin/confirm/")
    stale_session.post("/signin/confirm/", {"send": "1"})
    stale_session.post("/signin/confirm/", {"code": _code(resident.phone)})
    new = "+8613900003333"
    response = stale_session.post("/profile/phone/", {"phone": "139 0000 3333"})
    assert response["Location"] == "/profile/phone/confirm/"
    assert stale_session.post("/profile/phone/confirm/", {"code": _code(new)})["Location"] == (
        "/profile/"
    )
    resident.refresh_from_db()
    assert resident.phone == resident.username == new
    assert not get_user_model().objects.filter(phone="+8613800000001").exists()


def test_a_number_another_account_uses_cannot_be_taken(stale_session, resident):
    stale_session.post("/signin/confirm/", {"send": "1"})
    stale_session.post("/signin/confirm/", {"code": _code(resident.phone)})
    response = stale_session.post("/profile/phone/", {"phone": "+8613800000002"})
    # Not said before the code proves the resident holds that phone: that would tell anyone
    # which numbers are registered.
    assert response["Location"] == "/profile/phone/confirm/"
    response = stale_session.post("/profile/phone/confirm/", {"code": _code("+8613800000002")})
    assert "已经用于登录另一个账户" in response.content.decode()
    resident.refresh_from_db()
    assert resident.phone == "+8613800000001"


def test_the_resident_sees_and_withdraws_a_permission_given_to_helpers(stale_session, resident):
    from portal.consent import api as consent_api
    from portal.consent.models import Consent

    counter = get_user_model().objects.get(username="counter")
    consent = consent_api.grant(
        resident, "taxi", reference="request:3", given_via="in_person_counter", recorded_by=counter
    )
    html = stale_session.get("/profile/family/").content.decode()
    assert "当班并处理您这次求助的志愿者或窗口工作人员" in html
    stale_session.post(f"/profile/permissions/{consent.pk}/stop/")
    assert Consent.objects.get(pk=consent.pk).revoked_at is not None
    assert valid_consent(resident, "taxi", counter) is None


def test_a_resident_cannot_withdraw_someone_elses_permission(client, resident):
    from portal.consent import api as consent_api

    neighbour = get_user_model().objects.get(phone="+8613800000002")
    consent = consent_api.grant(neighbour, "taxi", reference="request:3", given_via="web")
    client.force_login(resident)
    assert client.post(f"/profile/permissions/{consent.pk}/stop/").status_code == 404
