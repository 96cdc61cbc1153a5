"""The suite's own option for CI's second database: --database-tests-only drops exactly the tests
that cannot reach the database, so that PostgreSQL still runs every test that can."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def collected(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", "-p", "no:xdist", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_the_option_keeps_the_tests_that_use_the_database_and_drops_the_others():
    from tests import test_numbers

    kept = collected("--database-tests-only", "tests/labs/test_lab_page.py", "tests/test_numbers.py")
    assert "tests/labs/test_lab_page.py::test_the_page_needs_a_login" in kept  # the db fixture, through client
    assert "tests/labs/test_lab_page.py::test_checking_with_htmx_returns_the_result_panel_and_the_history" in kept
    pure = [name for name in dir(test_numbers) if name.startswith("test_")]
    assert pure and not any(test.startswith("tests/test_numbers.py") for test in kept)  # pure functions only
