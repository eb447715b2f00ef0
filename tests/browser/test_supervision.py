"""The supervisor's home in Chromium: axe-core finds nothing in the panel, and with JavaScript
off the charts (SVG) and their tables are there and the chooser still works.

The supervisor signs in once (password, then the authenticator's code); the page without
JavaScript uses the same signed-in session.
"""

import json
import re

import pytest
from axe_playwright_python.base import AxeResults

from tests.browser.test_desk import _authenticator_code
from tests.browser.test_elder_ux import AXE_OPTIONS, DESKTOP, new_tab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def supervisor_page(browser, portal_url, django_db_blocker):
    with new_tab(browser, viewport=DESKTOP, with_axe=True) as page:
        page.goto(f"{portal_url}/admin/login/?next=/admin/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", "silver-demo-supervisor")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/2fa/"))
        page.fill("#id_code", _authenticator_code("supervisor", django_db_blocker))
        page.locator("main form button").first.click()
        page.wait_for_url(re.compile(r"/admin/$"))
        yield page


def test_the_panel_has_no_axe_violations(supervisor_page, portal_url):
    page = supervisor_page
    page.goto(f"{portal_url}/admin/?period=30d&area=city")
    page.wait_for_load_state("load")
    results = AxeResults(
        page.evaluate(
            f"axe.run(document.querySelector('[data-supervision]'), {json.dumps(AXE_OPTIONS)})"
        )
    )
    assert results.violations_count == 0, results.generate_report()


def test_without_javascript_the_charts_and_tables_are_there(supervisor_page, browser, portal_url):
    state = supervisor_page.context.storage_state()
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False, storage_state=state)
    try:
        page = context.new_page()
        page.goto(f"{portal_url}/admin/")
        panel = page.locator("[data-supervision]")
        assert panel.locator("svg").count() >= 5
        figures = panel.locator("[data-figure]").count()
        assert figures >= 12 and panel.locator("table").count() == figures
        assert panel.locator("script").count() == 0
        page.select_option("#supervision-period", "7d")
        panel.locator("form button[type=submit]").click()
        page.wait_for_url(re.compile(r"period=7d"))
        link = page.locator("[data-figure=desk-channels] a[download]")
        assert "period=7d" in link.get_attribute("href")
        response = page.request.get(portal_url + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    finally:
        context.close()
