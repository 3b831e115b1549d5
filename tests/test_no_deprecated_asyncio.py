"""No deprecated asyncio API outside ``_asyncio_compat``; no warnings under ``-X dev``.

Python 3.12 to 3.14 deprecate the event loop policies, the child watchers,
``asyncio.iscoroutinefunction`` and ``get_event_loop()`` without a running
loop. CI runs with warnings as errors, so the plugin keeps every such call
in one module, where each is guarded for the Python it runs on. The scan
reads the syntax tree, so docstrings and comments that merely mention an
API (or the ``event_loop_policy`` fixture, which is a name of ours) pass.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import pytest_asyncio

PACKAGE = Path(pytest_asyncio.__file__).parent
COMPAT_MODULE = PACKAGE / "_asyncio_compat.py"

#: asyncio names whose every use is confined to the compatibility module.
CONFINED_NAMES = frozenset(
    {
        "get_event_loop",
        "set_event_loop",
        "get_event_loop_policy",
        "set_event_loop_policy",
        "_get_event_loop_policy",
        "_set_event_loop_policy",
        "AbstractEventLoopPolicy",
        "BaseDefaultEventLoopPolicy",
        "DefaultEventLoopPolicy",
        "WindowsSelectorEventLoopPolicy",
        "WindowsProactorEventLoopPolicy",
        "get_child_watcher",
        "set_child_watcher",
        "AbstractChildWatcher",
        "SafeChildWatcher",
        "FastChildWatcher",
        "MultiLoopChildWatcher",
        "ThreadedChildWatcher",
        "PidfdChildWatcher",
    }
)
#: Deprecated only when taken from asyncio (``inspect.iscoroutinefunction`` is the fix).
ASYNCIO_ONLY_NAMES = frozenset({"iscoroutinefunction"})
ASYNCIO_MODULES = frozenset({"asyncio", "coroutines", "events"})


def deprecated_uses(source: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line, name)`` for each use of a confined asyncio API in ``source``.

    Catches attribute access (``asyncio.get_event_loop_policy``), bare names
    and imports (``from asyncio import DefaultEventLoopPolicy``), and string
    constants naming them (``getattr(asyncio, "get_event_loop")``).
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            if node.attr in CONFINED_NAMES or (
                node.attr in ASYNCIO_ONLY_NAMES and _leaf_name(node.value) in ASYNCIO_MODULES
            ):
                yield node.lineno, node.attr
        elif isinstance(node, ast.Name) and node.id in CONFINED_NAMES:
            yield node.lineno, node.id
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[-1]
            for alias in node.names:
                if alias.name in CONFINED_NAMES or (
                    alias.name in ASYNCIO_ONLY_NAMES and module in ASYNCIO_MODULES
                ):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.Constant) and node.value in CONFINED_NAMES:
            yield node.lineno, str(node.value)


def _leaf_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def test_only_the_compat_module_names_deprecated_asyncio_apis() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert COMPAT_MODULE in modules and len(modules) > 5
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in modules
        if path != COMPAT_MODULE
        for line, name in deprecated_uses(path.read_text(encoding="utf-8"))
    ]
    assert not offences, (
        "deprecated asyncio APIs outside pytest_asyncio/_asyncio_compat.py "
        "(move the call there, guarded for the Python versions that need it):\n"
        + "\n".join(offences)
    )


def test_the_scan_sees_the_compat_module_s_own_uses() -> None:
    """The one module allowed to use them does, so the scan is not blind."""
    found = {name for _, name in deprecated_uses(COMPAT_MODULE.read_text(encoding="utf-8"))}
    assert {"get_event_loop_policy", "set_event_loop"} <= found


@pytest.mark.parametrize(
    "snippet",
    [
        "import asyncio\nasyncio.get_event_loop_policy()",
        "import asyncio\nasyncio.set_event_loop_policy(None)",
        "import asyncio\nasyncio.events._get_event_loop_policy()",
        "import asyncio\nloop = asyncio.get_event_loop()",
        "import asyncio\nasyncio.iscoroutinefunction(f)",
        "import asyncio\nasyncio.coroutines.iscoroutinefunction(f)",
        "from asyncio import iscoroutinefunction",
        "from asyncio import DefaultEventLoopPolicy as P",
        "import asyncio\nclass P(asyncio.AbstractEventLoopPolicy): pass",
        "import asyncio\nasyncio.WindowsSelectorEventLoopPolicy()",
        "import asyncio\ngetattr(asyncio, 'get_event_loop_policy')()",
        "import asyncio\nasyncio.get_child_watcher()",
    ],
)
def test_the_scan_catches(snippet: str) -> None:
    assert list(deprecated_uses(snippet)), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "import inspect\ninspect.iscoroutinefunction(f)",
        "import asyncio\nasyncio.get_running_loop()",
        "import asyncio\nasyncio.new_event_loop()",
        "def event_loop_policy(): pass\nevent_loop_policy()",
        '"""Never call asyncio.get_event_loop() here."""',
        "# asyncio.get_event_loop_policy() is deprecated",
    ],
)
def test_the_scan_lets_pass(snippet: str) -> None:
    assert not list(deprecated_uses(snippet)), snippet


DEV_MODE_SUITE = """
import asyncio
import pytest
import pytest_asyncio

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def coroutine_fixture():
    await asyncio.sleep(0)
    return 1


