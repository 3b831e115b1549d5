"""``VirtualClock`` on its own, without pytest: time, jumps, order, real timers, refusals."""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from pytest_asyncio import ClockUnsupported, VirtualClock, _messages

T = TypeVar("T")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> T:
    return loop.run_until_complete(coro)


def test_an_hour_of_sleeps_takes_under_a_second(loop: asyncio.AbstractEventLoop) -> None:
    VirtualClock.install(loop)

    async def sleep_an_hour() -> float:
        start = loop.time()
        for _ in range(60):
            await asyncio.sleep(60)
        return loop.time() - start

    began = time.perf_counter()
    assert run(loop, sleep_an_hour()) == pytest.approx(3600)
    assert time.perf_counter() - began < 1.0  # an hour of virtual time, far under a real second


def test_virtual_time_starts_at_the_loops_time_and_stands_still(
    loop: asyncio.AbstractEventLoop,
) -> None:
    before = loop.time()
    clock = VirtualClock.install(loop)
    assert before <= clock.time() <= time.monotonic()
    first = loop.time()
    time.sleep(0.01)
    assert loop.time() == first == clock.time()


def test_wait_for_times_out_at_the_virtual_deadline(loop: asyncio.AbstractEventLoop) -> None:
    VirtualClock.install(loop)

    async def wait() -> float:
        start = loop.time()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.sleep(100), timeout=7.5)
        return loop.time() - start

    assert run(loop, wait()) == pytest.approx(7.5)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout() is new in 3.11")
def test_asyncio_timeout_follows_virtual_time(loop: asyncio.AbstractEventLoop) -> None:
    VirtualClock.install(loop)

    async def wait() -> float:
        start = loop.time()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(30):  # type: ignore[attr-defined,unused-ignore]
                await asyncio.Event().wait()
        return loop.time() - start

    assert run(loop, wait()) == pytest.approx(30)


def test_timers_fire_in_real_time_order_each_at_its_own_time(
    loop: asyncio.AbstractEventLoop,
) -> None:
    VirtualClock.install(loop)
    start = loop.time()
    fired: list[tuple[str, float]] = []

    def note(name: str) -> None:
        fired.append((name, loop.time() - start))

    async def schedule() -> None:
        loop.call_later(3, note, "later 3")
        loop.call_at(start + 1, note, "at 1")
        loop.call_later(2, note, "later 2")
        loop.call_at(start + 0.5, note, "at 0.5")
        await asyncio.sleep(4)

    run(loop, schedule())
    assert [name for name, _ in fired] == ["at 0.5", "at 1", "later 2", "later 3"]
    assert [when for _, when in fired] == pytest.approx([0.5, 1, 2, 3])


def test_advance_runs_what_falls_due_and_what_it_wakes(loop: asyncio.AbstractEventLoop) -> None:
    clock = VirtualClock.install(loop)
    ticks: list[float] = []

    async def ticker() -> None:
        start = loop.time()
        while True:
            await asyncio.sleep(1)
            ticks.append(loop.time() - start)

    async def drive() -> None:
        task = asyncio.create_task(ticker())
        await clock.advance(3)
        assert ticks == pytest.approx([1, 2, 3])
        await clock.advance(0)
        await clock.advance(0.5)
        assert len(ticks) == 3
        task.cancel()

    run(loop, drive())


def test_advance_refuses_to_go_back_or_to_drive_another_loop(
    loop: asyncio.AbstractEventLoop,
) -> None:
    clock = VirtualClock.install(loop)
    with pytest.raises(ValueError, match="forward only"):
        run(loop, clock.advance(-1))
    other = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError) as raised:
            other.run_until_complete(clock.advance(1))
        assert str(raised.value) == _messages.clock_not_driving()
    finally:
        other.close()


def test_real_speed_and_back_keeps_time_monotonic(loop: asyncio.AbstractEventLoop) -> None:
    clock = VirtualClock.install(loop)
    run(loop, asyncio.sleep(1000))
    virtual_end = clock.time()
    clock.virtual = False
    time.sleep(0.01)
    real_speed = clock.time()
    assert virtual_end + 0.01 <= real_speed < virtual_end + 1
    clock.virtual = True
    assert clock.time() >= real_speed
    run(loop, asyncio.sleep(50))
    assert clock.time() >= real_speed + 50


