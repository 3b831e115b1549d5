"""Teardown that survives: one fixture's failure is its own, and loop misuse is named.

An exception in an async fixture's teardown is reported as that fixture's
error; the other fixtures are still torn down and the loop is still closed.
A test or fixture that stops or closes the plugin's loop gets a message
saying so, never an INTERNALERROR, and the tests after it run normally.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean


def assert_told(result: pytest.RunResult, message: Callable[[str], str], subject: str) -> None:
    """The message was shown about ``subject`` (which may carry more words around it)."""
    result.stdout.fnmatch_lines([f"*{message(f'*{subject}*')}*"])


def assert_no_crash(result: pytest.RunResult) -> None:
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    assert "Traceback (most recent call last)" not in result.stderr.str()


def test_a_failing_teardown_is_its_fixture_s_error_and_the_rest_still_runs(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_teardowns="""
        import asyncio
        import pytest

        LOOPS = {}
        TORN_DOWN = []

        @pytest.fixture
        async def healthy():
            yield
            await asyncio.sleep(0)
            TORN_DOWN.append("healthy")

        @pytest.fixture
        async def broken():
            LOOPS["function"] = asyncio.get_running_loop()
            yield
            raise ValueError("broken's teardown failed")

        @pytest.fixture(scope="module")
        async def broken_module_fixture():
            LOOPS["module"] = asyncio.get_running_loop()
            yield
            raise KeyError("the module fixture's teardown failed")

        @pytest.mark.asyncio
        async def test_uses_both(healthy, broken, broken_module_fixture):
            pass

        def test_afterwards():
            assert TORN_DOWN == ["healthy"]
            assert LOOPS["function"].is_closed()

        def test_module_still_running():
            assert not LOOPS["module"].is_closed()
        """,
        test_zz_later="""
        from test_teardowns import LOOPS

        def test_every_loop_was_closed():
            assert len(LOOPS) == 2 and all(loop.is_closed() for loop in LOOPS.values())
        """,
    )
    result = run_clean("-p", "no:randomly")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_uses_both*",
            "*async def broken():*",
            "E*ValueError: broken's teardown failed",
            "*ERROR at teardown of test_module_still_running*",
            "*async def broken_module_fixture():*",
            'E*KeyError: "the module fixture\'s teardown failed"',
        ]
    )
    assert_no_crash(result)


def test_a_teardown_ending_in_cancelled_error_breaks_nothing_after_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """``CancelledError`` is a ``BaseException``: left alone it would abort
    pytest's teardown and leave the closed loop cached for later tests."""
    pytester.makepyfile(
        test_cancelled="""
        import asyncio
        import pytest

        @pytest.fixture
        async def cancelled_in_teardown():
            yield
            raise asyncio.CancelledError()

        @pytest.mark.asyncio
        async def test_first(cancelled_in_teardown):
            pass

        @pytest.mark.asyncio
        async def test_then_a_fresh_loop(event_loop):
            assert not event_loop.is_closed()

        @pytest.mark.asyncio
        async def test_cancelled_itself():
            raise asyncio.CancelledError()
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=2, failed=1, errors=1)
    assert_told(result, _messages.task_cancelled, "async fixture 'cancelled_in_teardown'")
    assert_told(result, _messages.task_cancelled, "test_cancelled.py::test_cancelled_itself")
    assert_no_crash(result)


@pytest.mark.parametrize("where", ["test", "fixture"])
def test_a_cancellation_shows_where_it_reached_the_users_code(
    pytester: pytest.Pytester, run_clean: RunClean, where: str
) -> None:
    """As under ``asyncio.run``: the traceback runs through the user's code
    down to the await that was cancelled, and no frame of the plugin shows."""
    pytester.makepyfile(
        test_awaits="""
        import asyncio
        import pytest

        async def wait_for_cancelled_task():
            task = asyncio.get_running_loop().create_task(asyncio.sleep(10))
            await asyncio.sleep(0)
            task.cancel()
            await task  # the cancelled await

        @pytest.fixture
        async def cancelled_in_setup():
            await wait_for_cancelled_task()

        @pytest.mark.asyncio
        async def test_in_test():
            await wait_for_cancelled_task()

        @pytest.mark.asyncio
        async def test_in_fixture(cancelled_in_setup):
            pass
        """
    )
    result = run_clean("-k", f"in_{where}")
    if where == "test":
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines([">       await wait_for_cancelled_task()"])
    else:
        result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*await task  # the cancelled await",  # the last user frame (then asyncio's)
            "E * pytest_asyncio._runner.TaskCancelled: *",
        ]
    )
    output = result.stdout.str()
    assert "All traceback entries are hidden" not in output
    assert "pytest_asyncio" + "/" not in output.replace("pytest_asyncio._runner", "")
    subject = "test_awaits.py::test_in_test" if where == "test" else "cancelled_in_setup"
    assert_told(result, _messages.task_cancelled, subject)


def test_a_test_that_stops_the_loop_is_told_so(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_stopping="""
        import asyncio
        import pytest

        @pytest.fixture
        def stopped_early(event_loop):
            event_loop.stop()

        @pytest.fixture
        async def stops_in_teardown():
            yield
            asyncio.get_running_loop().stop()
            await asyncio.sleep(0.01)

        @pytest.mark.asyncio
        async def test_stops_its_loop():
            asyncio.get_running_loop().stop()
            await asyncio.sleep(0.01)

        @pytest.mark.asyncio
        async def test_loop_stopped_by_a_fixture(stopped_early):
            await asyncio.sleep(0)

        @pytest.mark.asyncio
        async def test_fixture_stops_it_at_teardown(stops_in_teardown):
            pass

        @pytest.mark.asyncio
        async def test_still_fine():
            await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=2, failed=2, errors=1)
    for what in (
        "test_stopping.py::test_stops_its_loop",
        "test_stopping.py::test_loop_stopped_by_a_fixture",
        "async fixture 'stops_in_teardown'",
    ):
        assert_told(result, _messages.loop_stopped, what)
    assert_no_crash(result)


