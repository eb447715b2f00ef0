"""Page weight budgets, measured in real Chromium (see tests/support/page_weight.py)."""

import pytest

from tests.support.page_weight import PAGE_TYPES, budget_problems, format_table, measure_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_is_within_the_weight_budget(browser, portal_url, name):
    results = [measure_page(browser, portal_url, path, name) for path in PAGE_TYPES[name]]
    problems = budget_problems(results)
    assert not problems, "\n".join([format_table(results), *problems])
    # The page really loaded: a budget check on an empty response proves nothing.
    expected_status = 404 if name == "404" else 200
    assert all(result["status"] == expected_status for result in results)
    assert all(result["first_html_bytes"] > 1000 for result in results)
