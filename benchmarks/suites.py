"""Write the benchmark suites to disk: each workload as async tests and as sync twins.

The async and sync forms of a workload have the same number of tests, the
same fixtures and the same (trivial) bodies, so the difference between their
run times is what the plugin costs per async test. Only the public API of
pytest-asyncio 1.x is used (``@pytest.mark.asyncio``, ``@pytest_asyncio.fixture``),
so the same files measure the original plugin and this one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

#: Tests per generated module: large modules, as in real suites, but not one giant file.
MODULE_SIZE = 500

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
#: The floor suites run with ``-p no:asyncio``: the marker is only declared.
_FLOOR_INI = "[pytest]\nmarkers =\n    asyncio\n"
_AUTO_INI = _INI + "asyncio_mode = auto\n"

_FIXTURES = {
    "async": """
@pytest_asyncio.fixture
async def first():
    return 1


@pytest_asyncio.fixture
async def second():
    return 2


@pytest_asyncio.fixture
async def third():
    yield 3
""",
    "sync": """
@pytest.fixture
def first():
    return 1


@pytest.fixture
def second():
    return 2


@pytest.fixture
def third():
    yield 3
""",
}

_TESTS = {
    ("a", "async"): "@pytest.mark.asyncio\nasync def test_{i}():\n    pass\n",
    ("a", "sync"): "def test_{i}():\n    pass\n",
    ("b", "async"): (
        "@pytest.mark.asyncio\nasync def test_{i}(first, second, third):\n"
        "    assert first + second + third == 6\n"
    ),
    ("b", "sync"): "def test_{i}(first, second, third):\n    assert first + second + third == 6\n",
    ("c", "async"): '@pytest.mark.asyncio(loop_scope="module")\nasync def test_{i}():\n    pass\n',
    ("c", "sync"): "def test_{i}():\n    pass\n",
    ("c2", "async"): "@pytest.mark.asyncio\nasync def test_{i}():\n    pass\n",
    ("c2", "sync"): "def test_{i}():\n    pass\n",
}

#: Workloads a, b and c with no plugin at all: the sync twins' tests keep the
#: async tests' marks, and their bodies and fixtures do the same loop work
#: with bare asyncio, as ``asyncio.Runner`` would (a task per coroutine,
#: ``run_until_complete``). What pytest and asyncio alone cost for a
#: workload: no plugin can run it for less.
_FLOOR_HEADER = """import asyncio
import atexit

import pytest


async def _value(value):
    return value


def _run(loop, coro):
    return loop.run_until_complete(loop.create_task(coro))


def _in_fresh_loop(coro):
    loop = asyncio.new_event_loop()
    try:
        return _run(loop, coro)
    finally:
        loop.close()
"""

_FLOOR_FIXTURES = """
@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def first(loop):
    return _run(loop, _value(1))


@pytest.fixture
def second(loop):
    return _run(loop, _value(2))


@pytest.fixture
def third(loop):
    yield _run(loop, _value(3))
    _run(loop, _value(None))
"""

#: A loop per module, closed at exit (a fixture would cost each test a lookup).
_FLOOR_MODULE_LOOP = """LOOP = asyncio.new_event_loop()
atexit.register(LOOP.close)
"""

_FLOOR_TESTS = {
    "a": "@pytest.mark.asyncio\ndef test_{i}():\n    _in_fresh_loop(_value(None))\n",
    "b": (
        "@pytest.mark.asyncio\ndef test_{i}(loop, first, second, third):\n"
        "    assert _run(loop, _value(first + second + third)) == 6\n"
    ),
    "c": (
        '@pytest.mark.asyncio(loop_scope="module")\ndef test_{i}():\n    _run(LOOP, _value(None))\n'
    ),
}

#: Workload c2: each module shares one loop through an ``event_loop`` override,
#: the pytest-asyncio 0.21 way (1.x has no such fixture and ignores it).
_MODULE_LOOP = """import asyncio


@pytest.fixture(scope="module")
def event_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()
"""

_AWAITS_HELPER = '''"""Workload d's body, timed from inside, run by pytest and by asyncio.run."""

import asyncio
import os
import time

AWAITS = {awaits}


