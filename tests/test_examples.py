"""The example suite under ``examples/`` passes, as the README promises.

It runs in a subprocess with its own configuration (``examples/pytest.ini``),
exactly as a user runs it from the repository root: a real pytest session,
with a session-scoped loop, servers on real ports and a process pool, none
of which should share a process with the inner sessions of other tests.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

pytest.importorskip("hypothesis", reason="the example suite needs the test extra")
pytest.importorskip("async_generator", reason="the example suite needs the test extra")


def run_examples(*args: str) -> tuple[int, str]:
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "examples", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return completed.returncode, completed.stdout + completed.stderr


def test_example_suite_passes_with_its_own_config() -> None:
    status, output = run_examples("-rA")
    assert status == 0, output
    assert "configfile: pytest.ini" in output
    assert f"rootdir: {EXAMPLES}" in output
    summary = output.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None and int(passed.group(1)) >= 30, summary
    for word in ("failed", "error", "skipped", "xfail", "warning", "deselected"):
        assert word not in summary, summary


def test_example_suite_uses_every_feature() -> None:
    """Each feature the README lists appears in the example tests, so it stays a tour."""
    source = "\n".join(path.read_text() for path in sorted(EXAMPLES.rglob("*.py")))
    for feature in (
        "@pytest.mark.asyncio\n",
        "pytestmark = pytest.mark.asyncio\n",
        "    pytestmark = pytest.mark.asyncio\n",  # on a class
        "@pytest.mark.asyncio(timeout=",
        'pytest.mark.asyncio(loop_scope="module")',
        "@pytest.mark.asyncio_process_pool",
        "event_loop_process_pool",
        "class KVLoop(LoopFixture)",
        "event_loop = KVLoop.fixture()",
        "event_loop.run_until_complete(",
        "@pytest_asyncio.fixture(scope=",
        "@async_generator",
        "await yield_(",
        "unused_tcp_port: int",
        "unused_tcp_port_factory: PortFactory",
        "unused_udp_port: int",
        "namespace.set(",
        "@given(",
        '@pytest.fixture(scope="session")\nasync def',
        '@pytest.fixture(scope="module")\nasync def',
    ):
        assert feature in source, feature