@pytest.fixture
async def generator_fixture():
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    yield server
    server.close()
    await server.wait_closed()


@pytest.fixture(scope="module")
async def module_fixture():
    yield "module"


@pytest_asyncio.fixture(loop_scope="module")
async def on_module_loop():
    return asyncio.get_running_loop()


async def test_fixtures(coroutine_fixture, generator_fixture, module_fixture):
    assert coroutine_fixture == 1 and generator_fixture.is_serving()
    assert module_fixture == "module"


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop(on_module_loop):
    assert asyncio.get_running_loop() is on_module_loop


@pytest.mark.filterwarnings("ignore::pytest_asyncio.LeakedTaskWarning")
async def test_leftovers_are_cleaned_up():
    asyncio.get_running_loop().create_task(asyncio.sleep(3600))
    await asyncio.get_running_loop().run_in_executor(None, sum, [1, 2])


async def test_ports(unused_tcp_port, unused_udp_port_factory):
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", unused_tcp_port)
    async with server:
        _, writer = await asyncio.open_connection("127.0.0.1", unused_tcp_port)
        writer.close()
        await writer.wait_closed()
    assert unused_udp_port_factory() != unused_udp_port_factory()


@pytest.mark.asyncio_process_pool
async def test_process_pool(event_loop_process_pool):
    assert await event_loop_process_pool.run_in_executor(None, abs, -3) == 3


def test_sync_use_of_the_loop(event_loop):
    assert event_loop.run_until_complete(asyncio.sleep(0, "done")) == "done"
"""


def test_a_suite_runs_silently_under_python_dev_mode(pytester: pytest.Pytester) -> None:
    """``-X dev`` shows every ResourceWarning and debug-mode loop complaint."""
    pytester.makepyfile(test_dev_mode=DEV_MODE_SUITE)
    result = pytester.run(
        sys.executable,
        "-X",
        "dev",
        "-W",
        "error",
        "-m",
        "pytest",
        "-W",
        "error",
        "-p",
        "no:cacheprovider",
        timeout=120,
    )
    result.assert_outcomes(passed=6)
    output = "\n".join(result.outlines + result.errlines)
    for complaint in (
        "ResourceWarning",
        "DeprecationWarning",
        "RuntimeWarning",
        "Exception ignored",
        "never awaited",
        "was destroyed but it is pending",
    ):
        assert complaint not in output, f"{complaint!r} in the output:\n{output}"
