"""Closing an account in Chromium, 390 px wide, with JavaScript on (and axe) and off: the
resident reads what happens, asks, sees the date on 我的, and keeps the account after all."""

import pytest
from django.contrib.auth import get_user_model

from portal.accounts.models import AccountClosure
from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import new_tab, run_axe

pytestmark = pytest.mark.browser

WIDTH = 390
PHONE_390 = {"width": WIDTH, "height": 844}


def _resident(phone, name):
    users = get_user_model().objects
    return users.filter(phone=phone).first() or users.create_resident(phone, preferred_name=name)


def _check(page, javascript):
    assert page.locator("main h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url
    if javascript:
        results = run_axe(page)
        assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_asks_to_close_and_keeps_her_account(
    browser, portal_url, django_db_blocker, javascript
):
    end = "1" if javascript else "2"
    with django_db_blocker.unblock():
        resident = _resident(f"+861390000795{end}", f"赵阿姨{end}")
        AccountClosure.objects.filter(resident=resident).delete()
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        sign_in(page, portal_url, resident.phone, django_db_blocker, "/my/")
        page.click("main a[href='/my/close/']")  # from 我的
        assert page.url == portal_url + "/my/close/"
        assert page.locator("[data-closing-deleted] li").count() >= 3
        assert page.locator("[data-closing-kept] li").count() >= 2
        _check(page, javascript)

        button = page.locator("main button[data-close-account]")
        box = button.bounding_box()
        assert box["height"] >= 60 and box["width"] >= 300  # a main action, full width
        button.click()
        assert page.url == portal_url + "/my/close/"
        assert page.locator("[data-closing-pending]").is_visible()
        _check(page, javascript)

        page.goto(portal_url + "/my/")
        assert page.locator("[data-closing-notice]").is_visible()
        page.click("[data-closing-notice] a")
        page.click("main form[action='/my/close/keep/'] button")
        assert page.url == portal_url + "/my/close/kept/"
        assert page.locator("[data-account-kept]").is_visible()
        _check(page, javascript)
        page.goto(portal_url + "/my/")
        assert page.locator("[data-closing-notice]").count() == 0
    with django_db_blocker.unblock():
        closure = AccountClosure.objects.get(resident=resident)
        assert closure.cancelled_at is not None and closure.closed_at is None
        resident.refresh_from_db()
        assert resident.is_active and resident.phone
