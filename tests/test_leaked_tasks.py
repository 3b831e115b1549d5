"""Leaked tasks: cancelled before their loop closes, and reported.

A task still pending when its loop fixture is torn down is reported, naming
its coroutine, where it was suspended and, for a function-scoped loop, the
test. In ``warn`` mode (tested here) it is a ``LeakedTaskWarning``: a
warning, an error under ``-W error``. The default ``report`` mode and the
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

LEAKS_A_TASK = """
    import asyncio
    import pytest

    CANCELLED = []

    async def heartbeat():
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            CANCELLED.append("heartbeat")
            raise

    @pytest.mark.asyncio
    async def test_leaks():
        asyncio.get_running_loop().create_task(heartbeat(), name="beat")
        await asyncio.sleep(0)

    def test_it_was_cancelled():
        assert CANCELLED == ["heartbeat"]
    """


def test_public_class() -> None:
    assert issubclass(pytest_asyncio.LeakedTaskWarning, pytest.PytestWarning)
    assert "LeakedTaskWarning" in pytest_asyncio.__all__


def test_a_warning_in_warn_mode_naming_test_and_coroutine(pytester: pytest.Pytester) -> None:
    """In a fresh process, so that no filter of this suite applies."""
    pytester.makepyfile(LEAKS_A_TASK)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", WARN)
    result.assert_outcomes(passed=2, warnings=1)
    owner = _messages.loop_owner("event_loop", "function", "*::test_leaks")
    result.stdout.fnmatch_lines(
        [
            "*::test_leaks",
            f"*.py:8: LeakedTaskWarning: 1 task still pending when {owner} was closed;"
            " pytest-asyncio cancelled it before closing the loop:",
            "    beat running heartbeat() at *.py:8*",
            "  Await or cancel every task a test starts*",
        ]
    )


def test_an_error_under_w_error(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean(WARN)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_leaks*", "E *LeakedTaskWarning: 1 task still pending*"]
    )


def test_filterwarnings_can_silence_it(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_diagnostics = warn\n"
        "filterwarnings =\n    error\n    ignore::pytest_asyncio.LeakedTaskWarning\n"
    )
    pytester.makepyfile(LEAKS_A_TASK)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_wide_loop_is_named_by_its_scope(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        pytestmark = pytest.mark.asyncio(loop_scope="module")

        async def forever():
            await asyncio.sleep(60)

        async def test_one():
            asyncio.get_running_loop().create_task(forever())

        async def test_two():
            await asyncio.sleep(0)
        """
    )
    result = run_clean(WARN, "-W", "default::pytest_asyncio.LeakedTaskWarning")
    result.assert_outcomes(passed=2, warnings=1)
    owner = _messages.loop_owner("_event_loop_module", "module", "*.py")
    result.stdout.fnmatch_lines(
        [f"*LeakedTaskWarning: 1 task started by test *::test_one still pending when {owner} was*"]
    )


SHARED_LOOP_LEAKS = """
    import asyncio
    import pytest
    import pytest_asyncio

    async def forever():
        await asyncio.sleep(60)

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def ticker():
        asyncio.get_running_loop().create_task(forever(), name="ticker")
        yield

    @pytest.mark.asyncio(loop_scope="module")
    async def test_uses_ticker(ticker):
        await asyncio.sleep(0)

    @pytest.mark.asyncio(loop_scope="module")
    async def test_leaks():
        asyncio.get_running_loop().create_task(forever(), name="forgotten")

    @pytest.mark.asyncio(loop_scope="module")
    async def test_clean():
        await asyncio.sleep(0)

    def test_sync():
        pass
    """


