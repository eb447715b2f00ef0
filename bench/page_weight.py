"""Page weight of every page type, in real Chromium (see tests/support/page_weight.py).

    .venv/bin/python bench/page_weight.py

Builds the demo site in a throw-away SQLite database (or in DATABASE_URL when
set), serves it with gunicorn on 127.0.0.1, loads each page type in Chinese and
English, and prints a table, then one JSON line. Exits 1 when a page goes over
a budget.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.live_portal import launch_chromium, running_portal  # noqa: E402
from tests.support.page_weight import (  # noqa: E402
    budget_problems,
    format_table,
    measure_all,
    summary,
)


def prepare_database(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def run(database_url):
    prepare_database(database_url)
    with running_portal(database_url) as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            return measure_all(browser, base_url)
        finally:
            browser.close()


def main():
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        results = run(database_url)
    else:
        with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
            results = run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    print("Page weight (bytes; gz = gzip level 6 of each same-origin response)")
    print(format_table(results))
    problems = budget_problems(results)
    for problem in problems:
        print(f"OVER BUDGET: {problem}")
    print(json.dumps(summary(results), ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