def test_a_test_that_closes_the_loop_is_warned(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_closing="""
        import asyncio
        import pytest

        def test_closes_the_fixture_loop(event_loop):
            event_loop.close()

        def test_next_test_gets_an_open_loop(event_loop):
            assert not event_loop.is_closed()
        """
    )
    run_clean("-W", "default").assert_outcomes(passed=2, warnings=1)
    result = run_clean()  # and with warnings as errors, an error, not a crash
    result.assert_outcomes(passed=2, errors=1)
    assert_told(result, _messages.loop_closed_by_user, "event_loop")
    assert_no_crash(result)


def test_async_code_cannot_close_its_running_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """asyncio itself refuses, in the test's own frame; the plugin stays out of it."""
    pytester.makepyfile(
        test_closing_inside="""
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_closes_its_loop():
            asyncio.get_running_loop().close()

        @pytest.mark.asyncio
        async def test_still_fine():
            await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*RuntimeError: Cannot close a running event loop"])
    assert_no_crash(result)


def test_async_fixtures_left_on_a_closed_loop_say_so(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Nothing is created on the closed loop, so no coroutine warns "never awaited"."""
    pytester.makepyfile(
        test_closed_under_fixture="""
        import pytest

        @pytest.fixture
        async def resource():
            yield "resource"

        def test_closes_the_loop_under_its_fixture(resource, event_loop):
            event_loop.close()

        @pytest.fixture
        def closed_before(event_loop):
            event_loop.close()

        @pytest.mark.asyncio
        async def test_runs_on_a_closed_loop(closed_before):
            pass
        """
    )
    result = run_clean("-W", "default")
    result.assert_outcomes(passed=1, failed=1, errors=1, warnings=2)
    assert_told(result, _messages.loop_closed_early, "async fixture 'resource'")
    assert_told(
        result,
        _messages.loop_closed_early,
        "test_closed_under_fixture.py::test_runs_on_a_closed_loop",
    )
    assert_no_crash(result)


def test_an_async_fixture_requested_from_inside_the_loop_is_refused(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """The loop cannot be run again from inside; the coroutine is closed, not leaked."""
    pytester.makepyfile(
        test_nested="""
        import asyncio
        import pytest

        @pytest.fixture
        async def resource():
            yield "resource"

        @pytest.mark.asyncio
        async def test_requests_it_dynamically(request):
            request.getfixturevalue("resource")

        @pytest.mark.asyncio
        async def test_still_fine():
            await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, failed=1)
    assert_told(result, _messages.loop_already_running, "async fixture 'resource'")
    assert_no_crash(result)
