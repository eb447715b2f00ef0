"""Pages with personal data tell browsers and caches not to keep them (Cache-Control: no-store):
every page for someone signed in, and the admin. Public pages for anonymous visitors do not."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from portal.acting import Acting
from portal.private_pages import PrivatePagesMiddleware
from services.hospital import api as hospital
from services.hospital.models import Department, Hospital, Session
from services.taxi import api as taxi
from tests.hospital.conftest import id_number

pytestmark = pytest.mark.django_db


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


HOME = "静安区愚园路100弄5号"


@pytest.fixture
def signed_in(client, resident):
    resident.home_address = HOME
    resident.save(update_fields=["home_address"])
    client.force_login(resident)
    return client


@pytest.fixture
def appointment(resident, at):
    """王阿姨's appointment next Monday morning, booked through the API."""
    import datetime

    at(2026, 11, 20, 9, 0)
    hospital_ = Hospital.objects.create(name="瑞金医院", district="黄浦区", address="瑞金二路197号")
    department = Department.objects.create(hospital=hospital_, name="内科")
    session = Session.objects.create(
        department=department,
        date=datetime.date(2026, 11, 23),
        period="morning",
        starts_at=datetime.time(8, 0),
        ends_at=datetime.time(11, 30),
        capacity=5,
    )
    hospital.save_identity(Acting.by_resident(resident), "王小华", id_number("31010519500101123"))
    return hospital.book(session, Acting.by_resident(resident), idempotency_key="slip")


@pytest.mark.parametrize(
    "path",
    [
        "/profile/",
        "/profile/places/",
        "/profile/family/",
        "/my-information/",
        "/en/my-information/",
        "/taxi/",
        "/hospital/appointments/",
        "/",  # a public page, but it greets the signed-in resident
    ],
)
def test_a_signed_in_residents_pages_are_not_stored(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    assert _no_store(response), response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


def test_a_hospital_slip_is_not_stored(signed_in, appointment):
    response = signed_in.get(f"/hospital/appointments/{appointment.pk}/")
    assert response.status_code == 200
    assert _no_store(response)


def test_a_ride_and_its_live_status_are_not_stored(signed_in, resident, settings):
    settings.TAXI_PROVIDER = "services.taxi.providers.manual.ManualProvider"
    ride = taxi.request_ride(Acting.by_resident(resident), idempotency_key="no-store")
    for path in (f"/taxi/rides/{ride.pk}/", f"/taxi/rides/{ride.pk}/status.json"):
        assert _no_store(signed_in.get(path)), path


def test_a_redirect_for_someone_signed_in_is_not_stored_either(signed_in):
    response = signed_in.get("/hospital/")
    assert response.status_code == 302
    assert _no_store(response)


@pytest.mark.parametrize("path", ["/", "/en/", "/services/taxi/", "/signin/"])
def test_public_pages_for_anonymous_visitors_keep_their_caching(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not _no_store(response)


def test_every_admin_page_is_not_stored_even_before_sign_in(client, staff_login, editor):
    assert _no_store(client.get("/admin/login/"))
    staff_login(editor)
    assert _no_store(client.get("/admin/"))


def _through_middleware(user, path="/profile/", **headers):
    request = RequestFactory().get(path)
    request.user = user

    def view(_request):
        response = HttpResponse("personal")
        for name, value in headers.items():
            response[name] = value
        return response

    return PrivatePagesMiddleware(view)(request)


def test_a_view_that_chose_its_own_cache_control_keeps_it(resident):
    response = _through_middleware(resident, **{"Cache-Control": "private, max-age=60"})
    assert response["Cache-Control"] == "private, max-age=60"


def test_the_middleware_marks_signed_in_and_admin_responses_only(resident):
    assert _no_store(_through_middleware(resident))
    assert _no_store(_through_middleware(AnonymousUser(), "/admin/pages/"))
    assert not _no_store(_through_middleware(AnonymousUser(), "/services/taxi/"))
