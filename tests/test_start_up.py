"""What a session loads: the plugin's modules a one-test session imports.

Every module imported costs each session its lookup, read and execution,
whatever the suite's size. What a run does not use (loop factories without
the hook, the async-fixture driver without an async fixture, the mixed-loop
explanation of a failure, the report header under ``-q``, the await walker
and the wakers check that failure reports use, the virtual clock without a
test that asks for it, the free-port registry without a port fixture) loads
on first use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: The most modules of the package a one-test session may import.
MOST_MODULES = 44

#: Modules a one-test session with no async fixture, no factory hook, no
#: failure and no virtual clock does not import.
NOT_LOADED = (
    "pytest_asyncio._awaits",
    "pytest_asyncio._header",
    "pytest_asyncio._in_context",
    "pytest_asyncio.async_fixtures",
    "pytest_asyncio.clock.real_timers",
    "pytest_asyncio.clock.virtual",
    "pytest_asyncio.clock.waits",
    "pytest_asyncio.clock.wakers",
    "pytest_asyncio.diagnostics.mixed_loops",
    "pytest_asyncio.fixtures.free_ports",
    "pytest_asyncio.loop_factories",
    "pytest_asyncio.loops.executor_bridge",
)

CONFTEST = """
import sys
from pathlib import Path


def pytest_unconfigure(config):
    Path("loaded.txt").write_text("\\n".join(sorted(sys.modules)))
"""

ONE_TEST = """
import pytest


@pytest.mark.asyncio
async def test_one():
    assert True
"""


def loaded_by_one_test(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules in ``sys.modules`` as a fresh one-test session ends."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # no other plugin's imports
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_one=ONE_TEST)
    result = pytester.runpytest_subprocess("-q", "-p", "asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    return (Path(pytester.path) / "loaded.txt").read_text().splitlines()


def test_a_one_test_session_loads_few_modules_of_the_plugin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = loaded_by_one_test(pytester, monkeypatch)
    ours = [name for name in loaded if name.split(".")[0] == "pytest_asyncio"]
    assert "pytest_asyncio.plugin" in ours
    assert len(ours) <= MOST_MODULES, ours
    assert [name for name in NOT_LOADED if name in loaded] == []
    # Nor typing_extensions, unless pytest brought it: on Python 3.10 pytest
    # imports the exceptiongroup backport, which imports typing_extensions.
    if "exceptiongroup" not in loaded:
        assert "typing_extensions" not in loaded


CLOCK_ON_FIRST_USE = """
import asyncio
import sys

import pytest

import pytest_asyncio
from pytest_asyncio import LoopFixture

CLOCK = "pytest_asyncio.clock.virtual"


def test_the_clock_is_not_loaded_before_its_first_use():
    assert CLOCK not in sys.modules


def test_its_names_load_it():
    from pytest_asyncio import ClockUnsupported, VirtualClock
    from pytest_asyncio.clock import VirtualClock as from_the_clock_package

    assert CLOCK in sys.modules
    assert LoopFixture.clock_class is VirtualClock is from_the_clock_package
    assert issubclass(ClockUnsupported, RuntimeError)
    assert repr(VirtualClock) == "<class 'pytest_asyncio.VirtualClock'>"
    assert {"ClockUnsupported", "VirtualClock", "VirtualClockFixture"} <= set(dir(pytest_asyncio))
    assert {"ClockUnsupported", "VirtualClock"} <= set(dir(pytest_asyncio.clock))


def test_a_subclass_still_names_its_own_clock_class():
    class PatientClock(pytest_asyncio.VirtualClock):
        threshold = 0.5

    class PatientLoop(LoopFixture):
        clock_class = PatientClock

    assert PatientLoop.clock_class is PatientClock
    assert LoopFixture.clock_class is pytest_asyncio.VirtualClock
    assert PatientLoop().clock_class is PatientClock


@pytest.mark.asyncio
async def test_the_fixture_drives_the_clock(virtual_clock):
    start = asyncio.get_running_loop().time()
    await asyncio.sleep(3600)
    assert virtual_clock.time() - start == pytest.approx(3600, abs=1)
"""


def test_the_virtual_clock_loads_when_a_test_asks_for_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(test_clock=CLOCK_ON_FIRST_USE)
    result = pytester.runpytest_subprocess(
        "-p", "asyncio", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=4)
