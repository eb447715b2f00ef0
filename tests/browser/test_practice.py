"""Practising the one-tap taxi in Chromium on a phone: signed out, with and without JavaScript,
every page saying it is practice, no axe violations, and no ride kept afterwards."""

import pytest

from services.taxi.models import Ride
from tests.browser.test_elder_ux import new_tab, run_axe, visit

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
BANNER = "This is practice: no taxi is really called"


def _practice_page(page, step, *, axe):
    """The banner is the first thing on the page, in view; nothing is wider than the phone."""
    banner = page.locator("[data-practice-banner]")
    assert banner.is_visible(), step
    assert BANNER in banner.inner_text(), step
    # First in the page, below the help bar, on the first screen.
    assert page.locator("h1").count() == 1, step
    assert banner.bounding_box()["y"] < page.locator("h1").bounding_box()["y"], step
    assert banner.bounding_box()["y"] < PHONE_390["height"], step
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"], step
    if axe:
        results = run_axe(page)
        assert results.violations_count == 0, f"{step}:\n{results.generate_report()}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_practice_taxi_on_a_phone_ends_well_done_and_keeps_no_ride(
    browser, portal_url, django_db_blocker, javascript
):
    with django_db_blocker.unblock():
        rides = Ride.objects.count()
    with new_tab(browser, viewport=PHONE_390, javascript=javascript, with_axe=javascript) as page:
        visit(page, portal_url, "/practice/en/taxi/")
        _practice_page(page, "start", axe=javascript)
        page.click("main form button.button-action")  # the one tap
        _practice_page(page, "well done", axe=javascript)
        done = page.locator("[data-practice-done]")
        assert "Well done" in done.locator("h2").inner_text()
        real = done.locator("a.button-action")
        assert real.get_attribute("href") == "/en/taxi/" and real.is_visible()
        assert page.locator("main h1", has_text="Your taxi").count() == 1  # the real ride page
        # A look at the practice ride later: the practice is over, nothing was kept.
        page.click("main a:has-text('Refresh')")
        _practice_page(page, "over", axe=javascript)
        assert "This practice has ended" in page.inner_text("main h1")
        page.click("[data-practice-banner] a")  # the way out
        assert page.url == portal_url + "/en/"  # the home page, in the same language
        assert page.locator("[data-practice-banner]").count() == 0
    with django_db_blocker.unblock():
        assert Ride.objects.count() == rides
