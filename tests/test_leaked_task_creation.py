"""A leaked task's description names the user's code: where it waits, and where it was made.

The innermost frame of the user's code the task waits in is always named.
The line that created the task is known when the loop runs in debug mode
(``--asyncio-debug``), where asyncio records it for every task; a task
running none of the user's code says so and points at that option.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

LEAKS_AN_ASYNCIO_SLEEP = """
    import asyncio
    import pytest

    def start_timer():
        return asyncio.get_running_loop().create_task(asyncio.sleep(10), name="timer")

    async def heartbeat():
        while True:
            await asyncio.sleep(1)

    @pytest.mark.asyncio
    async def test_leaks():
        start_timer()
        asyncio.get_running_loop().create_task(heartbeat(), name="beat")
        await asyncio.sleep(0)
"""


def test_debug_mode_names_the_line_that_created_each_task(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_AN_ASYNCIO_SLEEP)
    result = run_clean("-rA", "--asyncio-debug")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  beat running heartbeat() at *.py:9, created at *.py:14",
            "  timer running sleep() at *asyncio*tasks.py:*, created at *.py:5",
        ]
    )


def test_without_debug_mode_a_task_of_asyncio_s_own_points_at_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_AN_ASYNCIO_SLEEP)
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  beat running heartbeat() at *.py:9",
            f"  timer running sleep() at *asyncio*tasks.py:*{_messages.TASK_CREATION_HINT}",
        ]
    )
    assert "created at" not in result.stdout.str()