async def timed_body():
    start = time.perf_counter()
    for _ in range(AWAITS):
        await asyncio.sleep(0)
    elapsed = time.perf_counter() - start
    with open(os.environ["BENCH_RESULT"], "w") as result:
        result.write(repr(elapsed))
'''

_AWAITS_TEST = """import pytest

from awaits_body import timed_body


@pytest.mark.asyncio
async def test_awaits():
    await timed_body()
"""

_AWAITS_DIRECT = """import asyncio

from awaits_body import timed_body

asyncio.run(timed_body())
"""


def write_workload(root: Path, workload: str, flavour: str, count: int) -> Path:
    """Write workload ``a``, ``b`` or ``c`` in its ``async`` or ``sync`` flavour.

    Or its ``floor``: the marked tests doing the same loop work with bare
    asyncio, to run with ``-p no:asyncio`` (workload ``c2``'s is ``c``'s).

    :returns: the directory to run pytest in.
    """
    if flavour == "floor":
        return _write_floor(root, "c" if workload == "c2" else workload, count)
    directory = _fresh_dir(root / f"{workload}-{flavour}", _INI)
    header = "import pytest\nimport pytest_asyncio\n"
    if workload == "b":
        header += _FIXTURES[flavour]
    if workload == "c2" and flavour == "async":
        header += _MODULE_LOOP
    template = _TESTS[(workload, flavour)]
    _write_modules(directory, count, header, lambda i: template.format(i=i))
    return directory


def _write_floor(root: Path, workload: str, count: int) -> Path:
    directory = _fresh_dir(root / f"{workload}-floor", _FLOOR_INI)
    header = _FLOOR_HEADER
    if workload == "b":
        header += _FLOOR_FIXTURES
    if workload == "c":
        header += "\n\n" + _FLOOR_MODULE_LOOP
    template = _FLOOR_TESTS[workload]
    _write_modules(directory, count, header, lambda i: template.format(i=i))
    return directory


def write_awaits(root: Path, awaits: int) -> Path:
    """Write workload d: one test, and a script running the same body with ``asyncio.run``.

    :returns: the directory holding ``test_awaits.py`` and ``direct.py``.
    """
    directory = _fresh_dir(root / "d", _INI)
    (directory / "awaits_body.py").write_text(_AWAITS_HELPER.format(awaits=awaits))
    (directory / "test_awaits.py").write_text(_AWAITS_TEST)
    (directory / "direct.py").write_text(_AWAITS_DIRECT)
    return directory


def write_one_test(root: Path, flavour: str) -> Path:
    """Write a suite of one empty test: ``async`` (marked) or ``sync``.

    Neither imports ``pytest_asyncio``: run with ``-p no:asyncio``, the sync
    one loads no part of any asyncio plugin, the floor a session starts from.

    :returns: the directory to run pytest in.
    """
    directory = _fresh_dir(root / f"one-{flavour}", _INI if flavour == "async" else "[pytest]\n")
    test = {
        "async": "@pytest.mark.asyncio\nasync def test_one():\n    pass\n",
        "sync": "def test_one():\n    pass\n",
    }[flavour]
    (directory / "test_one.py").write_text("import pytest\n\n\n" + test)
    return directory


def write_collection(root: Path, count: int) -> Path:
    """Write ``count`` unmarked tests, alternately sync and async, for auto mode.

    :returns: the directory to run ``pytest --collect-only`` in.
    """
    directory = _fresh_dir(root / "collect", _AUTO_INI)

    def test(i: int) -> str:
        prefix = "async " if i % 2 else ""
        return f"{prefix}def test_{i}():\n    pass\n"

    _write_modules(directory, count, "", test)
    return directory


def _fresh_dir(directory: Path, ini: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "pytest.ini").write_text(ini)
    return directory


def _write_modules(directory: Path, count: int, header: str, test: Callable[[int], str]) -> None:
    """Spread ``count`` tests over modules of at most :data:`MODULE_SIZE` tests."""
    for first in range(0, count, MODULE_SIZE):
        bodies = [test(i) for i in range(first, min(first + MODULE_SIZE, count))]
        text = header + "\n\n" + "\n\n".join(bodies)
        (directory / f"test_bench_{first // MODULE_SIZE:03d}.py").write_text(text)
