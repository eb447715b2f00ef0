"""The whole resident sign-in in Chromium: phone, the code from the SMS, two questions."""

import pytest

from tests.browser.test_elder_ux import new_tab, run_axe, visit
from tests.support.phones import code_sent_to

pytestmark = pytest.mark.browser


def _code_sent_to(phone, django_db_blocker):
    return code_sent_to(phone)


def _no_axe_violations(page, javascript):
    if javascript:  # axe-core itself needs JavaScript in the page
        results = run_axe(page)
        assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_newcomer_signs_in_at_large_text_with_the_code_from_the_sms(
    browser, portal_url, django_db_blocker, javascript
):
    phone = "+8613900005501" if javascript else "+8613900005502"
    with new_tab(browser, javascript=javascript, with_axe=javascript) as page:
        visit(page, portal_url, "/signin/?next=/services/", size="large")
        assert "size-large" in page.evaluate("document.documentElement.className")
        _no_axe_violations(page, javascript)
        page.fill("#id_phone", phone[3:6] + " " + phone[6:10] + " " + phone[10:])
        page.click("button.button-action")
        assert page.url == portal_url + "/signin/code/"
        _no_axe_violations(page, javascript)

        page.fill("#id_code", _code_sent_to(phone, django_db_blocker))
        page.click("button.button-action")
        assert page.url == portal_url + "/signin/welcome/name/"
        _no_axe_violations(page, javascript)

        page.fill("#id_preferred_name", "孙奶奶")
        page.click("button.button-action")
        assert page.url == portal_url + "/signin/welcome/home/"
        _no_axe_violations(page, javascript)

        page.click("button[name=skip]")
        assert page.url == portal_url + "/services/"
        assert page.locator("form[action='/signout/'] button").count() == 1


def test_a_wrong_code_shows_the_error_summary_with_focus(browser, portal_url, django_db_blocker):
    with new_tab(browser, with_axe=True) as page:
        visit(page, portal_url, "/signin/", size="extra")
        page.fill("#id_phone", "139 0000 5503")
        page.click("button.button-action")
        code = _code_sent_to("+8613900005503", django_db_blocker)
        page.fill("#id_code", "000000" if code != "000000" else "111111")
        page.click("button.button-action")
        assert page.title().startswith("错误")
        assert page.evaluate("document.activeElement.className") == "error-summary"
        _no_axe_violations(page, True)


def test_a_new_code_past_the_hourly_cap_is_refused_in_words_and_the_last_code_still_works(
    browser, portal_url, django_db_blocker
):
    phone = "+8613900005504"
    with new_tab(browser) as page:
        visit(page, portal_url, "/signin/?next=/services/")
        page.fill("#id_phone", "139 0000 5504")
        page.click("button.button-action")
        # The server's cap: SIGNIN_CODES_PER_NUMBER_PER_CLIENT, 5 codes an hour.
        for _ in range(4):
            page.click("button[value=resend]")
            assert page.get_attribute("[data-code-status]", "data-code-status") == "sent"
        last_code = _code_sent_to(phone, django_db_blocker)
        page.click("button[value=resend]")

        status = page.locator("[data-code-status]")
        assert status.get_attribute("data-code-status") == "refused"
        assert "没有发新的验证码" in status.inner_text()
        assert "请用最近收到的那个验证码" in status.inner_text()
        assert _code_sent_to(phone, django_db_blocker) == last_code  # nothing new went out
        page.fill("#id_code", last_code)
        page.click("button.button-action")
        assert page.url == portal_url + "/signin/welcome/name/"


def test_mine_is_one_tap_from_the_home_page_and_the_help_bar_and_lists_my_things(
    browser, portal_url, django_db_blocker
):
    from tests.browser.helpers import sign_in

    with new_tab(browser) as page:
        sign_in(page, portal_url, "+8613900005505", django_db_blocker, "/")
        page.click("main a[href='/my/']")
        assert page.url == portal_url + "/my/"
        labels = page.locator("[data-mine] a").all_inner_texts()
        for name in ("我的叫车", "我的挂号", "我的求助", "我的信息"):
            assert any(name in label for label in labels), (name, labels)
        page.goto(portal_url + "/services/")
        page.click("#help-bar a[href='/my/']")
        assert page.url == portal_url + "/my/"
