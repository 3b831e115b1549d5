"""A ``LoopFixture`` subclass assigned to ``event_loop`` makes every loop the plugin makes.

Its ``scope`` says how long ``event_loop`` lives, nothing more: wider async
fixtures get loops of their own scope, made by the subclass, instead of an
error; the process-pool loop is one of its loops too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

UVLOOP_CONFTEST = """
import asyncio

import uvloop

from pytest_asyncio import LoopFixture


class UvloopLoop(LoopFixture):
    def new_loop(self) -> asyncio.AbstractEventLoop:
        return uvloop.new_event_loop()


event_loop = UvloopLoop.fixture()
"""


def test_a_function_scoped_subclass_makes_the_loops_of_wide_fixtures(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """The uvloop recipe as written: no error for session fixtures, uvloop everywhere."""
    pytester.makeconftest(UVLOOP_CONFTEST)
    pytester.makepyfile(
        """
        import asyncio

        import pytest
        import uvloop

        import pytest_asyncio

        WIDE = []


        @pytest_asyncio.fixture(scope="session")
        async def session_resource():
            WIDE.append(asyncio.get_running_loop())
            return "session"


        @pytest.fixture(scope="module")
        async def module_resource():
            WIDE.append(asyncio.get_running_loop())
            return "module"


        @pytest.mark.asyncio
        async def test_function(session_resource, module_resource):
            loop = asyncio.get_running_loop()
            assert isinstance(loop, uvloop.Loop)
            assert all(isinstance(wide, uvloop.Loop) for wide in WIDE)
            assert loop not in WIDE and len(set(WIDE)) == 2


        @pytest.mark.asyncio(loop_scope="module")
        async def test_module_loop(module_resource):
            assert asyncio.get_running_loop() is WIDE[1]


        @pytest.mark.asyncio(loop_scope="session")
        async def test_session_loop(session_resource):
            assert asyncio.get_running_loop() is WIDE[0]


        @pytest.mark.asyncio(loop_scope="class")
        async def test_class_loop():
            assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


        def test_sync(session_resource, event_loop):
            assert isinstance(event_loop, uvloop.Loop)
        """
    )
    run_clean("-p", "no:randomly", "--asyncio-mode=auto").assert_outcomes(passed=5)


def test_a_session_scoped_subclass_carries_wide_fixtures(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """As wide as the fixture: the fixture runs on ``event_loop`` itself, as in 0.21."""
    pytester.makeconftest(
        UVLOOP_CONFTEST.replace("(LoopFixture):", '(LoopFixture):\n    scope = "session"')
    )
    pytester.makepyfile(
        """
        import asyncio

        import pytest

        import pytest_asyncio


        @pytest_asyncio.fixture(scope="module")
        async def module_loop():
            return asyncio.get_running_loop()


        @pytest.mark.asyncio
        async def test_same_loop(module_loop, event_loop):
            assert module_loop is event_loop is asyncio.get_running_loop()
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_a_narrower_plain_override_still_fails_wide_fixtures(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """The 0.21 rule stays for a plain function: its scope is the loop's."""
    pytester.makeconftest(
        """
        import asyncio

        import pytest


        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            yield loop
            loop.close()
        """
    )
    pytester.makepyfile(
        """
        import pytest

        import pytest_asyncio


        @pytest_asyncio.fixture(scope="session")
        async def session_resource():
            return 1


        @pytest.mark.asyncio
        async def test_it(session_resource):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [_messages.fixture_wider_than_loop("session_resource", "session", "event_loop", "function")]
    )


def test_the_process_pool_loop_comes_from_the_subclass(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Its loop from ``event_loop``'s class, its executor from its own ``new_executor``."""
    pytester.makeconftest(UVLOOP_CONFTEST)
    pytester.makepyfile(
        """
        import asyncio
        import os

        import pytest
        import uvloop


        @pytest.mark.asyncio_process_pool
        async def test_function_scope(event_loop_process_pool):
            loop = asyncio.get_running_loop()
            assert loop is event_loop_process_pool
            assert isinstance(loop, uvloop.Loop)
            assert await loop.run_in_executor(None, os.getpid) != os.getpid()


        @pytest.mark.asyncio_process_pool(loop_scope="module")
        async def test_module_scope():
            loop = asyncio.get_running_loop()
            assert isinstance(loop, uvloop.Loop)
            assert await loop.run_in_executor(None, os.getpid) != os.getpid()
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_process_pool_subclass_keeps_its_own_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A ``new_loop`` of the process-pool class's own beats ``event_loop``'s class."""
    pytester.makeconftest(
        UVLOOP_CONFTEST
        + """

from concurrent.futures import ThreadPoolExecutor

from pytest_asyncio import ProcessPoolLoopFixture


class SelectorPool(ProcessPoolLoopFixture):
    def new_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.SelectorEventLoop()

    def new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1)


event_loop_process_pool = SelectorPool.fixture()
"""
    )
    pytester.makepyfile(
        """
        import asyncio

        import pytest
        import uvloop


        @pytest.mark.asyncio_process_pool
        async def test_selector():
            assert type(asyncio.get_running_loop()) is asyncio.SelectorEventLoop


        @pytest.mark.asyncio
        async def test_uvloop():
            assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_package_loop_comes_from_the_package_subclass(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Each package has its own package loop, made by the subclass its conftest sets."""
    pytester.makepyfile(
        **{
            "plain/__init__.py": "",
            "plain/test_plain.py": """
import asyncio

import pytest
import uvloop


@pytest.mark.asyncio(loop_scope="package")
async def test_plain():
    assert not isinstance(asyncio.get_running_loop(), uvloop.Loop)
""",
            "fast/__init__.py": "",
            "fast/conftest.py": UVLOOP_CONFTEST,
            "fast/test_fast.py": """
import asyncio

import pytest
import uvloop

LOOPS = []


@pytest.mark.asyncio(loop_scope="package")
async def test_first():
    LOOPS.append(asyncio.get_running_loop())
    assert isinstance(LOOPS[0], uvloop.Loop)


@pytest.mark.asyncio(loop_scope="package")
async def test_second():
    assert asyncio.get_running_loop() is LOOPS[0]
""",
        }
    )
    run_clean().assert_outcomes(passed=3)
