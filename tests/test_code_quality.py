"""ruff and mypy, as configured in pyproject.toml, pass on the whole project."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "ingest", "dashboard",
                             "tests", "bench"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_dates_module_imports_dateparser() -> None:
    importers = sorted(str(p.relative_to(REPO)) for folder in ("ingest", "dashboard")
                       for p in (REPO / folder).rglob("*.py")
                       if "import dateparser" in p.read_text(encoding="utf-8"))
    assert importers == ["ingest/dates.py"]
