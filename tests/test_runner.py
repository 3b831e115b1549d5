"""The bridge that runs each test and fixture coroutine: one ``run_until_complete`` each.

These tests pin what users could notice of it: callbacks queued by the last
step still run, a stop left behind by one run does not cut the next short,
an exception keeps the user's traceback without asyncio's frames.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from pytest_asyncio._runner import RunFailed, TaskCancelled, run_coroutine


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    made = asyncio.new_event_loop()
    yield made
    made.close()


async def _sleeps(times: int) -> int:
    for _ in range(times):
        await asyncio.sleep(0)
    return times


def test_returns_the_result_of_a_coroutine_that_awaits(loop: asyncio.AbstractEventLoop) -> None:
    assert run_coroutine(loop, _sleeps(3)) == 3
    assert run_coroutine(loop, _sleeps(0)) == 0
    assert not loop.is_running()


def test_callbacks_queued_by_the_last_step_run_before_it_returns(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """As with run_until_complete: a task cancelled without await is done afterwards."""
    background = loop.create_task(asyncio.sleep(60))
    run_coroutine(loop, _sleeps(1))
    ran: list[str] = []

    async def cancel_and_leave() -> None:
        background.cancel()
        asyncio.get_running_loop().call_soon(ran.append, "callback")

    run_coroutine(loop, cancel_and_leave())
    assert background.cancelled()
    assert ran == ["callback"]


def test_a_task_cancelled_before_its_first_step_ends_the_run(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """Nothing can stop the loop but the task itself: it must not hang."""

    def cancel_every_task() -> None:
        for task in asyncio.all_tasks(loop):
            task.cancel()

    loop.call_soon(cancel_every_task)
    with pytest.raises(TaskCancelled):  # and no "coroutine was never awaited" warning
        run_coroutine(loop, _sleeps(1))
    assert run_coroutine(loop, _sleeps(2)) == 2


def test_a_stop_left_behind_does_not_cut_the_next_run_short(
    loop: asyncio.AbstractEventLoop,
) -> None:
    async def stops_as_it_ends() -> None:
        running = asyncio.get_running_loop()
        running.call_soon(lambda: None)  # so the plugin's own stop is queued, not immediate
        running.stop()

    run_coroutine(loop, stops_as_it_ends())
    assert run_coroutine(loop, _sleeps(5)) == 5


def test_a_stop_before_the_task_ends_is_reported(loop: asyncio.AbstractEventLoop) -> None:
    async def stops_midway() -> None:
        asyncio.get_running_loop().stop()
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    with pytest.raises(
        RunFailed, match=r"the midway test finished: something called loop\.stop\(\)"
    ):
        run_coroutine(loop, stops_midway(), description="the midway test")
    assert run_coroutine(loop, _sleeps(1)) == 1


def test_an_exception_keeps_the_users_traceback(loop: asyncio.AbstractEventLoop) -> None:
    async def fails() -> None:
        await asyncio.sleep(0)
        raise ValueError("from the user")

    with pytest.raises(ValueError, match="from the user") as raised:
        run_coroutine(loop, fails())
    assert raised.traceback[-1].name == "fails"
    names = [entry.name for entry in raised.traceback]
    assert names == ["test_an_exception_keeps_the_users_traceback", "run_coroutine", "fails"]


def test_fixture_teardown_that_cancels_without_awaiting_leaves_no_task(
    pytester: pytest.Pytester,
) -> None:
    """The common pattern: cancel a background task in teardown and return."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def ticker():
            task = asyncio.get_running_loop().create_task(asyncio.sleep(60))
            yield task
            task.cancel()

        @pytest.fixture
        def after_teardown(request):
            seen = []
            yield seen
            assert seen[0].cancelled(), "the cancelled task had no iteration to finish in"

        @pytest.mark.asyncio
        async def test_uses_it(after_teardown, ticker):
            after_teardown.append(ticker)
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)


def test_a_stop_left_behind_by_giving_up_does_not_cut_the_next_run_short(
    loop: asyncio.AbstractEventLoop,
) -> None:
    """The task may end in the iteration in which the plugin stops the loop."""

    async def stops_as_it_ends() -> None:
        asyncio.get_running_loop().stop()

    run_coroutine(loop, stops_as_it_ends())
    assert run_coroutine(loop, _sleeps(3)) == 3
