"""Exceptions the loop would only log are reported; in ``warn`` mode as ``LoopExceptionWarning``.

A failing ``call_soon`` callback or a task exception nobody retrieved ends
in the loop's exception handler. The plugin reports it at the end of the
test phase it happened in, with the original traceback and the test's id.
These tests run in ``warn`` mode; the default ``report`` mode and the
others are tested in ``test_diagnostics_severity.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import pytest_asyncio
from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

WARN = "--asyncio-diagnostics=warn"
AS_WARNING = (WARN, "-W", "default::pytest_asyncio.LoopExceptionWarning")

CALLBACK_FAILS = """
    import asyncio
    import pytest

    def on_tick():
        raise ValueError("bad tick")

    @pytest.mark.asyncio
    async def test_callback_fails():
        asyncio.get_running_loop().call_soon(on_tick)
        await asyncio.sleep(0)
    """


#: An async fixture whose setup queues a callback that raises.
EXCEPTION_IN_FIXTURE_SETUP = """
    import asyncio
    import pytest

    def explode():
        raise RuntimeError("in a callback")

    @pytest.fixture
    async def service():
        asyncio.get_running_loop().call_soon(explode)
        await asyncio.sleep(0)
        return "service"

    @pytest.mark.asyncio
    async def test_uses_service(service):
        pass
"""


def header(phase: str, test: str) -> str:
    return _messages.loop_exception(phase, test, ["-"]).split("\n\n")[0]


def test_public_class() -> None:
    assert issubclass(pytest_asyncio.LoopExceptionWarning, pytest.PytestWarning)
    assert "LoopExceptionWarning" in pytest_asyncio.__all__


def test_a_failing_callback_is_reported_with_its_traceback(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(CALLBACK_FAILS)
    result = run_clean(*AS_WARNING)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            f"*LoopExceptionWarning: {header('the call', '*::test_callback_fails')}",
            "  Exception in callback on_tick()*",
            "  Traceback (most recent call last):",
            '    File "*", line 5, in on_tick',
            "  ValueError: bad tick",
        ]
    )


def test_a_task_exception_nobody_retrieved(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        async def crash():
            raise KeyError("lost")

        @pytest.mark.asyncio
        async def test_forgets_its_task():
            asyncio.get_running_loop().create_task(crash())
            await asyncio.sleep(0.01)
        """
    )
    result = run_clean(*AS_WARNING)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            f"*LoopExceptionWarning: {header('the call', '*::test_forgets_its_task')}",
            "  Task exception was never retrieved",
            "  future: <Task finished * coro=<crash() done*",
            "  KeyError: 'lost'",
        ]
    )


def test_during_async_fixture_setup(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(EXCEPTION_IN_FIXTURE_SETUP)
    result = run_clean(WARN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_uses_service*",
            "E * RuntimeError: in a callback",
            "*direct cause of the following exception*",
            f"E *LoopExceptionWarning: {header('setup', '*::test_uses_service')}",
            "*Exception in callback explode()*",
        ]
    )


def test_an_error_under_w_error(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(CALLBACK_FAILS)
    result = run_clean(WARN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '>       raise ValueError("bad tick")',
            "E       ValueError: bad tick",
            "*direct cause of the following exception*",
            "E *LoopExceptionWarning: An exception reached*",
        ]
    )


def test_a_sync_test_driving_event_loop_is_covered(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio

        def fail():
            raise ValueError("sync side")

        def test_drives_the_loop(event_loop):
            event_loop.call_soon(fail)
            event_loop.run_until_complete(asyncio.sleep(0))
        """
    )
    result = run_clean(*AS_WARNING)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["  ValueError: sync side"])


def test_a_handler_the_user_set_is_left_alone(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        SEEN = []

        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            loop.set_exception_handler(lambda loop, context: SEEN.append(context["message"]))
            yield loop
            loop.close()

        def on_tick():
            raise ValueError("bad tick")

        @pytest.mark.asyncio
        async def test_own_handler():
            asyncio.get_running_loop().call_soon(on_tick)
            await asyncio.sleep(0)
            assert [m.split(" at ")[0] for m in SEEN] == ["Exception in callback on_tick()"]

        @pytest.mark.asyncio
        async def test_handler_set_inside_the_test():
            seen = []
            loop = asyncio.get_running_loop()
            loop.set_exception_handler(lambda loop, context: seen.append(context))
            loop.call_soon(on_tick)
            await asyncio.sleep(0)
            assert len(seen) == 1
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_messages_without_an_exception_are_logged_as_before(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_note(caplog):
            asyncio.get_running_loop().call_exception_handler({"message": "just a note"})
            assert "just a note" in caplog.text
        """
    )
    run_clean().assert_outcomes(passed=1)
