"""benchmarks/run.py: a quick run with tiny suites prints one result row per workload.

The numbers themselves depend on the machine; what is checked is that every
generated suite passes under the plugin (a failing run aborts the script)
and that each row carries its min/median/max (and, for the per-test
workloads, the best-of figure).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
NUMBER = r"[-+]?\d+\.\d+"
SPREAD = rf"min +{NUMBER} +median +{NUMBER} +max +{NUMBER}$"
BEST = rf"min +{NUMBER} +median +{NUMBER} +max +{NUMBER} +best-of +{NUMBER}$"

EXPECTED_ROWS = {
    "a": rf"^a +6 +async +{NUMBER} s +sync +{NUMBER} s +overhead/test µs {BEST}",
    "b": rf"^b +4 +async +{NUMBER} s +sync +{NUMBER} s +overhead/test µs {BEST}",
    "c": rf"^c +6 +async +{NUMBER} s +sync +{NUMBER} s +overhead/test µs {BEST}",
    "d": rf"^d +500 +plugin +{NUMBER} ms +asyncio\.run +{NUMBER} ms +difference % {SPREAD}",
    "collect": rf"^collect +40 +plugin +{NUMBER} s +no plugin +{NUMBER} s +difference % {SPREAD}",
}


def run_benchmark(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARK), *args],
        capture_output=True,
        text=True,
        timeout=300,  # a quick run with its slope is about a hundred pytest runs
        encoding="utf-8",
    )


def test_quick_run_prints_a_row_per_workload() -> None:
    sizes = ["--a", "6", "--b", "4", "--c", "6", "--d", "500", "--collect", "40"]
    done = run_benchmark(
        "--quick", "--repeat", "1", "--no-autoload", "--no-warm-up", *sizes, "--slope", "2,4"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("machine: ")
    assert "pytest-asyncio" in lines[0]
    assert re.match(rf"yardstick: asyncio loop create \+ run \+ close {NUMBER} µs$", lines[1])
    for workload, pattern in EXPECTED_ROWS.items():
        rows = [line for line in lines if re.match(pattern, line)]
        assert len(rows) == 1, f"no row for {workload} in:\n{done.stdout}"
    for bytecode in ("uncached", "cached"):
        session = rf"^session +{bytecode} +one test +{NUMBER} ms, -p no:asyncio +{NUMBER} ms"
        assert any(re.match(rf"{session} +per-session ms +{BEST}", line) for line in lines)
        for workload in ("a", "b", "c"):
            slope = rf"^slope {workload} +{bytecode} +µs/test async +{NUMBER} sync +{NUMBER}"
            assert any(re.match(rf"{slope} +cost +{BEST}", line) for line in lines), done.stdout


def test_vs_adds_session_and_slope_ratios_with_the_asyncio_floor() -> None:
    done = run_benchmark(
        *("--repeat", "1", "--no-autoload", "--no-warm-up", "--workloads", "session,slope"),
        *("--slope", "2,6", "--slope-workloads", "a", "--vs", sys.executable),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for bytecode in ("uncached", "cached"):
        assert any(re.match(rf"^session vs +{bytecode} +one test ", line) for line in lines)
        assert any(re.match(rf"^slope a vs +{bytecode} +µs/test ", line) for line in lines)
        floor_row = rf"^slope a floor +{bytecode} +µs/test pytest and bare asyncio, no plugin +"
        assert any(re.match(floor_row + SPREAD, line) for line in lines), done.stdout
        # Ratio rows need a positive cost of the other run, which tiny suites may lack.
        floor = rf"floor +{NUMBER} µs = +{NUMBER} of --vs$"
        ratios = [line for line in lines if line.startswith("slope a ratio")]
        assert all(re.search(rf"{BEST[:-1]} +{floor}", line) for line in ratios), ratios


def test_a_failing_run_stops_the_benchmark_with_its_output() -> None:
    done = run_benchmark(
        "--quick", "--repeat", "1", "--workloads", "a", "--a", "2", "--python", "/bin/false"
    )
    assert done.returncode == 1
    assert "failed" in done.stderr
    assert not re.search(r"^a +2 ", done.stdout, re.MULTILINE)


def test_vs_measures_a_second_interpreter_in_the_same_rounds() -> None:
    done = run_benchmark(
        "--quick",
        "--repeat",
        "1",
        "--no-autoload",
        "--no-warm-up",
        "--workloads",
        "a,c2",
        "--a",
        "4",
        "--c2",
        "4",
        "--vs",
        sys.executable,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[2].startswith("--vs machine: ")
    for workload in ("a", "c2"):
        assert any(re.match(rf"^{workload} +4 +async .*{BEST}", line) for line in lines)
        assert any(re.match(rf"^{workload} vs +4 +async .*{BEST}", line) for line in lines)
        best_ratio = rf"best-of +({NUMBER}|n/a)$"
        spread = rf"min +{NUMBER} +median +{NUMBER} +max +{NUMBER} +{best_ratio}"
        ratio = rf"^{workload} ratio +this plugin's overhead / --vs overhead +{spread}"
        # A ratio row needs a positive overhead of the other run, which tiny suites may lack.
        assert sum(bool(re.match(ratio, line)) for line in lines) <= 1
