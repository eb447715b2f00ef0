"""Applying for the elderly card in Chromium, 390 px wide, with JavaScript on (and axe) and
off: from the published page, one question a page (the permit number only when asked for),
check, send, and the application's page with its number; then "my applications"."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import new_tab, run_axe

pytestmark = pytest.mark.browser

WIDTH = 390
PHONE_390 = {"width": WIDTH, "height": 844}
CONTINUE = "main form button.button-action"
APPLICATION_PATH = re.compile(r"/apply/mine/(\d+)/$")


def _resident(phone, name):
    users = get_user_model().objects
    return users.filter(phone=phone).first() or users.create_resident(phone, preferred_name=name)


def _check(page, javascript):
    assert page.locator("main h1").count() == 1, page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url
    if javascript:
        results = run_axe(page)
        assert results.violations_count == 0, results.generate_report()


def _continue(page, javascript):
    _check(page, javascript)
    with page.expect_navigation():
        page.click(CONTINUE)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_applies_for_the_elderly_card(
    browser, portal_url, django_db_blocker, javascript
):
    from services.applications.models import Application

    end = "1" if javascript else "2"
    with django_db_blocker.unblock():
        resident = _resident(f"+861390000796{end}", f"钱阿姨{end}")
        Application.objects.filter(resident=resident).delete()
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        sign_in(page, portal_url, resident.phone, django_db_blocker, "/services/elderly-card/")
        _check(page, javascript)
        with page.expect_navigation():
            page.click("main a.button-action")  # apply on the web
        _check(page, javascript)
        with page.expect_navigation():
            page.click("main a.button-action")  # start

        # A date: three big boxes, a wrong one first.
        assert page.url.endswith("/q/birth/"), page.url
        page.fill("#id_answer_year", "1950")
        page.fill("#id_answer_month", "2")
        page.fill("#id_answer_day", "30")
        _continue(page, javascript)
        assert page.locator(".error-summary").is_visible()
        _check(page, javascript)
        page.fill("#id_answer_day", "27")
        _continue(page, javascript)

        # A residence permit: its number is asked next.
        page.click("label[for=id_answer_1]")
        _continue(page, javascript)
        page.fill("#id_answer", "310000123")
        _continue(page, javascript)
        page.click("label[for=id_answer_0]")
        _continue(page, javascript)
        page.fill("#id_answer", "139 0000 7961")
        _continue(page, javascript)

        assert page.url.endswith("/check/"), page.url
        assert "310000123" in page.locator("main dl").inner_text()
        _check(page, javascript)
        _continue(page, javascript)
        match = APPLICATION_PATH.search(page.url)
        assert match, page.url
        number = page.locator("[data-case-number]").inner_text()
        assert number.startswith("SQ")
        _check(page, javascript)

        page.goto(portal_url + "/apply/mine/")
        assert number in page.locator("[data-applications]").inner_text()
        _check(page, javascript)
    with django_db_blocker.unblock():
        application = Application.objects.get(resident=resident)
        assert application.case_number == number
        keys = [answer["key"] for answer in application.answers]
        assert keys == ["birth", "residence", "permit_number", "collect", "contact_phone"]


def test_the_printed_form_is_whole_and_accessible(browser, portal_url, django_db_blocker):
    from services.applications.models import ApplicationPage

    with django_db_blocker.unblock():
        page_id = ApplicationPage.objects.get(
            slug="meal-delivery", locale__language_code="zh-hans"
        ).pk
    with new_tab(browser, viewport=PHONE_390, with_axe=True) as page:
        page.goto(f"{portal_url}/apply/{page_id}/form/")
        assert page.locator("[data-question]").count() == 5
        _check(page, True)
