"""benchmarks/memory.py: a tiny run prints what each flavour retains per test.

The figures depend on the interpreter; what is checked is that both
generated suites pass under the plugin (a failing run stops the script) and
that each line carries its numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "memory.py"
NUMBER = r"[-+]?\d+\.\d+"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )


def test_a_tiny_run_prints_both_flavours_and_their_difference() -> None:
    done = run_script("--tests", "30", "--warm-up", "10", "--no-autoload", "--top", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    for flavour in ("async", "sync"):
        line = rf"^{flavour} +retains +{NUMBER} bytes per test run, +{NUMBER} per test collected$"
        assert re.search(line, text, re.MULTILINE), text
    difference = rf"^async - sync: {NUMBER} bytes per test run, {NUMBER} per test collected$"
    assert re.search(difference, text, re.MULTILINE), text
    assert "where" in text.splitlines()[4]


def test_auto_mode_runs_the_unmarked_tests() -> None:
    done = run_script("--tests", "20", "--warm-up", "5", "--no-autoload", "--mode", "auto")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mode auto; 20 tests per flavour" in done.stdout


def test_a_failing_run_stops_the_script_with_its_output() -> None:
    done = run_script("--tests", "20", "--warm-up", "5", "--python", "/bin/false")
    assert done.returncode != 0
    assert "run failed" in done.stderr
    assert "retains" not in done.stdout
