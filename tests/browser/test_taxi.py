"""The one-tap taxi in Chromium: sign in, one tap, the car on the status page, cancel."""

import re

import pytest

from portal.notifications.models import Message
from tests.browser.test_elder_ux import SIZES, new_tab, run_axe, visit

pytestmark = pytest.mark.browser


def _sign_in(page, portal_url, phone, django_db_blocker):
    visit(page, portal_url, "/signin/?next=/taxi/")
    page.fill("#id_phone", phone)
    page.click("button.button-action")
    with django_db_blocker.unblock():
        body = Message.objects.filter(recipient=phone).latest("id").body
    page.fill("#id_code", re.search(r"\d{6}", body).group())
    page.click("button.button-action")
    if "/signin/welcome/" in page.url:  # a first sign-in: skip both questions
        page.click("button[name=skip]")
        page.click("button[name=skip]")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_tap_after_sign_in_brings_a_car_and_it_can_be_cancelled(
    browser, portal_url, django_db_blocker, javascript
):
    phone = "+8613900007701" if javascript else "+8613900007702"
    with new_tab(browser, javascript=javascript) as page:
        _sign_in(page, portal_url, phone, django_db_blocker)
        if page.url.endswith("/taxi/home/"):
            page.fill("#id_home_address", "华山路 100 号，静安寺站 5 号口")
            page.click("button.button-action")
        assert page.url == portal_url + "/taxi/"
        assert page.locator("main button[type=submit]").count() == 1  # the one thing to tap
        page.click("text=从家里叫车")  # tap 1 ...
        assert re.search(r"/taxi/rides/\d+/$", page.url)  # ... and the ride is called
        page.goto(page.url)  # the plain refresh button's target
        assert page.locator("[data-field=car_plate]").inner_text().startswith("沪")
        assert page.locator("a[href^='tel:']").count() >= 2  # the driver, and the hotline
        page.click("text=取消这辆车")
        assert "这次叫车已取消" in page.content()


@pytest.mark.parametrize("size", SIZES)
def test_the_taxi_pages_have_no_axe_violations(browser, portal_url, django_db_blocker, size):
    phone = {"standard": "+8613900007711", "large": "+8613900007712", "extra": "+8613900007713"}
    with new_tab(browser, with_axe=True) as page:
        _sign_in(page, portal_url, phone[size], django_db_blocker)
        if page.url.endswith("/taxi/home/"):
            results = run_axe(page)
            assert results.violations_count == 0, results.generate_report()
            page.fill("#id_home_address", "虹桥路 200 号")
            page.click("button.button-action")
        # Signed in, the text size lives in the profile: choose it with the display form.
        page.goto(portal_url + "/display/?next=/taxi/")
        page.check(f"input[name=size][value={size}]")
        page.click("button.button-action")
        assert f"size-{size}" in page.evaluate("document.documentElement.className")
        for step in ("start", "ride"):
            results = run_axe(page)
            assert results.violations_count == 0, f"{step}:\n{results.generate_report()}"
            if step == "start":
                page.click("text=从家里叫车")
