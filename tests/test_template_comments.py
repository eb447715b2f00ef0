"""Django prints a {# … #} comment that spans lines onto the page: longer ones use
{% comment %}."""

from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for folder in ("portal", "services", "content", "assist")
    for path in (PROJECT_DIR / folder).rglob("templates/**/*.html")
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PROJECT_DIR)))
def test_no_one_line_comment_spans_lines(template):
    for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
        opened = line.rfind("{#")
        assert opened == -1 or "#}" in line[opened:], f"line {number} opens {{# without closing"
