"""The privacy notice and the sensitive-data question, in Chromium at 390 px: each part of
the notice fits one screen at the largest text size; the question works without JavaScript."""

import pytest

from tests.browser.test_elder_ux import new_tab, run_axe, visit
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("path", ["/privacy/", "/en/privacy/"])
def test_each_part_of_the_notice_fits_one_screen_at_the_largest_text(
    browser, portal_url, path, javascript
):
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        visit(page, portal_url, path, size="extra")
        parts = page.locator("[data-notice-part]")
        assert parts.count() >= 6
        for index in range(parts.count()):
            height = parts.nth(index).bounding_box()["height"]
            assert height <= PHONE_390["height"], (index, height)
        assert page.locator("[data-kept]").count() >= 4  # the periods, from the settings
        if javascript:  # axe-core itself needs JavaScript in the page
            results = run_axe(page)
            assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_first_taxi_asks_once_and_no_then_yes_works(
    browser, portal_url, django_db_blocker, javascript
):
    phone = "+8613900006611" if javascript else "+8613900006612"
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        visit(page, portal_url, "/signin/?next=/taxi/", size="large")
        page.fill("#id_phone", phone)
        page.click("button.button-action")
        page.fill("#id_code", code_sent_to(phone))
        page.click("button.button-action")
        if "/signin/welcome/" in page.url:
            page.click("button[name=skip]")
            page.click("button[name=skip]")
        assert "/privacy/agree/taxi/" in page.url
        assert "保存您的家庭住址" in page.inner_text("main [data-question]")
        assert page.locator("main a[href='/privacy/']").count() == 1
        if javascript:
            results = run_axe(page)
            assert results.violations_count == 0, results.generate_report()
        page.click("main button[name=answer][value=no]")
        assert "您选择了不同意" in page.inner_text("main h1")
        assert "不能在网上、电话里或窗口为您叫车" in page.inner_text("main")
        page.click("main a[href='/my/agreements/']")
        page.click("main a[href^='/privacy/agree/taxi/']")
        page.click("main button[name=answer][value=yes]")
        assert page.url == portal_url + "/my/agreements/"
        assert "您已同意" in page.inner_text("main [data-agreements]")
        page.goto(portal_url + "/taxi/")
        assert "/taxi/home/" in page.url  # on to the taxi: its first question, the address
