"""benchmarks/virtual_clock_suites.py: a suite run on both clocks, and the table.

Fetching real projects needs the network, so the script's runs are checked
on a small local suite instead: outcomes and test times read from the
JUnit XML report, and the table and the list of tests that did not pass.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "virtual_clock_suites.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("virtual_clock_suites", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_sleeping_suite_runs_on_both_clocks(script: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "project"
    source.mkdir()
    (source / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    (source / "test_waits.py").write_text(
        "import asyncio\n"
        "import pytest\n\n"
        "@pytest.mark.asyncio\n"
        "async def test_sleeps():\n"
        "    await asyncio.sleep(0.3)\n\n"
        "def test_fails():\n"
        "    assert False\n"
    )
    suite = script.Suite("project", "1.0")
    site = tmp_path / "site"
    site.mkdir()
    real = script.run(source, site, suite, sys.executable, "real", tmp_path / "real.xml")
    virtual = script.run(source, site, suite, sys.executable, "virtual", tmp_path / "v.xml")
    assert script.describe(real.outcomes) == "1 passed, 1 failed"
    assert script.describe(virtual.outcomes) == "1 passed, 1 failed"
    assert real.test_time >= 0.3 > virtual.test_time
    assert script.not_passed(real, virtual) == [
        "test_waits::test_fails: real failure, virtual failure"
    ]
    table = script.table([(suite, real, virtual)])
    assert "project 1.0  1 passed, 1 failed" in table
    assert table.splitlines()[0] == table.splitlines()[-1]
