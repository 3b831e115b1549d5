"""The typing contract, checked by running ``mypy --strict`` on users' code.

A conftest that subclasses the loop fixtures type-checks; one whose
``new_loop`` returns an ``int`` is rejected with mypy's override error; a
function decorated with ``@pytest_asyncio.fixture`` keeps its type. mypy
runs once for all the snippets (about 2 s with a warm cache, 8 s cold).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

import pytest_asyncio

PROJECT = Path(pytest_asyncio.__file__).parent.parent

# mypy cannot follow the editable install's import hook, so it reads the
# package from its source tree; silencing errors inside the package makes
# it behave as it does for an installed package with py.typed.
MYPY_CONFIG = """
[mypy]
strict = True
show_error_codes = True

[mypy-pytest_asyncio.*]
follow_imports = silent
"""

ACCEPTED = """
from __future__ import annotations

import asyncio
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import ClassVar

from typing_extensions import assert_type

from pytest_asyncio import (
    AsyncioPlugin,
    FixtureFunction,
    LoopFixture,
    PortFactory,
    PortFixture,
    ProcessPoolLoopFixture,
    VirtualClock,
)


class SessionLoop(LoopFixture):
    scope = "session"

    def new_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.SelectorEventLoop()


class ThreadPoolLoop(ProcessPoolLoopFixture):
    name: ClassVar[str] = "event_loop_process_pool"

    def new_executor(self) -> Executor:
        return ThreadPoolExecutor(max_workers=1)


event_loop = SessionLoop.fixture()
event_loop_process_pool = ThreadPoolLoop.fixture(scope="module")
parametrized_loop = SessionLoop.fixture("parametrized_loop", params=[1, 2], ids=["one", "two"])
assert_type(SessionLoop().setup(), asyncio.AbstractEventLoop)
assert_type(event_loop, FixtureFunction[asyncio.AbstractEventLoop])
assert_type(event_loop_process_pool, FixtureFunction[asyncio.AbstractEventLoop])
assert_type(PortFixture.fixture(), FixtureFunction[int])


class ThreadPoolPlugin(AsyncioPlugin):
    loop_class = SessionLoop
    process_pool_class = ThreadPoolLoop


pytest_asyncio_plugin_class = ThreadPoolPlugin


def uses_a_factory(factory: PortFactory) -> int:
    return factory() + 1


class PatientClock(VirtualClock):
    threshold = 0.25


class PatientLoop(LoopFixture):
    clock_class = PatientClock


async def drives_the_clock(virtual_clock: VirtualClock) -> float:
    await virtual_clock.advance(1.5)
    return assert_type(virtual_clock.time(), float)
"""

DECORATED = """
from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from typing_extensions import assert_type

import pytest_asyncio


@pytest_asyncio.fixture
async def number() -> int:
    return 1


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def words() -> AsyncIterator[str]:
    yield "word"


assert_type(number, Callable[[], Coroutine[Any, Any, int]])
assert_type(words, Callable[[], AsyncIterator[str]])
reveal_type(number)
"""

REJECTED = """
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest_asyncio
from pytest_asyncio import LoopFixture


class NotALoop(LoopFixture):
    def new_loop(self) -> int:  # expect: override
        return 1


class NoSuchScope(LoopFixture):
    scope = "galaxy"  # expect: assignment


class NotAClock(LoopFixture):
    clock_class = int  # expect: assignment


@pytest_asyncio.fixture(scope="modul")  # expect: call-overload
async def misspelt() -> int:
    return 1


ids_not_a_list = LoopFixture.fixture("loop", params=[1], ids=3)  # expect: arg-type
wrong_value: pytest_asyncio.FixtureFunction[int] = LoopFixture.fixture()  # expect: assignment


class PoolAsLoop(pytest_asyncio.AsyncioPlugin):
    loop_class = ThreadPoolExecutor  # expect: assignment
"""


@pytest.fixture(scope="module")
def mypy_report(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> dict[str, list[tuple[int, str]]]:
    """Run mypy once on every snippet; map each file name to its (line, message) pairs."""
    folder = tmp_path_factory.mktemp("typing")
    snippets = {"accepted.py": ACCEPTED, "decorated.py": DECORATED, "rejected.py": REJECTED}
    for name, text in snippets.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    (folder / "mypy.ini").write_text(MYPY_CONFIG)
    cache_plugin = getattr(pytestconfig, "cache", None)  # absent with -p no:cacheprovider
    cache = cache_plugin.mkdir("mypy") if cache_plugin else folder / ".mypy_cache"
    command = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", str(cache)]
    completed = subprocess.run(
        [*command, *sorted(snippets)],
        cwd=folder,
        env={**os.environ, "MYPYPATH": str(PROJECT)},
        capture_output=True,
        text=True,
    )
    report: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in completed.stdout.splitlines():
        match = re.match(r"(\w+\.py):(\d+): (.*)", line)
        if match:
            report[match[1]].append((int(match[2]), match[3]))
    assert report or completed.returncode == 0, completed.stdout + completed.stderr
    return report


def test_subclassing_the_loop_fixtures_type_checks(
    mypy_report: dict[str, list[tuple[int, str]]],
) -> None:
    assert mypy_report["accepted.py"] == []


def test_a_decorated_fixture_keeps_its_type(
    mypy_report: dict[str, list[tuple[int, str]]],
) -> None:
    """No assert_type error, and reveal_type shows the function's own signature."""
    [(_, message)] = mypy_report["decorated.py"]
    assert re.fullmatch(
        r'note: Revealed type is "def \(\) -> typing.Coroutine\[Any, Any, (builtins\.)?int\]"',
        message,
    )


def test_wrong_overrides_and_arguments_are_rejected(
    mypy_report: dict[str, list[tuple[int, str]]],
) -> None:
    lines = textwrap.dedent(REJECTED).lstrip().splitlines()
    expected = {
        number: line.rsplit("# expect: ", 1)[1]
        for number, line in enumerate(lines, start=1)
        if "# expect: " in line
    }
    errors: dict[int, list[str]] = defaultdict(list)
    for number, message in mypy_report["rejected.py"]:
        if message.startswith("error:"):
            errors[number].append(message)
    assert set(errors) == set(expected), mypy_report["rejected.py"]
    for number, code in expected.items():
        assert any(message.endswith(f"[{code}]") for message in errors[number]), errors[number]
    [override] = errors[min(expected)]
    assert '"new_loop"' in override and '"int"' in override
    assert "AbstractEventLoop" in override and 'LoopFixture"' in override
