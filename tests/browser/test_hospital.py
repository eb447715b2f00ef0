"""Hospital booking in Chromium: sign in, real name once, four choices, check, book, slip, cancel.

Runs against gunicorn on the test database with the demo hospitals (their sessions are made
for the next days from today, so the server's real clock finds free places).
"""

import re

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import SIZES, new_tab, run_axe

pytestmark = pytest.mark.browser

CHOICE = "main button[name=choice]"
CONFIRM = "main form[action$='/hospital/confirm/'] button"
CHECK_PATH = re.compile(r"/hospital/check/$")
SLIP_PATH = re.compile(r"/hospital/appointments/(\d+)/$")


@pytest.fixture(scope="module")
def demo_hospitals(portal_url, django_db_blocker):
    """The demo hospitals in the database the server reads (committed, idempotent)."""
    from services.hospital.demo import build_hospital_demo

    with django_db_blocker.unblock():
        build_hospital_demo()
    return portal_url


@pytest.mark.django_db
def test_the_demo_hospitals_have_days_to_book():
    # Marked django_db (and first), so running this file alone still makes the test database
    # the server reads. Inside this test's transaction: rolled back afterwards.
    from services.hospital import api
    from services.hospital.demo import build_hospital_demo
    from services.hospital.models import Department

    build_hospital_demo()
    for department in Department.objects.filter(hospital__active=True):
        assert api.free_days(department), department


def id_number(phone):
    """A made-up ID number with a valid check character, different for each phone."""
    body = f"31010519500101{phone[-3:]}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def give_real_name(page, phone):
    assert page.url.endswith("/hospital/real-name/"), page.url
    page.fill("#id_real_name", "王秀英")
    page.fill("#id_id_number", id_number(phone))
    submit(page, "main button.button-action")


def choose_four_times(page, check=None):
    """Take one offer on each choice page until the check page; count the choices."""
    choices = 0
    while not CHECK_PATH.search(page.url):
        assert choices < 4, f"a fifth question at {page.url}"
        if check:
            check(page)
        assert page.locator(CHOICE).count() >= 1, page.url
        # The latest day, so the visit can still be cancelled (that closes the evening before).
        offers = page.locator(CHOICE)
        submit(page, offers.last if page.url.endswith("/choose/day/") else offers.first)
        choices += 1
    return choices


def submit(page, target):
    """Click a button that sends a form, and wait for the page it leads to."""
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()


def assert_no_axe_violations(page, where):
    results = run_axe(page)
    assert results.violations_count == 0, f"{where} ({page.url}):\n{results.generate_report()}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_booking_takes_four_choices_then_the_slip_prints_and_cancels(
    browser, demo_hospitals, django_db_blocker, javascript
):
    portal_url = demo_hospitals
    phone = "+8613900008801" if javascript else "+8613900008802"
    with new_tab(browser, javascript=javascript) as page:
        sign_in(page, portal_url, phone, django_db_blocker, "/hospital/")
        give_real_name(page, phone)
        assert page.url == portal_url + "/hospital/choose/hospital/"
        assert choose_four_times(page) == 4
        rows = page.locator("main .check-answers dd").all_inner_texts()
        assert any("医院" in row for row in rows)  # the hospital chosen
        assert page.locator("main .check-answers a").count() >= 4  # a change link per choice
        assert page.locator("main a[href^='tel:'], #help-bar a[href^='tel:']").count() >= 1
        submit(page, CONFIRM)
        found = SLIP_PATH.search(page.url)
        assert found, page.url
        code = page.locator(".slip-code").inner_text()
        assert re.fullmatch(r"(Code |代码 |号码 )?\d{4} \d{4}", code.strip().split("\n")[-1])
        assert page.locator(".slip-qr svg").count() == 1
        # The print button needs JavaScript; without it, it stays hidden (the menu still prints).
        assert page.locator("[data-print]").is_visible() is javascript
        page.emulate_media(media="print")
        assert not page.locator("#help-bar").is_visible()
        assert not page.locator(".site-header").is_visible()
        assert page.locator(".slip-code").is_visible()
        page.emulate_media(media="screen")
        # Cancel: the slip's button, one question, then the slip again without the button.
        submit(page, "main form[action$='/cancel/'] button")
        page.check("main input[name=answer][value=yes]")
        submit(page, "main button.button-action")
        assert SLIP_PATH.search(page.url)
        assert page.locator("main form[action$='/cancel/']").count() == 0
        # A cancelled slip says so first, large, and shows nothing to take to the hospital.
        assert page.locator("main [data-cancelled]").inner_text().strip() == "已取消"
        size = "node => parseFloat(getComputedStyle(node).fontSize)"
        assert page.locator("main [data-cancelled]").evaluate(size) >= 2 * page.locator(
            "body"
        ).evaluate(size)
        for gone in (".slip-code", ".slip-qr", "[data-print]"):
            assert page.locator(gone).count() == 0, gone
    with django_db_blocker.unblock():
        from services.hospital.models import Appointment

        appointment = Appointment.objects.get(pk=int(found.group(1)))
        assert appointment.status == "cancelled"
        assert appointment.patient.phone == phone


@pytest.mark.parametrize("size", SIZES)
def test_every_hospital_page_has_no_axe_violations(
    browser, demo_hospitals, django_db_blocker, size
):
    portal_url = demo_hospitals
    phone = {"standard": "+8613900008811", "large": "+8613900008812", "extra": "+8613900008813"}
    with new_tab(browser, with_axe=True) as page:
        sign_in(page, portal_url, phone[size], django_db_blocker, "/hospital/")
        # Signed in, the text size lives in the profile: choose it with the display form.
        page.goto(portal_url + "/display/?next=/hospital/")
        page.check(f"input[name=size][value={size}]")
        with page.expect_navigation():  # the next page, not the one being left
            page.click("button.button-action")
        assert f"size-{size}" in page.evaluate("document.documentElement.className")
        assert page.url.endswith("/hospital/real-name/")
        assert_no_axe_violations(page, "real name")
        submit(page, "main button.button-action")  # empty: the error summary
        assert page.title().startswith("Error") or page.title().startswith("错误")
        assert_no_axe_violations(page, "real name with errors")
        give_real_name(page, phone[size])
        choose_four_times(page, check=lambda p: assert_no_axe_violations(p, "choice page"))
        assert_no_axe_violations(page, "check your answers")
        submit(page, CONFIRM)
        assert SLIP_PATH.search(page.url)
        assert_no_axe_violations(page, "slip")
        submit(page, "main form[action$='/cancel/'] button")
        assert_no_axe_violations(page, "cancel question")
        submit(page, "main button.button-action")  # no answer: the error summary
        assert_no_axe_violations(page, "cancel question with an error")
        page.goto(portal_url + "/hospital/appointments/")
        assert_no_axe_violations(page, "my appointments")
        page.goto(portal_url + "/en/hospital/appointments/")
        assert_no_axe_violations(page, "my appointments in English")