def test_on_a_shared_loop_a_task_is_charged_to_the_test_that_started_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Not to the test after which the loop closed; a fixture's task stays the loop's."""
    pytester.makepyfile(SHARED_LOOP_LEAKS)
    result = run_clean("-v")
    result.assert_outcomes(passed=4)
    owner = _messages.loop_owner("_event_loop_module", "module", "*.py")
    result.stdout.fnmatch_lines(
        [
            "*::test_leaks: 1 leaked task",
            f"    1 task started by test *::test_leaks still pending when {owner} was closed,"
            " after its last test; pytest-asyncio cancelled it before closing the loop:",
            "      forgotten running forever() at *.py:6*",
            f"{_messages.diagnostics_owner('_event_loop_module', 'module', '*.py')}: 1 leaked task",
            f"    1 task still pending when {owner} was closed;*",
            "      ticker running forever() at *.py:6*",
            "Total: 2 leaked tasks (1 test, 1 loop fixture).",
        ]
    )
    assert "test_sync:" not in result.stdout.str()


def test_on_a_shared_loop_error_mode_names_the_test_that_started_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """The loop closes after the last test, so that is where the error can be raised."""
    pytester.makepyfile(SHARED_LOOP_LEAKS)
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_sync*",
            "E   pytest_asyncio.LeakedTaskError: 1 task started by test *::test_leaks still"
            " pending when * was closed, after its last test;*",
        ]
    )


def test_a_user_loop_that_closes_itself_gets_clean_tasks(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """The check runs before the user's own teardown, while the loop is open."""
    pytester.makeconftest(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            yield loop
            assert not asyncio.all_tasks(loop)
            loop.close()
        """
    )
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean(WARN, "-W", "default::pytest_asyncio.LeakedTaskWarning")
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(["*LeakedTaskWarning: 1 task still pending*"])


def test_a_clean_test_warns_nothing(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_awaits_its_task():
            task = asyncio.get_running_loop().create_task(asyncio.sleep(0))
            await task
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_an_unfinished_async_generator_is_not_a_leaked_task(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """asyncio closes a dropped generator in a task of its own: not the test's."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        async def numbers():
            for number in range(5):
                await asyncio.sleep(0)
                yield number

        @pytest.mark.asyncio
        async def test_takes_one():
            generator = numbers()
            assert await generator.__anext__() == 0

        @pytest.mark.asyncio(loop_scope="module")
        async def test_takes_one_on_a_module_loop():
            generator = numbers()
            assert await generator.__anext__() == 0
        """
    )
    run_clean().assert_outcomes(passed=2)


SERVER_OF_A_MODULE = """
    import asyncio
    import pytest
    import pytest_asyncio

    async def subscription(reader, writer):
        try:
            topic = await reader.readline()
            writer.write(b"subscribed to " + topic)
            while True:  # pushes events until the server stops
                await asyncio.sleep(3600)
        finally:
            writer.close()

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def server():
        server = await asyncio.start_server(subscription, "127.0.0.1", 0)
        yield server
        server.close()

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def client(server):
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        yield reader, writer
        writer.transport.abort()

    @pytest.mark.asyncio(loop_scope="module")
    async def test_one(client):
        reader, writer = client
        writer.write(b"news\\n")
        assert await reader.readline() == b"subscribed to news\\n"

    @pytest.mark.asyncio(loop_scope="module")
    async def test_two(client):
        pass
    """


def test_a_module_servers_handlers_are_one_report_charged_to_the_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Not a leaked task *and* a loop exception, and not charged to the last test."""
    pytester.makepyfile(SERVER_OF_A_MODULE)
    result = run_clean("-v")
    result.assert_outcomes(passed=2, warnings=0)
    owner = _messages.diagnostics_owner("_event_loop_module", "module", "test_*.py")
    result.stdout.fnmatch_lines(
        [
            f"{owner}: 1 leaked task",
            "*running subscription()*",
            _messages.diagnostics_totals([("task", 1, 0, 1)]),
        ]
    )
    output = result.stdout.str()
    assert "::test_two:" not in output
    assert "loop exception" not in output
    assert "CancelledError" not in output


def test_a_module_servers_handlers_are_one_warning(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(SERVER_OF_A_MODULE)
    result = run_clean(WARN, "-W", "default::pytest_asyncio.DiagnosticWarning")
    result.assert_outcomes(passed=2, warnings=1)
    owner = _messages.loop_owner("_event_loop_module", "module", "test_*.py")
    result.stdout.fnmatch_lines([f"*LeakedTaskWarning: 1 task still pending when {owner} was*"])
