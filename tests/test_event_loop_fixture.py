"""``event_loop``: a new loop per test, cleaned up and closed at the end.

Requesting it does not make it the current loop; only the marker does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_a_new_loop_per_test_closed_afterwards(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio

        LOOPS = []

        def test_one(event_loop):
            assert isinstance(event_loop, asyncio.AbstractEventLoop)
            assert not event_loop.is_closed()
            LOOPS.append(event_loop)

        def test_two(event_loop):
            LOOPS.append(event_loop)
            assert LOOPS[0] is not event_loop
            assert LOOPS[0].is_closed()
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_sync_tests_drive_the_loop_themselves(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """pytest-asyncio 0.7's example: a sync test calls ``run_until_complete`` on it."""
    pytester.makepyfile(
        """
        import asyncio

        async def fetch():
            await asyncio.sleep(0)
            return b"HTTP/1.1 200 OK"

        def test_http_client(event_loop):
            assert b"200 OK" in event_loop.run_until_complete(fetch())
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_requesting_it_without_the_marker_does_not_make_it_current(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def own_loop():
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            yield loop
            asyncio.set_event_loop(None)
            loop.close()

        @pytest.fixture
        def uses_the_loop(own_loop, event_loop):
            assert asyncio.get_event_loop() is own_loop
            return event_loop

        def test_sync(own_loop, uses_the_loop, event_loop):
            assert asyncio.get_event_loop() is own_loop is not event_loop
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_teardown_cancels_tasks_and_closes_async_generators(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        CLEANED = []
        LEFT = {}

        async def forever():
            try:
                await asyncio.sleep(3600)
            finally:
                CLEANED.append("task")

        async def ticker():
            try:
                while True:
                    yield 1
            finally:
                CLEANED.append("async generator")

        # the plugin also warns about the task; here only the cleanup matters
        @pytest.mark.filterwarnings("ignore::pytest_asyncio.LeakedTaskWarning")
        @pytest.mark.asyncio
        async def test_leaves_work_behind(event_loop):
            LEFT["task"] = asyncio.create_task(forever())
            LEFT["agen"] = ticker()
            await LEFT["agen"].__anext__()
            await asyncio.sleep(0)
            LEFT["loop"] = event_loop

        def test_it_was_cleaned_up():
            assert LEFT["task"].cancelled()
            assert sorted(CLEANED) == ["async generator", "task"]
            assert LEFT["loop"].is_closed()
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_teardown_shuts_down_the_default_executor(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import threading
        from concurrent.futures import ThreadPoolExecutor
        import pytest

        SHUTDOWN = []

        class Recording(ThreadPoolExecutor):
            def shutdown(self, wait=True, **kwargs):
                SHUTDOWN.append(wait)
                super().shutdown(wait=wait, **kwargs)

        @pytest.mark.asyncio
        async def test_uses_the_default_executor(event_loop):
            event_loop.set_default_executor(Recording(max_workers=1))
            ident = await event_loop.run_in_executor(None, threading.get_ident)
            assert ident != threading.get_ident()

        def test_it_was_shut_down():
            # waited for first (shutdown_default_executor); close() adds a no-wait call
            assert SHUTDOWN[0] is True
        """
    )
    run_clean().assert_outcomes(passed=2)
