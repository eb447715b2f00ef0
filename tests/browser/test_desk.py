"""The help desk in Chromium: a volunteer on a 390 px phone takes a request, sees it arrive
live, records the permission and closes it; counter staff on a desktop find a walk-in, book a
hospital visit for them and print the slip. axe-core finds nothing on any desk page.

Staff sign in the way they do every day: password, then the authenticator's code (made here
from the demo authenticator's key). Each signs in once per module: a code is good once.
"""

import re

import pytest

from tests.browser.test_elder_ux import DESKTOP, new_tab, run_axe

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
WALK_IN_PHONE = "13800000002"  # 李先生, in the demo


@pytest.mark.django_db
def test_the_demo_desk_has_people_on_duty():
    # Marked django_db (and first), so running this file alone still makes the test database
    # the server reads.
    from assist.offers import people_on_duty
    from content.demo import build_demo

    build_demo()
    assert {duty.person.username for duty in people_on_duty()} >= {"volunteer", "counter"}


@pytest.fixture(scope="module")
def desk_data(portal_url, django_db_blocker):
    """Requests opened in the database the server reads; closed again afterwards, so the
    residents' own pages in other tests are as the demo left them."""
    from assist.models import HelpRequest

    def open_one(phone="+8613800000001"):
        from django.contrib.auth import get_user_model

        from assist import api
        from assist.models import Kind, Topic
        from portal.channels import Channel

        with django_db_blocker.unblock():
            resident = get_user_model().objects.get(phone=phone)
            request = api.open_request(
                resident, kind=Kind.CALL_BACK, channel=Channel.WEB, topic=Topic.TAXI
            )
        return request

    yield open_one
    with django_db_blocker.unblock():
        HelpRequest.objects.exclude(state="closed").update(
            state="closed", holder=None, lease_until=None, outcome="not_needed"
        )


def _authenticator_code(username, django_db_blocker):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with django_db_blocker.unblock():
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def _signed_in(browser, portal_url, django_db_blocker, username, viewport):
    context = new_tab(browser, viewport=viewport, with_axe=True)
    page = context.__enter__()
    page.goto(f"{portal_url}/admin/login/?next=/admin/desk/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"silver-demo-{username}")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/2fa/"))
    page.fill("#id_code", _authenticator_code(username, django_db_blocker))
    page.locator("main form button").first.click()
    page.wait_for_url(re.compile(r"/admin/desk/$"))
    return context, page


@pytest.fixture(scope="module")
def volunteer_phone(browser, portal_url, django_db_blocker):
    context, page = _signed_in(browser, portal_url, django_db_blocker, "volunteer", PHONE_390)
    yield page
    context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def counter_desktop(browser, portal_url, django_db_blocker):
    context, page = _signed_in(browser, portal_url, django_db_blocker, "counter", DESKTOP)
    yield page
    context.__exit__(None, None, None)


def _no_axe_violations(page):
    results = run_axe(page)
    assert results.violations_count == 0, results.generate_report()


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_volunteer_on_a_phone_sees_a_request_arrive_takes_it_and_closes_it(
    volunteer_phone, portal_url, desk_data
):
    page = volunteer_phone
    page.goto(f"{portal_url}/admin/desk/")
    _no_axe_violations(page)
    _fits(page, PHONE_390["width"])
    request = desk_data()  # arrives while the page is open: no reload
    item = page.locator(f"li[data-request='{request.pk}']")
    item.wait_for(timeout=20_000)
    take = item.locator("button")
    assert take.bounding_box()["height"] >= 44  # a thumb's target
    take.click()
    page.wait_for_url(re.compile(rf"/admin/desk/{request.pk}/$"))
    assert page.locator("a[href='tel:+8613800000001']").is_visible()
    _no_axe_violations(page)
    _fits(page, PHONE_390["width"])
    page.check("input[name=scope][value=taxi]")
    page.check("input[name=given_via][value=phone_spoken]")
    page.locator("form:has(input[value=consent]) button").click()
    page.wait_for_selector("li[data-what=consent]")
    page.check("input[name=outcome][value=not_needed]")
    page.locator("form:has(input[name=action][value=close]) button").click()
    page.wait_for_url(re.compile(r"/admin/desk/$"))
    assert page.locator(f"li[data-request='{request.pk}']").count() == 0


def test_counter_staff_help_a_walk_in_book_a_hospital_visit_and_print_the_slip(
    counter_desktop, portal_url, demo_hospitals
):
    page = counter_desktop
    page.goto(f"{portal_url}/admin/desk/find/")
    page.fill("#id_phone", WALK_IN_PHONE)
    page.locator("main form[method=get] button").click()
    page.wait_for_selector("form[action$='/help/'] button")
    _no_axe_violations(page)
    page.locator("form[action$='/help/'] button").click()
    page.wait_for_url(re.compile(r"/admin/desk/\d+/$"))
    page.check("input[name=scope][value=hospital]")
    page.check("input[name=given_via][value=in_person_counter]")
    page.locator("form:has(input[value=consent]) button").click()
    page.wait_for_selector("li[data-what=consent]")
    page.locator("a[href$='/hospital/']").click()
    if page.locator("#id_real_name").count():
        page.fill("#id_real_name", "李建国")
        page.fill("#id_id_number", "310104194802024568")
        page.locator("form:has(input[value=identity]) button").click()
    page.wait_for_selector("[data-identity]")
    _no_axe_violations(page)
    page.locator("form[method=get] button").click()
    page.locator("input[name=session]").first.check()
    page.locator("form:has(input[value=book]) button").click()
    page.wait_for_url(re.compile(r"/admin/desk/\d+/$"))
    done = page.locator("li[data-what=done]").inner_text()
    code = re.search(r"\d{8}", done).group()
    _no_axe_violations(page)
    page.locator("a[href$='/slip/']").click()
    page.wait_for_url(re.compile(r"/slip/$"))
    assert code in page.locator("main").inner_text()
    assert WALK_IN_PHONE not in page.content()
    _no_axe_violations(page)


@pytest.fixture(scope="module")
def demo_hospitals(portal_url, django_db_blocker):
    from services.hospital.demo import build_hospital_demo

    with django_db_blocker.unblock():
        build_hospital_demo()
    return portal_url
