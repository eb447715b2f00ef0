"""A session that ends while a resident presses a button (issue 15, item 5).

They sign in again and come back to the page that showed the button, shown afresh: nothing
from the POST that found them signed out is replayed. A failed CSRF check shows the portal's
own page in the page's language, with a button back to the form.
"""

import datetime
import re
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session as StoredSession
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.notifications.backends import backend_for
from services.hospital import api as hospital_api
from services.hospital.models import Appointment
from services.taxi import api as taxi_api
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.django_db

PHONE = "+8613800000001"  # 王阿姨, the demo resident (the ``resident`` fixture)
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def phones_in_memory(settings):
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    settings.SIGNIN_THROTTLE_FACTOR = 0
    settings.HOSPITAL_PROVIDER = "services.hospital.providers.builtin.BuiltInProvider"
    settings.TAXI_PROVIDER = "tests.taxi.conftest.QuietProvider"
    backend_for.cache_clear()
    yield
    backend_for.cache_clear()


@pytest.fixture
def browser():
    """A client that checks CSRF tokens, as a real browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def end_session(client):
    """The session ends on the server (expired or deleted); the browser still sends its cookie."""
    key = client.cookies["sessionid"].value
    import_module(settings.SESSION_ENGINE).SessionStore(key).delete()  # its cached copy too
    assert not StoredSession.objects.filter(session_key=key).exists()


def sign_in_again(client, signin_url):
    """The sign-in pages, as the resident goes through them from ``signin_url``; returns the
    response to the code (the redirect to where they were)."""
    page = client.get(signin_url)
    assert page.status_code == 200
    next_url = parse_qs(urlsplit(signin_url).query)["next"][0]
    html = page.content.decode()
    assert f'name="next" value="{next_url}"' in html
    client.post(
        urlsplit(signin_url).path,
        {"phone": PHONE, "next": next_url, "csrfmiddlewaretoken": token(html)},
    )
    html = client.get(urlsplit(signin_url).path + "code/").content.decode()
    return client.post(
        urlsplit(signin_url).path + "code/",
        {"code": code_sent_to(PHONE), "csrfmiddlewaretoken": token(html)},
    )


# -- the hospital's confirm button -------------------------------------------------------------


@pytest.fixture
def hospital(resident, at):
    """A hospital with one morning on Monday; 王阿姨 has her real name on file."""
    from services.hospital.models import Department, Hospital
    from services.hospital.models import Session as Clinic
    from tests.hospital.conftest import id_number

    at(2026, 11, 20, 9, 0)
    resident.last_login = timezone.now()  # no welcome questions after signing in
    resident.save(update_fields=["last_login"])
    hospital_api.save_identity(
        Acting.by_resident(resident), "王小华", id_number("31010519500101123")
    )
    place = Hospital.objects.create(name="瑞金医院", district="黄浦区", address="瑞金二路197号")
    department = Department.objects.create(hospital=place, name="内科", sort_order=1)
    morning = Clinic.objects.create(
        department=department,
        date=MONDAY,
        period="morning",
        starts_at=datetime.time(8, 0),
        ends_at=datetime.time(11, 30),
        capacity=5,
    )
    return place, department, morning


def walk_to_check(client, hospital, base="/hospital/"):
    place, department, morning = hospital
    client.get(base)
    for path, value in (
        ("choose/hospital/", place.pk),
        ("choose/department/", department.pk),
        ("choose/day/", MONDAY.isoformat()),
        ("choose/time/", morning.pk),
    ):
        html = client.get(base + path).content.decode()
        client.post(base + path, {"choice": value, "csrfmiddlewaretoken": token(html)})
    page = client.get(base + "check/")
    assert page.status_code == 200
    return page.content.decode()


def press_confirm(client, html, base="/hospital/"):
    key = re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)
    return client.post(base + "confirm/", {"key": key, "csrfmiddlewaretoken": token(html)})


def test_a_resident_whose_session_ended_at_confirm_signs_in_and_chooses_afresh(
    browser, resident, hospital
):
    browser.force_login(resident)
    check = walk_to_check(browser, hospital)
    end_session(browser)

    response = press_confirm(browser, check)
    # To sign in, then back to the check page (a GET page), never to the POST-only confirm.
    assert response.status_code == 302
    assert response["Location"] == "/signin/?next=/hospital/check/"
    back = sign_in_again(browser, response["Location"])
    assert back["Location"] == "/hospital/check/"
    # The answers ended with the session: the check page sends her to the first question
    # still to answer, shown afresh; nothing was booked for her.
    afresh = browser.get(back["Location"], follow=True)
    assert afresh.status_code == 200
    assert afresh.redirect_chain[-1][0] == "/hospital/choose/hospital/"
    assert not Appointment.objects.exists()


def test_answers_kept_by_the_flow_come_back_on_the_check_page_still_to_confirm(
    browser, resident, hospital
):
    """Signed out while the session's data stayed (signing in keeps it): the check page shows
    her answers afresh, with the button still to press; the POST is not replayed."""
    browser.force_login(resident)
    check = walk_to_check(browser, hospital, base="/en/hospital/")
    session = browser.session
    for auth_key in ("_auth_user_id", "_auth_user_backend", "_auth_user_hash"):
        session.pop(auth_key, None)
    session.save()

    response = press_confirm(browser, check, base="/en/hospital/")
    assert response["Location"] == "/en/signin/?next=/en/hospital/check/"
    back = sign_in_again(browser, response["Location"])
    assert back["Location"] == "/en/hospital/check/"
    page = browser.get(back["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "瑞金医院" in html and 'action="/en/hospital/confirm/"' in html
    assert not Appointment.objects.exists()


# -- the taxi's cancel question ----------------------------------------------------------------


@pytest.fixture
def ride(resident):
    resident.home_address = "静安区愚园路100弄5号"
    resident.last_login = timezone.now()
    resident.save(update_fields=["home_address", "last_login"])
    return taxi_api.request_ride(Acting.by_resident(resident), idempotency_key="tap-1")


def test_a_resident_whose_session_ended_at_cancel_signs_in_and_is_asked_again(
    browser, resident, ride
):
    browser.force_login(resident)
    cancel_url = f"/taxi/rides/{ride.pk}/cancel/"
    html = browser.get(cancel_url).content.decode()
    end_session(browser)

    response = browser.post(cancel_url, {"answer": "yes", "csrfmiddlewaretoken": token(html)})
    assert response["Location"] == f"/signin/?next={cancel_url}"
    back = sign_in_again(browser, response["Location"])
    assert back["Location"] == cancel_url
    page = browser.get(cancel_url)
    assert page.status_code == 200  # the question again, afresh
    assert 'value="yes"' in page.content.decode()
    ride.refresh_from_db()
    assert ride.status == "requested"  # the "yes" that found her signed out was not replayed


# -- the decorator itself ----------------------------------------------------------------------


def test_a_post_only_view_without_a_named_page_keeps_the_old_next():
    @resident_required
    @require_POST
    def press(request):
        return HttpResponse("done")

    request = RequestFactory().post("/somewhere/")
    request.user = AnonymousUser()
    assert press(request)["Location"] == "/signin/?next=/somewhere/"


def test_staff_are_still_refused_a_residents_page(editor):
    @resident_required(return_to="hospital:check")
    def page(request):
        return HttpResponse("mine")

    request = RequestFactory().get("/x/")
    request.user = editor
    with pytest.raises(PermissionDenied):
        page(request)


# -- a failed CSRF check ------------------------------------------------------------------------


def test_a_failed_csrf_check_shows_the_portals_page_with_a_button_back(browser, resident, chinese):
    chinese("This page was open too long", "这个页面打开太久了")
    browser.force_login(resident)
    browser.get("/taxi/")
    response = browser.post(
        "/taxi/",
        {"key": "k", "csrfmiddlewaretoken": "stale"},
        HTTP_REFERER="http://testserver/taxi/",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="zh-Hans"' in html
    assert "这个页面打开太久了" in html
    assert 'class="button button-action" href="http://testserver/taxi/"' in html
    assert not taxi_api.active_ride(resident)


def test_the_csrf_page_is_in_the_pages_language_and_goes_home_from_another_site(browser):
    browser.get("/en/signin/")
    response = browser.post(
        "/en/signin/", {"phone": PHONE}, HTTP_REFERER="https://elsewhere.example/en/signin/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en"' in html
    with translation.override("en"):
        assert gettext("This page was open too long") in html
    assert 'class="button button-action" href="/en/"' in html
    assert "elsewhere.example" not in html
