"""Rating a ride (好差评) in Chromium at 390 px: five large labelled choices, no axe
violations at every text size, and the whole rating done without JavaScript."""

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_elder_ux import new_tab, run_axe, visit

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


def _ended_ride(phone, django_db_blocker):
    """A ride of the resident with ``phone`` that has ended (committed: the server reads it)."""
    with django_db_blocker.unblock():
        from portal.accounts.models import User
        from services.taxi.models import Ride, Status

        resident = User.objects.get(phone=phone)
        ride = Ride.objects.create(
            resident=resident,
            requested_by=resident,
            pickup_address="静安区愚园路100弄5号",
            status=Status.DONE,
            idempotency_key=f"browser-rating-{phone}-{Ride.objects.count()}",
        )
        return ride.pk


def _rating_of(phone, django_db_blocker):
    with django_db_blocker.unblock():
        from portal.ratings.models import Rating

        return Rating.objects.filter(resident__phone=phone).first()


@pytest.mark.parametrize("size", ["standard", "extra"])
def test_the_rating_page_has_no_axe_violations(browser, portal_url, django_db_blocker, size):
    phone = "+8613900007701" if size == "standard" else "+8613900007702"
    with new_tab(browser, viewport=PHONE_390, with_axe=True) as page:
        sign_in(page, portal_url, phone, django_db_blocker, "/")
        ride = _ended_ride(phone, django_db_blocker)
        visit(page, portal_url, f"/rate/ride:{ride}/", size=size)
        assert page.locator("main input[type=radio][name=level]").count() == 5
        for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
            assert page.locator("main label", has_text=label).count() >= 1
        results = run_axe(page)
        assert results.violations_count == 0, results.generate_report()
        # The error page too: nothing chosen.
        page.click("main button.button-action")
        assert page.title().startswith("错误")
        results = run_axe(page)
        assert results.violations_count == 0, results.generate_report()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_390["width"], width


def test_a_ride_is_rated_and_changed_without_javascript(browser, portal_url, django_db_blocker):
    phone = "+8613900007703"
    with new_tab(browser, viewport=PHONE_390, javascript=False, with_axe=False) as page:
        sign_in(page, portal_url, phone, django_db_blocker, "/")
        ride = _ended_ride(phone, django_db_blocker)
        visit(page, portal_url, f"/taxi/rides/{ride}/", size="large")
        page.click(f"main a[href='/rate/ride:{ride}/']")
        page.check("main input[name=level][value='4']")
        page.check("main input[name=reasons][value=car_slow]")
        page.fill("main textarea[name=comment]", "司机很耐心")
        page.click("main button.button-action")
        assert page.url.endswith(f"/rate/ride:{ride}/thanks/")
        assert page.locator("main [data-rated='4']").count() == 1
        rating = _rating_of(phone, django_db_blocker)
        assert (rating.level, rating.reasons, rating.comment) == (4, ["car_slow"], "司机很耐心")
        page.click(f"main a[href='/rate/ride:{ride}/']")  # change it
        page.check("main input[name=level][value='5']")
        page.click("main button.button-action")
        assert _rating_of(phone, django_db_blocker).level == 5


@pytest.mark.parametrize("javascript", [True, False])
def test_last_months_results_on_the_service_page(
    browser, portal_url, django_db_blocker, javascript
):
    """Published results read the same with JavaScript off, and pass axe at 390 px."""
    with django_db_blocker.unblock():
        import datetime

        from portal.ratings.models import MonthlyResult

        MonthlyResult.objects.update_or_create(
            service="taxi",
            month=datetime.date(2026, 10, 1),
            defaults={
                "counts": {"5": 30, "4": 10, "3": 5, "2": 3, "1": 2},
                "total": 50,
                "poor": 5,
                "poor_followed_up_in_time": 4,
            },
        )
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        visit(page, portal_url, "/services/taxi/", size="large")
        results = page.locator("main section.ratings")
        assert "2026年10月" in results.locator("h2").inner_text()
        assert results.locator("tbody tr").count() == 5
        assert "60%" in results.locator("tbody tr").first.inner_text()
        if javascript:
            report = run_axe(page)
            assert report.violations_count == 0, report.generate_report()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_390["width"], width
