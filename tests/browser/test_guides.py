"""A demo guide in real Chromium at a phone's width: accessible, whole without JavaScript,
its pictures served, and light enough for an older phone (tests/support/page_weight.py)."""

import pytest

from tests.browser.test_elder_ux import (
    BODY_TEXT,
    DISPLAYS,
    FONT_SIZE_JS,
    TARGETS_JS,
    html_class,
    new_tab,
    run_axe,
    visit,
)
from tests.support.page_weight import (
    BUDGETS,
    budget_problems,
    format_table,
    gzip_size,
    measure_page,
)

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
# The taxi guide: a practised service, so every kind of link a guide has is on it.
GUIDES = [
    pytest.param("/guides/call-a-taxi/", id="zh"),
    pytest.param("/en/guides/call-a-taxi/", id="en"),
]
STEPS = 4

# Each picture of the page once it has loaded: what the phone took (the <picture>'s choice).
PICTURES_JS = """
() => [...document.querySelectorAll("main ol.steps img")].map((img) => ({
  alt: img.getAttribute("alt"),
  loading: img.getAttribute("loading"),
  complete: img.complete,
  naturalWidth: img.naturalWidth,
  src: img.currentSrc,
  width: img.getBoundingClientRect().width,
}))
"""


def _scroll_to_the_end(page):
    """Scroll down a screen at a time, as a reader does, so every lazy picture loads."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, height + PHONE_390["height"], PHONE_390["height"] // 2):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", GUIDES)
def test_a_guide_at_390_px_has_no_axe_violations_at_every_display(browser, portal_url, path):
    problems = []
    with new_tab(browser, viewport=PHONE_390, with_axe=True) as page:
        for size, contrast in DISPLAYS:
            visit(page, portal_url, path, size=size, contrast=contrast)
            assert html_class(page).startswith(f"size-{size}")
            results = run_axe(page)
            if results.violations_count:
                problems.append(f"{size}, {contrast}:\n{results.generate_report()}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_390["width"]:
                problems.append(f"{size}, {contrast}: scrolls sideways ({width} px)")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("path", GUIDES)
def test_a_guide_has_big_type_and_big_targets(browser, portal_url, path):
    """Body text at least 20 px; every link and button 44 x 44 px, the main ones 60 x 60."""
    with new_tab(browser, viewport=PHONE_390) as page:
        visit(page, portal_url, path)
        texts = page.evaluate(FONT_SIZE_JS, BODY_TEXT)
        targets = page.evaluate(TARGETS_JS)
    assert len(texts) > 2 * STEPS
    assert not [text for text in texts if text["size"] < 20]
    assert not [t for t in targets if t["width"] < 44 or t["height"] < 44]
    assert not [t for t in targets if t["main"] and (t["width"] < 60 or t["height"] < 60)]


@pytest.mark.parametrize("path", GUIDES)
def test_every_picture_of_a_guide_loads_as_a_small_webp_that_fits_the_phone(
    browser, portal_url, path
):
    with new_tab(browser, viewport=PHONE_390) as page:
        visit(page, portal_url, path)
        _scroll_to_the_end(page)
        pictures = page.evaluate(PICTURES_JS)
    assert len(pictures) == STEPS
    for picture in pictures:
        assert picture["alt"].strip()
        assert picture["loading"] == "lazy"
        assert picture["complete"] and picture["naturalWidth"] > 0, picture
        assert picture["src"].endswith(".webp"), picture
        assert 200 < picture["width"] <= PHONE_390["width"], picture


@pytest.mark.parametrize("path", GUIDES)
def test_a_guide_works_without_javascript(browser, portal_url, path):
    with new_tab(browser, viewport=PHONE_390, javascript=False) as page:
        visit(page, portal_url, path)
        assert page.locator("h1").is_visible()
        steps = page.locator("main ol.steps > li")
        assert steps.count() == STEPS
        for number in range(STEPS):
            step = steps.nth(number)
            step.scroll_into_view_if_needed()
            assert step.locator("strong").first.is_visible()
            assert step.locator("img").is_visible()
            assert step.locator(".notice").is_visible()
        assert page.locator("main a.button-action").is_visible()  # practise first
        assert page.locator("#help-bar .help-button").is_visible()
        # Read aloud needs JavaScript: without it the buttons stay hidden.
        assert not page.locator("[data-read-start]").is_visible()
        # The link to practise leads somewhere that answers.
        practice = page.locator("main a.button-action").get_attribute("href")
        response = page.goto(portal_url + practice)
        assert response is not None and response.status < 400


@pytest.mark.parametrize("path", GUIDES)
def test_a_guide_is_within_the_weight_budget_at_phone_width(browser, portal_url, path):
    result = measure_page(browser, portal_url, path, "guide")
    assert not budget_problems([result]), format_table([result])
    assert result["status"] == 200
    assert result["first_html_bytes"] > 1000


@pytest.mark.parametrize("path", GUIDES)
def test_a_guide_read_to_the_end_stays_within_100_kb(browser, portal_url, path):
    """Every picture loaded (the reader scrolled through every step), still under budget."""
    context = browser.new_context(viewport=PHONE_390)
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        visit(page, portal_url, path)
        _scroll_to_the_end(page)
        own = [r for r in responses if r.url.startswith(portal_url) and r.status == 200]
        pictures = [r for r in own if "/media/images/" in r.url]
        total = sum(gzip_size(r.body()) for r in own)
    finally:
        context.close()
    assert len({r.url for r in pictures}) >= 3  # the taxi guide shows one picture twice
    assert total <= BUDGETS["page_gz"], total
