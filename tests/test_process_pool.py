"""``event_loop_process_pool`` and ``@pytest.mark.asyncio_process_pool``.

``run_in_executor(None, fn)`` runs ``fn`` in another process, on every loop
(uvloop too), and the pool is shut down at teardown. Each inner session here
spawns at most one worker process, so these tests stay quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

RECORDING_POOL = """
import pytest
from pytest_asyncio import ProcessPoolLoopFixture

POOLS = []

class RecordingPool(ProcessPoolLoopFixture):
    def new_executor(self):
        POOLS.append(super().new_executor())
        return POOLS[-1]

event_loop_process_pool = RecordingPool.fixture()
"""


def test_the_marker_runs_executor_work_in_another_process(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeconftest(RECORDING_POOL)
    pytester.makepyfile(
        """
        import asyncio
        import os
        import pytest
        from conftest import POOLS

        WORKERS = []

        @pytest.mark.asyncio_process_pool
        async def test_in_another_process(event_loop_process_pool):
            loop = asyncio.get_running_loop()
            assert loop is event_loop_process_pool
            WORKERS.append(await loop.run_in_executor(None, os.getpid))
            assert WORKERS[0] != os.getpid()

        def test_the_pool_was_shut_down():
            assert len(POOLS) == 1
            with pytest.raises(RuntimeError, match="shutdown"):
                POOLS[0].submit(os.getpid)
            with pytest.raises(ProcessLookupError):  # the worker was joined and reaped
                os.kill(WORKERS[0], 0)
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_sync_test_with_the_fixture(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import os

        def test_sync(event_loop_process_pool):
            loop = event_loop_process_pool
            pid = loop.run_until_complete(loop.run_in_executor(None, os.getpid))
            assert pid != os.getpid()
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_a_subclass_returning_a_thread_pool(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makeconftest(
        """
        from concurrent.futures import ThreadPoolExecutor
        from pytest_asyncio import ProcessPoolLoopFixture

        POOLS = []

        class ThreadPoolLoop(ProcessPoolLoopFixture):
            def new_executor(self):
                POOLS.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="custom"))
                return POOLS[-1]

        event_loop_process_pool = ThreadPoolLoop.fixture()
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import threading
        import pytest
        from conftest import POOLS

        @pytest.mark.asyncio_process_pool
        async def test_in_the_custom_thread():
            loop = asyncio.get_running_loop()
            name = await loop.run_in_executor(None, lambda: threading.current_thread().name)
            assert name.startswith("custom")

        def test_the_pool_was_shut_down():
            with pytest.raises(RuntimeError, match="shutdown"):
                POOLS[0].submit(print)
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_uvloop_with_the_process_pool(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytest.importorskip("uvloop")  # a test extra; absent only on Windows
    pytester.makeconftest(
        """
        import uvloop
        from pytest_asyncio import ProcessPoolLoopFixture

        class UvloopPool(ProcessPoolLoopFixture):
            def new_loop(self):
                return uvloop.new_event_loop()

        event_loop_process_pool = UvloopPool.fixture()
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import os
        import pytest
        import uvloop

        @pytest.mark.asyncio_process_pool
        async def test_on_uvloop_in_another_process():
            loop = asyncio.get_running_loop()
            assert isinstance(loop, uvloop.Loop)
            assert await loop.run_in_executor(None, os.getpid) != os.getpid()
        """
    )
    run_clean().assert_outcomes(passed=1)
