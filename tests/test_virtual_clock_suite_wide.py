"""The virtual clock for a whole suite (``asyncio_clock = virtual``): patterns that
real suites use keep their outcomes, and tests idle between steps keep exact times.

Each inner test carries a real ``timeout=``, so a pattern that would hang on
virtual time fails here instead of stalling the run.
"""

from __future__ import annotations

# Imported out here, so that every in-process run pickles the same pool worker.
import concurrent.futures.process  # noqa: F401
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

SUITE_WIDE = "[pytest]\nasyncio_clock = virtual\n"


def test_a_writer_gets_in_while_readers_spin(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini(SUITE_WIDE)
    pytester.makepyfile(
        """
        import asyncio

        import pytest


        class ReadWriteLock:
            # Readers share it; a writer waits for them and holds new ones back.

            def __init__(self):
                self.readers = 0
                self.writer_waiting = False

            async def read(self):
                while self.writer_waiting:
                    await asyncio.sleep(0)
                self.readers += 1
                await asyncio.sleep(0)
                self.readers -= 1

            async def write(self):
                self.writer_waiting = True
                while self.readers:
                    await asyncio.sleep(0)
                self.writer_waiting = False


        @pytest.mark.asyncio(timeout=5)
        async def test_writer_success():
            lock = ReadWriteLock()
            reads = writes = 0

            async def reader():
                nonlocal reads
                while writes < 2:
                    await lock.read()
                    reads += 1

            async def writer():
                nonlocal writes
                while reads == 0:
                    await asyncio.sleep(0.01)
                for _ in range(2):
                    await asyncio.sleep(0.01)
                    await lock.write()
                    writes += 1

            await asyncio.gather(*(reader() for _ in range(5)), writer())
            assert writes == 2


        @pytest.mark.asyncio(timeout=5)
        async def test_a_busy_poll_ends_when_a_timer_fires():
            loop = asyncio.get_running_loop()
            start = loop.time()
            done = asyncio.Event()
            loop.call_later(0.02, done.set)
            while not done.is_set():
                await asyncio.sleep(0)
            assert loop.time() - start >= 0.02
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_tests_idle_between_steps_keep_exact_virtual_times(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini(SUITE_WIDE)
    pytester.makepyfile(
        """
        import asyncio
        import time

        import pytest


        async def fetch_with_retry(fetch, attempts=5, first_delay=1.0):
            delay = first_delay
            for attempt in range(attempts):
                try:
                    return await asyncio.wait_for(fetch(), timeout=10)
                except (ConnectionError, asyncio.TimeoutError):
                    if attempt == attempts - 1:
                        raise
                    await asyncio.sleep(delay)
                    delay *= 2


        @pytest.mark.asyncio(timeout=5)
        async def test_gives_up_after_five_attempts():
            calls = []
            began = time.perf_counter()

            async def always_down():
                calls.append(asyncio.get_running_loop().time())
                for _ in range(50):
                    await asyncio.sleep(0)  # a little work before each failure
                raise ConnectionError

            with pytest.raises(ConnectionError):
                await fetch_with_retry(always_down)
            assert [b - a for a, b in zip(calls, calls[1:])] == [1, 2, 4, 8]
            assert time.perf_counter() - began < 1
        """
    )
    run_clean().assert_outcomes(passed=1)


EXECUTOR_AND_THREADS = """
    import asyncio
    import concurrent.futures
    import threading
    import time

    import pytest


    def work():
        time.sleep(0.05)
        return "done"


    async def then_an_hour_takes_no_time():
        began = time.perf_counter()
        await asyncio.sleep(3600)
        assert time.perf_counter() - began < 0.5


    @pytest.mark.asyncio(timeout=5)
    async def test_run_in_executor():
        loop = asyncio.get_running_loop()
        assert await asyncio.wait_for(loop.run_in_executor(None, work), timeout=1) == "done"
        await then_an_hour_takes_no_time()


    @pytest.mark.asyncio(timeout=5)
    async def test_to_thread():
        assert await asyncio.wait_for(asyncio.to_thread(work), timeout=1) == "done"
        await then_an_hour_takes_no_time()


    @pytest.mark.asyncio(timeout=5)
    async def test_an_executor_of_its_own():
        loop = asyncio.get_running_loop()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            assert await asyncio.wait_for(loop.run_in_executor(pool, work), timeout=1) == "done"
            await then_an_hour_takes_no_time()


    @pytest.mark.asyncio_process_pool(timeout=30)
    async def test_the_process_pool():
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, time.sleep, 0)  # the workers start
        await asyncio.wait_for(loop.run_in_executor(None, time.sleep, 0.05), timeout=1)
        await then_an_hour_takes_no_time()


    @pytest.mark.asyncio(timeout=5)
    async def test_a_thread_calls_call_soon_threadsafe():
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def worker():
            loop.call_soon_threadsafe(future.set_result, work())

        thread = threading.Thread(target=worker)
        thread.start()
        try:
            assert await asyncio.wait_for(future, timeout=1) == "done"
        finally:
            thread.join()
        await then_an_hour_takes_no_time()
    """


@pytest.mark.parametrize("threshold", ["", "asyncio_clock_threshold = 0"])
def test_work_in_executors_and_threads_is_waited_for(
    pytester: pytest.Pytester, run_clean: RunClean, threshold: str
) -> None:
    pytester.makeini(SUITE_WIDE + threshold + "\n")
    pytester.makepyfile(EXECUTOR_AND_THREADS)
    run_clean().assert_outcomes(passed=5)
