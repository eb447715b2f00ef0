"""The one-tap taxi in Chromium: sign in, one tap, the car on the status page, cancel."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.accounts.models import SavedPlace
from services.taxi.models import Ride
from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import SIZES, new_tab, run_axe

pytestmark = pytest.mark.browser


def _give_home_if_asked(page, address):
    """A first taxi visit asks for the home address once; answer it if it is asked."""
    if "/taxi/home/" in page.url:
        page.fill("#id_home_address", address)
        page.click("main button.button-action")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_tap_after_sign_in_brings_a_car_and_it_can_be_cancelled(
    browser, portal_url, django_db_blocker, javascript
):
    phone = "+8613900007701" if javascript else "+8613900007702"
    with new_tab(browser, javascript=javascript) as page:
        sign_in(page, portal_url, phone, django_db_blocker, "/taxi/")
        _give_home_if_asked(page, "华山路 100 号，静安寺站 5 号口")
        assert page.url == portal_url + "/taxi/"
        assert page.locator("main button[type=submit]").count() == 1  # the one thing to tap
        page.click("text=从家里叫车")  # tap 1 ...
        assert re.search(r"/taxi/rides/\d+/$", page.url)  # ... and the ride is called
        page.goto(page.url)  # the plain refresh button's target
        assert page.locator("[data-field=car_plate]").inner_text().startswith("沪")
        assert page.locator("a[href^='tel:']").count() >= 2  # the driver, and the hotline
        with django_db_blocker.unblock():  # the simulated car may be at the door already
            Ride.objects.filter(resident__phone=phone).update(status="car_found")
        page.goto(page.url)
        page.click("main form[action$='/cancel/'] button")
        assert "取消这辆车吗" in page.inner_text("main h1")  # asked once
        page.click("main button[name=answer][value=yes]")
        assert "这次叫车已取消" in page.content()
        assert page.locator("main a:has-text('再叫一辆')").is_visible()


@pytest.mark.parametrize("size", SIZES)
def test_the_taxi_pages_have_no_axe_violations(browser, portal_url, django_db_blocker, size):
    phone = {"standard": "+8613900007711", "large": "+8613900007712", "extra": "+8613900007713"}
    with new_tab(browser, with_axe=True) as page:
        sign_in(page, portal_url, phone[size], django_db_blocker, "/taxi/")
        if page.url.endswith("/taxi/home/"):
            results = run_axe(page)
            assert results.violations_count == 0, results.generate_report()
        _give_home_if_asked(page, "虹桥路 200 号")
        # Signed in, the text size lives in the profile: choose it with the display form.
        page.goto(portal_url + "/display/?next=/taxi/")
        page.check(f"input[name=size][value={size}]")
        with page.expect_navigation():  # the next page, not the one being left
            page.click("button.button-action")
        assert f"size-{size}" in page.evaluate("document.documentElement.className")
        for step in ("start", "ride"):
            results = run_axe(page)
            assert results.violations_count == 0, f"{step}:\n{results.generate_report()}"
            if step == "start":
                page.click("text=从家里叫车")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_other_choices_one_question_a_page_then_check_and_book(
    browser, portal_url, django_db_blocker, javascript
):
    """A saved place, a destination, a later time and notes: each on its page, then one confirm."""
    phone = "+8613900007721" if javascript else "+8613900007722"
    with new_tab(browser, javascript=javascript, with_axe=javascript) as page:

        def no_violations(step):
            if javascript:  # axe runs in the page; without JavaScript the walk is the test
                results = run_axe(page)
                assert results.violations_count == 0, f"{step}:\n{results.generate_report()}"

        sign_in(page, portal_url, phone, django_db_blocker, "/taxi/choose/")
        _give_home_if_asked(page, "华山路 100 号")  # asked once, then on to the first question
        assert page.url == portal_url + "/taxi/choose/from/"
        with django_db_blocker.unblock():
            resident = get_user_model().objects.get(phone=phone)
            clinic, _ = SavedPlace.objects.get_or_create(
                resident=resident, label="医院", address="乌鲁木齐中路 12 号", landmark="北门"
            )
        # The start page's link begins the visit with the saved place on the list.
        page.goto(portal_url + "/taxi/")
        assert page.locator("main button[type=submit]").count() == 1  # still one tap
        page.click("main a[href='/taxi/choose/']")
        no_violations("from")
        page.check(f"input[name=pickup][value=place-{clinic.pk}]")
        page.click("main button.button-action")
        assert page.url.endswith("/taxi/choose/to/")
        no_violations("to")
        page.fill("#id_destination", "人民广场")
        page.click("main button.button-action")
        assert page.url.endswith("/taxi/choose/when/")
        no_violations("when")
        page.check("input[name=when][value=later]")
        page.fill("#id_time", "25:00")
        page.click("main button.button-action")
        assert page.title().startswith(("错误", "Error")) and page.locator(".error-summary").count()
        no_violations("when, with an error")
        later = timezone.localtime(timezone.now() + timedelta(hours=2)).replace(second=0)
        page.fill("#id_time", later.strftime("%H:%M"))
        page.click("main button.button-action")
        assert page.url.endswith("/taxi/choose/notes/")
        no_violations("notes")
        page.fill("#id_notes", "走路慢，请在门口等一下")
        page.click("main button.button-action")
        assert page.url.endswith("/taxi/choose/check/")
        no_violations("check")
        # Change the destination: the change link goes there and comes back to the check.
        page.click("main a[href='/taxi/choose/to/?change=1']")
        page.fill("#id_destination", "外滩")
        page.click("main button.button-action")
        assert page.url.endswith("/taxi/choose/check/")
        assert "外滩" in page.inner_text("main .check-answers")
        page.click("main button.button-action")  # the one confirm
        assert re.search(r"/taxi/rides/\d+/$", page.url)
        with django_db_blocker.unblock():
            ride = Ride.objects.filter(resident=resident).latest("pk")
        assert ride.pickup_address == "乌鲁木齐中路 12 号" and ride.pickup_note == "北门"
        assert ride.destination == "外滩" and ride.driver_notes == "走路慢，请在门口等一下"
        assert timezone.localtime(ride.pickup_at).strftime("%H:%M") == later.strftime("%H:%M")
        with django_db_blocker.unblock():  # the simulated car may be at the door already
            Ride.objects.filter(pk=ride.pk).update(status="car_found")
        page.goto(page.url)
        page.click("main form[action$='/cancel/'] button")  # leave no taxi on its way
        no_violations("cancel question")
        page.click("main button[name=answer][value=yes]")  # asked once: yes
        assert re.search(r"/taxi/rides/\d+/$", page.url)
        page.locator("main a[href='/taxi/']").wait_for()  # 再叫一辆, and the home page


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_status_page_shows_only_what_is_known_and_follows_the_ride(
    browser, portal_url, django_db_blocker, javascript
):
    """No empty car rows while looking; when no car came, no cancel and a person to ask."""
    phone = "+8613900007731" if javascript else "+8613900007732"
    with new_tab(browser, javascript=javascript) as page:
        sign_in(page, portal_url, phone, django_db_blocker, "/taxi/")
        _give_home_if_asked(page, "华山路 100 号")
        page.click("text=从家里叫车")
        with django_db_blocker.unblock():
            ride = Ride.objects.filter(resident__phone=phone).latest("pk")
            Ride.objects.filter(pk=ride.pk).update(
                status="looking", car_plate="", car_colour="", driver_phone="", minutes_away=None
            )
        page.goto(page.url)
        for row in ("car_plate", "minutes_words", "driver_phone", "needs_help"):
            assert not page.locator(f"[data-row={row}]").first.is_visible(), row
        assert page.locator("main form[action$='/cancel/'] button").is_visible()
        with django_db_blocker.unblock():
            Ride.objects.filter(pk=ride.pk).update(status="no_car")
        if javascript:  # the page follows by itself, without a reload
            page.locator("[data-row=needs_help]").wait_for(state="visible", timeout=15000)
        else:  # the plain refresh button
            page.click("main a:has-text('刷新')")
        assert page.locator("[data-row=needs_help] a").is_visible()
        assert not page.locator("main form[action$='/cancel/'] button").is_visible()
