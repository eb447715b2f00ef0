"""The elder-friendly rules of shared/design/elder-ux.md, checked in real Chromium.

Every page type (home, service index, service page, help pages, display form and
the 404 page) in Chinese and English, served by gunicorn from the test database.
One browser for the session; each case opens its own context (cookies, viewport,
JavaScript on or off).
"""

import contextlib
import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

from tests.support.page_weight import PAGE_TYPES

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
SIZES = ("standard", "large", "extra")
# (text size, contrast): each text size, and high contrast.
DISPLAYS = (("standard", "normal"), ("large", "normal"), ("extra", "normal"), ("standard", "high"))
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
LANGS = {"zh": "zh-Hans", "en": "en"}
# Body text: paragraphs, list items, and the labels of form choices (the display
# form has no paragraphs of its own).
BODY_TEXT = "main p, main li, main label, main dd"

# (id, path, language, page type) for every page type in both languages.
PAGES = [
    (f"{name.replace(' ', '-')}-{lang}", path, lang, name)
    for name, paths in PAGE_TYPES.items()
    for lang, path in zip(LANGS, paths, strict=True)
]
ALL_PAGES = [pytest.param(path, lang, id=page_id) for page_id, path, lang, _name in PAGES]
PATH_IN = {(name, lang): path for _id, path, lang, name in PAGES}
READ_ALOUD_PAGES = [
    pytest.param(path, id=page_id)
    for page_id, path, _lang, name in PAGES
    if name in ("service page", "help page", "help page (centres)")
]
HOME_PAGES = [pytest.param(PATH_IN["home", lang], lang, id=f"home-{lang}") for lang in LANGS]

_axe = Axe()


@contextlib.contextmanager
def new_tab(browser, *, viewport=PHONE, javascript=True, with_axe=False):
    """A fresh context (its own cookies) with one page; nothing loaded yet."""
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    if with_axe:
        # Loaded at every navigation: much cheaper than sending it over each time.
        context.add_init_script(_axe.axe_script)
    try:
        yield context.new_page()
    finally:
        context.close()


def visit(page, portal_url, path, *, size="standard", contrast="normal"):
    """Go to ``path`` with the resident's text size and contrast set by cookie."""
    page.context.add_cookies(
        [
            {"name": "text_size", "value": size, "url": portal_url},
            {"name": "contrast", "value": contrast, "url": portal_url},
        ]
    )
    response = page.goto(portal_url + path)
    assert response is not None
    assert response.status == (404 if "no-such-page" in path else 200), path
    return response


@contextlib.contextmanager
def open_page(
    browser,
    portal_url,
    path,
    *,
    viewport=PHONE,
    size="standard",
    contrast="normal",
    javascript=True,
):
    """A fresh context with ``path`` loaded."""
    with new_tab(browser, viewport=viewport, javascript=javascript) as page:
        visit(page, portal_url, path, size=size, contrast=contrast)
        yield page


def run_axe(page):
    """axe-core on the loaded page (put there by ``new_tab(with_axe=True)``)."""
    # After a click the URL can change before the new document is there: axe would then run
    # on no document at all (seen on a loaded machine).
    page.wait_for_load_state("load")
    return AxeResults(page.evaluate(f"axe.run(document, {json.dumps(AXE_OPTIONS)})"))


def html_class(page):
    return page.evaluate("document.documentElement.className")


def expected_class(size, contrast):
    return f"size-{size}" + (" contrast-high" if contrast == "high" else "")


# --- Measurements made in the page ----------------------------------------

# Put in front of the functions below: Playwright runs the script and calls the
# function it ends with.
VISIBLE_JS = """
window.__visible = (el) => {
  const r = el.getBoundingClientRect();
  return r.width > 1 && r.height > 1 && el.checkVisibility({
    opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true});
};
"""

CONTRAST_JS = (
    VISIBLE_JS
    + """
(bodyText) => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(
    (i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];  // the canvas
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const results = [];
  for (const el of document.body.querySelectorAll("*")) {
    const ownText = [...el.childNodes].some(
      (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!ownText || !window.__visible(el)) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    results.push({
      tag: el.tagName.toLowerCase(),
      text: el.textContent.trim().slice(0, 40),
      body: el.matches(bodyText) || !!el.parentElement.closest(bodyText),
      ratio: Math.round(ratio(fg, bg) * 100) / 100,
    });
  }
  return results;
}
"""
)

FONT_SIZE_JS = (
    VISIBLE_JS
    + """
(selector) => [...document.querySelectorAll(selector)].filter(window.__visible).map((p) => ({
  text: p.textContent.trim().slice(0, 40),
  size: parseFloat(getComputedStyle(p).fontSize),
}))
"""
)

TARGETS_JS = (
    VISIBLE_JS
    + """
() => {
  const targets = document.querySelectorAll(
    "a[href], button, input[type=submit], input[type=button], [role=button]");
  return [...targets]
    .filter((el) => window.__visible(el))
    .filter((el) => !(el.matches(".skip-link") && document.activeElement !== el))
    .map((el) => {
      const r = el.getBoundingClientRect();
      return {
        html: el.outerHTML.slice(0, 80),
        main: el.matches(".button-action, .tile, .help-button"),
        width: r.width,
        height: r.height,
      };
    });
}
"""
)

FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 80),
    classes: [...el.classList],
    href: el.getAttribute("href"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    inViewport: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
      && r.bottom <= window.innerHeight && r.right <= window.innerWidth,
  };
}
"""

HELP_BAR_JS = """
() => {
  const bar = document.getElementById("help-bar");
  if (!bar) return null;
  const r = bar.getBoundingClientRect();
  return {
    top: r.top + window.scrollY,
    left: r.left + window.scrollX,
    tel: bar.querySelectorAll('a[href^="tel:"]').length,
    visible: r.width > 0 && r.height > 0,
  };
}
"""


def has_focus_ring(focused):
    ring = focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 3
    return ring or focused["boxShadow"] != "none"


# --- axe-core ---------------------------------------------------------------


@pytest.mark.parametrize(("path", "lang"), ALL_PAGES)
def test_no_axe_violations_at_every_size_and_contrast(browser, portal_url, path, lang):
    """WCAG 2.2 AA and best practice, on a phone and a desktop, at every display setting."""
    problems = []
    with new_tab(browser, with_axe=True) as page:
        for viewport_name, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            for size, contrast in DISPLAYS:
                visit(page, portal_url, path, size=size, contrast=contrast)
                assert html_class(page) == expected_class(size, contrast)
                results = run_axe(page)
                if results.violations_count:
                    problems.append(
                        f"{viewport_name}, {size}, {contrast}:\n{results.generate_report()}"
                    )
    assert not problems, "\n\n".join(problems)


# --- Layout -----------------------------------------------------------------


@pytest.mark.parametrize(("path", "lang"), ALL_PAGES)
def test_no_sideways_scrolling_at_320_px_at_every_text_size(browser, portal_url, path, lang):
    problems = []
    with new_tab(browser, viewport=NARROW) as page:
        for size in SIZES:
            visit(page, portal_url, path, size=size)
            assert html_class(page) == expected_class(size, "normal")
            scroll_width, client_width = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll_width > client_width:
                problems.append(f"{size}: scrollWidth {scroll_width} > clientWidth {client_width}")
    assert not problems


@pytest.mark.parametrize(("path", "lang"), ALL_PAGES)
def test_body_text_size_and_contrast(browser, portal_url, path, lang):
    """Body text at least 20 px at standard size and at least 7:1 (AAA) in normal and
    high contrast; no text anywhere under 4.5:1."""
    with new_tab(browser, viewport=DESKTOP) as page:
        visit(page, portal_url, path)
        paragraphs = page.evaluate(FONT_SIZE_JS, BODY_TEXT)
        assert paragraphs, "no body text found in <main>"
        too_small = [p for p in paragraphs if p["size"] < 20]
        assert not too_small
        for contrast in ("normal", "high"):
            if contrast != "normal":
                visit(page, portal_url, path, contrast=contrast)
            texts = page.evaluate(CONTRAST_JS, BODY_TEXT)
            assert any(text["body"] for text in texts), "no body text found in <main>"
            low_body = [t for t in texts if t["body"] and t["ratio"] < 7]
            low_any = [t for t in texts if t["ratio"] < 4.5]
            assert not low_body, contrast
            assert not low_any, contrast


@pytest.mark.parametrize(("path", "lang"), ALL_PAGES)
def test_targets_are_big_enough(browser, portal_url, path, lang):
    """Every link and button at least 44 x 44 CSS px; the main actions 60 x 60."""
    with open_page(browser, portal_url, path) as page:
        for viewport_name, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            targets = page.evaluate(TARGETS_JS)
            assert targets
            small = [t for t in targets if t["width"] < 44 or t["height"] < 44]
            small_main = [t for t in targets if t["main"] and (t["width"] < 60 or t["height"] < 60)]
            assert not small, viewport_name
            assert not small_main, viewport_name


# --- Help is always in the same place -------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_help_bar_is_in_the_same_place_on_every_page(browser, portal_url, viewport, lang):
    """Same top and left on every page type, for one language, viewport and text size."""
    with new_tab(browser, viewport=VIEWPORTS[viewport]) as page:
        for size in ("standard", "extra"):
            places = {}
            for name in PAGE_TYPES:
                visit(page, portal_url, PATH_IN[name, lang], size=size)
                bar = page.evaluate(HELP_BAR_JS)
                assert bar is not None, f"{name}: no #help-bar"
                assert bar["visible"], name
                assert bar["tel"] >= 1, f"{name}: no tel: link in the help bar"
                places[name] = (bar["top"], bar["left"])
            assert len(set(places.values())) == 1, (size, places)


# --- Language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_id", "path", "lang", "name"), [pytest.param(*page, id=page[0]) for page in PAGES]
)
def test_html_lang_and_the_language_switch(browser, portal_url, page_id, path, lang, name):
    other = "en" if lang == "zh" else "zh"
    other_hreflang = "en" if other == "en" else "zh-hans"
    with open_page(browser, portal_url, path) as page:
        assert page.get_attribute("html", "lang") == LANGS[lang]
        switch = page.locator(f'header a[hreflang="{other_hreflang}"]')
        assert switch.count() == 1
        href = switch.get_attribute("href")
        # That page's own lang is checked by its own case here.
        assert urlsplit(urljoin(page.url, href)).path == PATH_IN[name, other]


# --- Without JavaScript ---------------------------------------------------


@pytest.mark.parametrize(("path", "lang"), ALL_PAGES)
def test_every_page_works_without_javascript(browser, portal_url, path, lang):
    with open_page(browser, portal_url, path, javascript=False) as page:
        assert page.locator("h1").first.is_visible()
        assert page.locator("#help-bar").is_visible()
        assert page.locator('#help-bar a[href^="tel:"]').first.is_visible()
        assert page.locator("#help-bar .help-button").is_visible()
        # Read aloud needs JavaScript: without it the buttons stay hidden.
        assert not page.locator("[data-read-start], [data-read-stop]").first.is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_display_form_works_without_javascript(browser, portal_url, lang):
    start = PATH_IN["service page", lang]
    with open_page(browser, portal_url, start, javascript=False) as page:
        assert page.evaluate("document.documentElement.className") == "size-standard"
        page.locator(f'header a[href^="{PATH_IN["display form", lang]}?next="]').click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path == PATH_IN["display form", lang]
        page.locator('input[name="size"][value="extra"]').check()
        page.locator('input[name="contrast"][value="high"]').check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path == start
        assert page.evaluate("document.documentElement.className") == "size-extra contrast-high"
        # The form shows the choice now in force.
        page.goto(portal_url + PATH_IN["display form", lang])
        assert page.locator('input[name="size"][value="extra"]').is_checked()
        assert page.locator('input[name="contrast"][value="high"]').is_checked()


@pytest.mark.parametrize("path", READ_ALOUD_PAGES)
def test_read_aloud_buttons_only_with_javascript(browser, portal_url, path):
    with open_page(browser, portal_url, path, javascript=False) as page:
        assert page.locator("[data-read-aloud]").count() == 1
        assert page.locator("[data-read-aloud]").get_attribute("hidden") is not None
        assert not page.locator("[data-read-start]").is_visible()
        assert not page.locator("[data-read-stop]").is_visible()
    with open_page(browser, portal_url, path) as page:
        page.locator("[data-read-start]").wait_for(state="visible")
        assert page.locator("[data-read-stop]").is_visible()


# --- Keyboard only --------------------------------------------------------


@pytest.mark.parametrize(("path", "lang"), ALL_PAGES)
def test_keyboard_only(browser, portal_url, path, lang):
    """Tab from the top: skip link first, then every stop shows a focus ring."""
    with open_page(browser, portal_url, path, viewport=DESKTOP) as page:
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUSED_JS)
        assert first is not None
        assert "skip-link" in first["classes"]
        assert first["inViewport"], "the skip link is not visible when focused"
        assert has_focus_ring(first)
        stops = [first]
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED_JS)
            if focused is None or "skip-link" in focused["classes"]:
                break  # back at the top
            stops.append(focused)
        no_ring = [stop["html"] for stop in stops if not has_focus_ring(stop)]
        assert not no_ring
        out_of_view = [stop["html"] for stop in stops if not stop["inViewport"]]
        assert not out_of_view, "focused but scrolled out of sight"
        assert any("help-button" in stop["classes"] for stop in stops)
        tiles = page.locator(".tile")
        reached = {stop["href"] for stop in stops if "tile" in stop["classes"]}
        expected = {tiles.nth(i).get_attribute("href") for i in range(tiles.count())}
        assert reached == expected
        if path == PATH_IN["home", lang]:
            assert len(expected) >= 4, "the home page should show the service tiles"


@pytest.mark.parametrize(("path", "lang"), HOME_PAGES)
def test_skip_link_moves_focus_to_main(browser, portal_url, path, lang):
    with open_page(browser, portal_url, path) as page:
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")


# --- Errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "prefix"), [pytest.param("zh", "错误", id="zh"), pytest.param("en", "Error", id="en")]
)
def test_tampered_display_form_shows_the_error_summary(browser, portal_url, lang, prefix):
    with open_page(browser, portal_url, PATH_IN["display form", lang]) as page:
        page.evaluate(
            """() => {
              const radio = document.querySelector('input[name="size"]');
              radio.value = "enormous";
              radio.checked = true;
            }"""
        )
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert page.title().startswith(prefix), page.title()
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        assert summary.locator("a[href]").count() >= 1
        page.wait_for_function(
            "document.activeElement && document.activeElement.matches('.error-summary')"
        )
        small = [t for t in page.evaluate(TARGETS_JS) if t["width"] < 44 or t["height"] < 44]
        assert not small
        results = _axe.run(page, options=AXE_OPTIONS)  # injected here: no init script
        assert results.violations_count == 0, results.generate_report()
        assert re.search(r"\bsize-standard\b", page.evaluate("document.documentElement.className"))
