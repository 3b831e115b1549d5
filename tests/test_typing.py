"""The typing contract, checked by running ``mypy --strict`` and pyright in
strict mode on users' code; both must see the same types and the same errors.

A conftest that subclasses the loop fixtures type-checks (``MyLoop.fixture()``
is a fixture of ``AbstractEventLoop``, ``virtual_clock.time()`` a ``float``);
one whose ``new_loop`` returns an ``int`` is rejected with each checker's
override error; a function decorated with ``@pytest_asyncio.fixture`` keeps
its type. Each checker runs once for all the snippets (mypy about 2 s with a
warm cache, 8 s cold; pyright about 3 s). Both find the package through the
environment, as they would in a user's project.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

#: Per checker, per file: (line, what) pairs, ``what`` being ``error: ...`` or
#: ``note: ...`` and an error ending with its code in brackets.
Report = dict[str, list[tuple[int, str]]]

# Errors inside the package are its own tests' business (CI runs both
# checkers on it): mypy reads it as it reads an installed package.
MYPY_CONFIG = """
[mypy]
strict = True
show_error_codes = True

[mypy-pytest_asyncio.*]
follow_imports = silent
"""

PYRIGHT_CONFIG = {"typeCheckingMode": "strict", "pythonVersion": "3.10"}

ACCEPTED = """
from __future__ import annotations

import asyncio
from collections.abc import Callable
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


class ChosenLoop(LoopFixture[Callable[[], asyncio.AbstractEventLoop]]):
    def new_loop(self) -> asyncio.AbstractEventLoop:
        assert_type(self.param, Callable[[], asyncio.AbstractEventLoop] | None)
        return super().new_loop() if self.param is None else self.param()


class ChosenPlugin(AsyncioPlugin):
    loop_class = ChosenLoop


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


as_declared: Callable[[], Coroutine[Any, Any, int]] = number
assert_type(words, Callable[[], AsyncIterator[str]])


async def uses_them() -> None:
    assert_type(await number(), int)
    async for word in words():
        assert_type(word, str)


reveal_type(number)
"""

# Each line that must be rejected follows a comment naming each checker's error code.
REJECTED = """
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from typing_extensions import assert_type

import pytest_asyncio
from pytest_asyncio import FixtureFunction, LoopFixture, VirtualClock


class NotALoop(LoopFixture):
    # error on the next line: mypy[override] pyright[reportIncompatibleMethodOverride]
    def new_loop(self) -> int:
        return 1


class NoSuchScope(LoopFixture):
    # error on the next line: mypy[assignment] pyright[reportAssignmentType]
    scope = "galaxy"


class NotAClock(LoopFixture):
    # error on the next line: mypy[assignment] pyright[reportAssignmentType]
    clock_class = int


# error on the next line: mypy[call-overload] pyright[reportArgumentType]
@pytest_asyncio.fixture(scope="modul")
async def misspelt() -> int:
    return 1


@pytest_asyncio.fixture(loop_scope="module")
async def count() -> int:
    return 1


# error on the next line: mypy[arg-type] pyright[reportArgumentType]
ids_not_a_list = LoopFixture.fixture("loop", params=[1], ids=3)
# error on the next line: mypy[assignment] pyright[reportAssignmentType]
wrong_value: FixtureFunction[int] = LoopFixture.fixture()
# error on the next line: mypy[assert-type] pyright[reportAssertTypeFailure]
assert_type(LoopFixture.fixture(), FixtureFunction[int])
assert_type(LoopFixture.fixture(), FixtureFunction[asyncio.AbstractEventLoop])
# error on the next line: mypy[assignment] pyright[reportAssignmentType]
as_text: Callable[[], Coroutine[Any, Any, str]] = count


# error on the next line: mypy[attr-defined] pyright[reportAttributeAccessIssue]
misspelt_class = pytest_asyncio.LoopFixtur


class PoolAsLoop(pytest_asyncio.AsyncioPlugin):
    # error on the next line: mypy[assignment] pyright[reportAssignmentType]
    loop_class = ThreadPoolExecutor


def whole_seconds(virtual_clock: VirtualClock) -> int:
    # error on the next line: mypy[return-value] pyright[reportReturnType]
    return virtual_clock.time()
