"""Cancellation is bounded: code that will not stop cannot hang the run.

After cancelling a task (at a timeout, or when its loop is closed) the
plugin waits ``CANCEL_GRACE`` seconds (1 s) for it, then reports the task,
where it was, and goes on; the loop is closed all the same. The same for an
async generator fixture that will not close.
"""

from __future__ import annotations

import textwrap
import time
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages, _runner

if TYPE_CHECKING:
    from conftest import RunClean

SWALLOWS = """
    import asyncio
    import pytest

    async def swallow_cancellation():
        while True:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                pass
    """


def swallowing(body: str) -> str:
    return textwrap.dedent(SWALLOWS) + textwrap.dedent(body)


def test_the_grace_period_is_one_second() -> None:
    assert _runner.CANCEL_GRACE == 1.0


def test_a_test_that_keeps_swallowing_its_timeout_fails(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        swallowing(
            """
        @pytest.mark.asyncio(timeout=0.05)
        async def test_swallows():
            await swallow_cancellation()

        def test_after():
            pass
        """
        )
    )
    started = time.monotonic()
    result = run_clean()
    assert time.monotonic() - started < 10
    result.assert_outcomes(failed=1, passed=1)  # and no leak report of the test's own task
    result.stdout.fnmatch_lines(
        [
            "*test_swallows timed out after 0.05 s and was cancelled.",
            "It was waiting here:",
            "  test_a_test_that_keeps_swallowing_its_timeout_fails.py:13 in test_swallows",
            "    await swallow_cancellation()",
            "  test_a_test_that_keeps_swallowing_its_timeout_fails.py:7 in swallow_cancellation",
            "    await asyncio.sleep(1)",
            "  -> waits on a timer (asyncio.sleep)",
            "It did not stop within 1 s of being cancelled (it catches asyncio.CancelledError "
            "and goes on), so it was left running on its loop*",
            "Raise the limit with*",
        ]
    )


def test_an_async_fixture_that_swallows_its_timeout_errors(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        swallowing(
            """
        @pytest.fixture
        async def never_ready():
            await swallow_cancellation()

        @pytest.mark.asyncio(timeout=0.05)
        async def test_uses_it(never_ready):
            pass

        @pytest.mark.asyncio
        async def test_after():
            pass
        """
        )
    )
    result = run_clean()
    result.assert_outcomes(errors=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "async fixture 'never_ready' (set up for *::test_uses_it) timed out after 0.05 s*",
            "It did not stop within 1 s of being cancelled*",
        ]
    )


STARTS_A_STUBBORN_TASK = """
    @pytest.mark.asyncio
    async def test_starts_it():
        asyncio.get_running_loop().create_task(swallow_cancellation(), name="stubborn")

    @pytest.mark.asyncio
    async def test_after():
        pass
    """


def test_a_task_that_refuses_to_stop_at_loop_close_is_a_reported_leak(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """By default no outcome changes, as the summary says; the report says what happened."""
    pytester.makepyfile(swallowing(STARTS_A_STUBBORN_TASK))
    result = run_clean("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*::test_starts_it: 1 leaked task that would not stop when cancelled",
            "    1 task still pending when the event loop 'event_loop' of test *::test_starts_it"
            " was closed; pytest-asyncio cancelled it, but it did not stop within 1 s"
            " (catching asyncio.CancelledError and going on), so the loop was closed with it"
            " still pending:",
            "      stubborn running swallow_cancellation() at *.py:7*",
            f"    {_messages.STOP_WHEN_CANCELLED}",
            "Total: 1 leaked task that would not stop when cancelled (1 test).",
            "Reported only: no outcome changed (asyncio_diagnostics = report)*",
        ]
    )


def test_a_task_that_refuses_to_stop_fails_its_test_in_error_mode(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(swallowing(STARTS_A_STUBBORN_TASK))
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_starts_it*",
            "E   pytest_asyncio.LeakedTaskError: 1 task still pending when * was closed;"
            " pytest-asyncio cancelled it, but it did not stop within 1 s*",
        ]
    )
    assert "Closing the event loop" not in result.stdout.str()  # reported once


def test_a_task_that_refuses_to_stop_is_not_reported_when_diagnostics_are_off(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(swallowing(STARTS_A_STUBBORN_TASK))
    result = run_clean("--asyncio-diagnostics=off", "-rA")
    result.assert_outcomes(passed=2)
    assert "did not stop" not in result.stdout.str()


def test_a_shared_loop_is_closed_despite_a_stubborn_task(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        swallowing(
            """
        pytestmark = pytest.mark.asyncio(loop_scope="module")

        async def test_starts_it():
            asyncio.get_running_loop().create_task(swallow_cancellation(), name="stubborn")

        async def test_same_loop():
            pass
        """
        )
    )
    result = run_clean()  # run_clean: no unclosed loop left behind
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*::test_starts_it: 1 leaked task that would not stop when cancelled"]
    )


def test_an_async_generator_fixture_that_ignores_closing(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """It yields in its finally block: asyncio's "async generator ignored GeneratorExit"."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        async def stubborn():
            try:
                yield 1
                yield 2
            finally:
                yield 3

        @pytest.mark.asyncio
        async def test_uses_it(stubborn):
            pass
        """
    )
    result = run_clean()  # -W error: and no LoopExceptionWarning for the generator
    result.assert_outcomes(passed=1, errors=1)
    message = _messages.async_generator_ignored_close("stubborn", closed=True)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_uses_it*", message])
    assert "RuntimeError" not in result.stdout.str()