def test_a_real_timer_waits_real_seconds_while_virtual_time_runs_ahead(
    loop: asyncio.AbstractEventLoop,
) -> None:
    clock = VirtualClock.install(loop)
    fired: list[float] = []
    began = time.perf_counter()
    clock.call_later_real(0.05, lambda: fired.append(time.perf_counter() - began))

    async def sleep_long() -> None:
        while not fired:
            await asyncio.sleep(10)

    run(loop, sleep_long())
    assert 0.05 <= fired[0] < 1
    cancelled = clock.call_later_real(0.01, fired.append, -1.0)
    cancelled.cancel()
    run(loop, asyncio.sleep(0.02))
    time.sleep(0.02)
    run(loop, asyncio.sleep(0))
    assert -1.0 not in fired


def test_a_busy_loop_lets_virtual_time_run_so_a_sleeper_wakes(
    loop: asyncio.AbstractEventLoop,
) -> None:
    clock = VirtualClock.install(loop)
    woke: list[float] = []

    began = time.perf_counter()

    async def spin_until_woken() -> None:
        while not woke and time.perf_counter() - began < 5:
            await asyncio.sleep(0)

    async def sleeper() -> None:
        await asyncio.sleep(0.01)
        woke.append(loop.time())

    start = loop.time()
    spinner = loop.create_task(spin_until_woken())
    loop.create_task(sleeper())
    run(loop, spinner)
    elapsed = time.perf_counter() - began
    assert woke, "the sleeper never woke while the spinner ran"
    assert woke[0] - start >= 0.01
    assert clock.busy_limit <= elapsed < clock.busy_limit + 1


def test_short_bursts_of_work_between_sleeps_keep_exact_virtual_times(
    loop: asyncio.AbstractEventLoop,
) -> None:
    VirtualClock.install(loop)

    async def back_off() -> list[float]:
        times = [loop.time()]
        for delay in (1, 2, 4, 8):
            for _ in range(100):
                await asyncio.sleep(0)
            await asyncio.sleep(delay)
            times.append(loop.time())
        return [b - a for a, b in itertools.pairwise(times)]

    assert run(loop, back_off()) == [1, 2, 4, 8]


def test_executor_work_is_waited_for_in_real_time_then_jumps_resume(
    loop: asyncio.AbstractEventLoop,
) -> None:
    VirtualClock.install(loop, threshold=0)

    def work() -> str:
        time.sleep(0.05)
        return "done"

    async def slow_thread() -> tuple[str, float, float]:
        start = loop.time()
        result = await asyncio.wait_for(loop.run_in_executor(None, work), timeout=1)
        waited = loop.time() - start
        began = time.perf_counter()
        await asyncio.sleep(3600)
        return result, waited, time.perf_counter() - began

    result, waited, slept = run(loop, slow_thread())
    assert result == "done"
    assert 0.05 <= waited < 1
    assert slept < 0.5


def test_a_thread_started_meanwhile_is_waited_for_in_real_time(
    loop: asyncio.AbstractEventLoop,
) -> None:
    VirtualClock.install(loop, threshold=0)

    async def hand_back_from_a_thread() -> str:
        future: asyncio.Future[str] = loop.create_future()

        def worker() -> None:
            time.sleep(0.05)
            loop.call_soon_threadsafe(future.set_result, "done")

        thread = threading.Thread(target=worker)
        thread.start()
        try:
            return await asyncio.wait_for(future, timeout=1)
        finally:
            thread.join()

    assert run(loop, hand_back_from_a_thread()) == "done"


def test_one_clock_per_loop(loop: asyncio.AbstractEventLoop) -> None:
    clock = VirtualClock.install(loop)
    assert VirtualClock.of(loop) is clock
    with pytest.raises(ClockUnsupported, match="already has a virtual clock"):
        VirtualClock.install(loop)


def test_uvloop_is_refused_by_name() -> None:
    uvloop = pytest.importorskip("uvloop")
    loop = uvloop.new_event_loop()
    try:
        with pytest.raises(ClockUnsupported) as raised:
            VirtualClock.install(loop)
        assert str(raised.value) == _messages.clock_unsupported(type(loop))
        assert "uvloop.Loop" in str(raised.value)
        assert VirtualClock.of(loop) is None
    finally:
        loop.close()