"""

SNIPPETS = {"accepted.py": ACCEPTED, "decorated.py": DECORATED, "rejected.py": REJECTED}


def _write_snippets(folder: Path) -> list[str]:
    for name, text in SNIPPETS.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip())
    return sorted(SNIPPETS)


def _run_mypy(folder: Path, cache: Path) -> Report:
    (folder / "mypy.ini").write_text(MYPY_CONFIG)
    command = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", str(cache)]
    completed = subprocess.run(
        [*command, *sorted(SNIPPETS)], cwd=folder, capture_output=True, text=True
    )
    report: Report = defaultdict(list)
    for line in completed.stdout.splitlines():
        match = re.match(r"(\w+\.py):(\d+): (.*)", line)
        if match:
            report[match[1]].append((int(match[2]), match[3]))
    assert report or completed.returncode == 0, completed.stdout + completed.stderr
    return report


def _run_pyright(folder: Path) -> Report:
    """pyright's JSON report; the interpreter running the tests tells it where packages are."""
    (folder / "pyrightconfig.json").write_text(json.dumps(PYRIGHT_CONFIG))
    command = [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable]
    completed = subprocess.run(
        [*command, *sorted(SNIPPETS)], cwd=folder, capture_output=True, text=True
    )
    assert completed.stdout.startswith("{"), completed.stdout + completed.stderr
    report: Report = defaultdict(list)
    for diagnostic in json.loads(completed.stdout)["generalDiagnostics"]:
        kind = "note" if diagnostic["severity"] == "information" else diagnostic["severity"]
        code = f" [{diagnostic['rule']}]" if "rule" in diagnostic else ""
        line = diagnostic["range"]["start"]["line"] + 1
        report[Path(diagnostic["file"]).name].append(
            (line, f"{kind}: {diagnostic['message']}{code}")
        )
    return report


@pytest.fixture(scope="module")
def reports(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> dict[str, Report]:
    """Run each checker once on every snippet; map each checker's name to its report."""
    folder = tmp_path_factory.mktemp("typing")
    _write_snippets(folder)
    cache_plugin = getattr(pytestconfig, "cache", None)  # absent with -p no:cacheprovider
    cache = cache_plugin.mkdir("mypy") if cache_plugin else folder / ".mypy_cache"
    return {"mypy": _run_mypy(folder, cache), "pyright": _run_pyright(folder)}


CHECKERS = ["mypy", "pyright"]

#: What reveal_type shows for the decorated ``number`` fixture: its own signature.
REVEALED_NUMBER = {
    "mypy": r'note: Revealed type is "def \(\) -> (typing\.Coroutine|types\.CoroutineType)'
    r'\[Any, Any, (builtins\.)?int\]"',
    "pyright": r'note: Type of "number" is "\(\) -> (Coroutine|CoroutineType)\[Any, Any, int\]"',
}


@pytest.mark.parametrize("checker", CHECKERS)
def test_subclassing_the_loop_fixtures_type_checks(
    reports: dict[str, Report], checker: str
) -> None:
    assert reports[checker]["accepted.py"] == []


@pytest.mark.parametrize("checker", CHECKERS)
def test_a_decorated_fixture_keeps_its_type(reports: dict[str, Report], checker: str) -> None:
    """No assert_type error, and reveal_type shows the function's own signature."""
    [(_, message)] = reports[checker]["decorated.py"]
    assert re.fullmatch(REVEALED_NUMBER[checker], message), message


def _expected_codes(checker: str) -> dict[int, str]:
    lines = textwrap.dedent(REJECTED).lstrip().splitlines()
    return {
        number + 1: re.findall(rf"\b{checker}\[([\w-]+)\]", line)[0]
        for number, line in enumerate(lines, start=1)
        if "# error on the next line: " in line
    }


@pytest.mark.parametrize("checker", CHECKERS)
def test_wrong_overrides_and_arguments_are_rejected(
    reports: dict[str, Report], checker: str
) -> None:
    expected = _expected_codes(checker)
    errors: dict[int, list[str]] = defaultdict(list)
    for number, message in reports[checker]["rejected.py"]:
        if message.startswith("error:"):
            errors[number].append(message)
    assert set(errors) == set(expected), reports[checker]["rejected.py"]
    for number, code in expected.items():
        assert any(message.endswith(f"[{code}]") for message in errors[number]), errors[number]
    [override] = errors[min(expected)]
    assert '"new_loop"' in override and '"int"' in override
    assert "AbstractEventLoop" in override and 'LoopFixture"' in override
