"""The boundaries of docs/architecture.md are checked by import-linter, and it does fail
when one is crossed."""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports():
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_keeps_every_boundary():
    result = _lint_imports()
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("where", "line", "contract"),
    [
        ("assist", "from services.taxi import models", "only its api module"),
        ("content", "from services.hospital import api", "only through services.registry"),
        ("portal/audit", "import assist", "never import the human channels"),
        ("services/taxi", "from services.hospital import api", "do not know each other"),
    ],
)
def test_a_forbidden_import_breaks_the_check(where, line, contract):
    probe = PROJECT_DIR / where / "_boundary_probe.py"
    probe.write_text(f"{line}  # noqa\n")
    try:
        result = _lint_imports()
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
