"""The virtual clock for a whole suite (``asyncio_clock = virtual``): patterns that
real suites use keep their outcomes, and tests idle between steps keep exact times.

Each inner test carries a real ``timeout=``, so a pattern that would hang on
virtual time fails here instead of stalling the run.
"""

from __future__ import annotations

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
