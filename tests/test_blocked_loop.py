"""A step of the loop that blocks it longer than the threshold is reported, with its stack.

The watchdog samples the loop thread's stack while the plugin runs a test
or an async fixture; a step (a callback, one step of a task) seen running
for ``asyncio_blocked_threshold`` real seconds (0.1 by default) is reported
under the diagnostics severity, naming the test or fixture and the lines
where the loop was blocked. Waiting, however long, is never reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import pytest_asyncio
from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

SLEEPS_IN_A_HELPER = """
    import asyncio
    import time
    import pytest

    def fetch_config():
        time.sleep(0.4)

    @pytest.mark.asyncio
    async def test_fetches():
        await asyncio.sleep(0)
        fetch_config()
"""

COUNT = _messages.finding_count("blocked", 1)


def test_public_classes() -> None:
    assert issubclass(pytest_asyncio.BlockedLoopWarning, pytest_asyncio.DiagnosticWarning)
    assert issubclass(pytest_asyncio.BlockedLoopError, pytest_asyncio.DiagnosticError)
    assert {"BlockedLoopWarning", "BlockedLoopError"} <= set(pytest_asyncio.__all__)


def test_reported_with_the_line_that_blocked(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(SLEEPS_IN_A_HELPER)
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*test test_reported_with_the_line_that_blocked.py::test_fetches blocked the event "
            "loop for at least 0.* s in one step (the threshold is 0.1 s)*",
            "  test_reported_with_the_line_that_blocked.py:11 in test_fetches",
            "    fetch_config()",
            "  test_reported_with_the_line_that_blocked.py:6 in fetch_config",
            "    time.sleep(0.4)",
            "*asyncio diagnostics*",
            f"*::test_fetches: {COUNT}",
            "Reported only: no outcome changed*",
        ]
    )


def test_only_the_summary_without_r_a(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(SLEEPS_IN_A_HELPER)
    result = run_clean()
    result.assert_outcomes(passed=1)
    assert "time.sleep(0.4)" not in result.stdout.str()
    result.stdout.fnmatch_lines([f"*::test_fetches: {COUNT}"])


def test_error_fails_the_test(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(SLEEPS_IN_A_HELPER)
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E   pytest_asyncio.BlockedLoopError: test *::test_fetches*"])


def test_warn_points_at_the_blocking_line(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(SLEEPS_IN_A_HELPER)
    result = run_clean(
        "--asyncio-diagnostics=warn", "-W", "default::pytest_asyncio.BlockedLoopWarning"
    )
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*.py:6: BlockedLoopWarning: test *::test_fetches blocked*"])


def test_an_async_fixture_is_named(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import time
        import pytest

        @pytest.fixture
        async def database():
            time.sleep(0.4)
            yield "db"

        @pytest.mark.asyncio
        async def test_queries(database):
            pass
        """
    )
    result = run_clean("-rA", "-o", "asyncio_mode=auto")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "async fixture 'database' (set up for *::test_queries) blocked the event loop*",
            "  *.py:6 in database",
            "    time.sleep(0.4)",
        ]
    )


def test_a_callback_on_a_module_loop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest

        def on_tick(done):
            time.sleep(0.4)
            done.set_result(None)

        @pytest.mark.asyncio(loop_scope="module")
        async def test_ticks():
            done = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(on_tick, done)
            await done
        """
    )
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*blocked the event loop*", "  *.py:6 in on_tick"])


def test_the_virtual_clock_measures_real_time(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest

        @pytest.mark.asyncio(clock="virtual")
        async def test_waits_an_hour():
            await asyncio.sleep(3600)

        @pytest.mark.asyncio(clock="virtual")
        async def test_blocks():
            time.sleep(0.4)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*::test_blocks: {COUNT}", "Total: *(1 test)*"])


UVLOOP_CONFTEST = """
    import uvloop
    from pytest_asyncio import LoopFixture

    class UvloopLoop(LoopFixture):
        def new_loop(self):
            return uvloop.new_event_loop()

    event_loop = UvloopLoop.fixture()
"""


def test_on_uvloop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytest.importorskip("uvloop")
    pytester.makeconftest(UVLOOP_CONFTEST)
    pytester.makepyfile(SLEEPS_IN_A_HELPER)
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_fetches blocked the event loop*", "    time.sleep(0.4)"])


def test_short_steps_on_uvloop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """uvloop runs no Python frame per callback: a new call of the helper is a new step."""
    pytest.importorskip("uvloop")
    pytester.makeconftest(UVLOOP_CONFTEST)
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest

        def work():
            time.sleep(0.04)

        @pytest.mark.asyncio
        async def test_it():
            for _ in range(8):
                work()
                await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1)
    assert "asyncio diagnostics" not in result.stdout.str()


@pytest.mark.parametrize(
    "args",
    [
        ("--asyncio-blocked-threshold=1",),
        ("--asyncio-blocked-threshold=0",),
        ("-o", "asyncio_blocked_threshold=1"),
        ("--asyncio-diagnostics=off",),
    ],
)
def test_a_higher_threshold_or_off(
    pytester: pytest.Pytester, run_clean: RunClean, args: tuple[str, ...]
) -> None:
    pytester.makepyfile(SLEEPS_IN_A_HELPER)
    result = run_clean(*args)
    result.assert_outcomes(passed=1)
    assert "asyncio diagnostics" not in result.stdout.str()


def test_the_marker_sets_the_threshold(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import time
        import pytest

        @pytest.mark.asyncio(blocked_threshold=1)
        async def test_allowed():
            time.sleep(0.4)

        @pytest.mark.asyncio(blocked_threshold=0)
        async def test_unchecked():
            time.sleep(0.4)

        @pytest.mark.asyncio(blocked_threshold=0.05)
        async def test_strict():
            time.sleep(0.2)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([f"*::test_strict: {COUNT}", "Total: *(1 test)*"])


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_value_is_refused(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(f"--asyncio-blocked-threshold={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--asyncio-blocked-threshold: * is not a number of seconds*"])


NOT_BLOCKING = {
    "short_blocks": """
        import asyncio
        import time
        import pytest

        @pytest.mark.asyncio
        async def test_it():
            for _ in range(8):  # 0.24 s in all, each step well under the threshold
                time.sleep(0.03)
                await asyncio.sleep(0)
    """,
    "woken_by_a_thread": """
        import asyncio
        import threading
        import time
        import pytest

        @pytest.mark.asyncio
        async def test_it():
            loop = asyncio.get_running_loop()
            done = loop.create_future()

            def work():
                time.sleep(0.4)
                loop.call_soon_threadsafe(done.set_result, 1)

            threading.Thread(target=work).start()
            assert await done == 1
    """,
    "localhost_socket": """
        import asyncio
        import pytest

        async def answer(reader, writer):
            await reader.readline()
            await asyncio.sleep(0.4)
            writer.write(b"pong\\n")
            await writer.drain()
            writer.close()
            await writer.wait_closed()

        @pytest.mark.asyncio
        async def test_it():
            server = await asyncio.start_server(answer, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"ping\\n")
            assert await reader.readline() == b"pong\\n"
            writer.close()
            await writer.wait_closed()
            server.close()
            await server.wait_closed()
    """,
    "ensure_future": """
        import asyncio
        import pytest

        async def job():
            await asyncio.sleep(0.4)
            return 2

        @pytest.mark.asyncio
        async def test_it():
            assert await asyncio.ensure_future(job()) == 2
    """,
}


@pytest.mark.parametrize("source", NOT_BLOCKING.values(), ids=list(NOT_BLOCKING))
def test_no_report_without_a_blocked_step(
    pytester: pytest.Pytester, run_clean: RunClean, source: str
) -> None:
    pytester.makepyfile(source)
    result = run_clean()
    result.assert_outcomes(passed=1)
    assert "asyncio diagnostics" not in result.stdout.str()


def test_the_watchdog_thread_does_not_hold_the_virtual_clock(pytester: pytest.Pytester) -> None:
    """A thread started during a test makes a virtual-clock loop wait in real time,
    since it could wake the loop; the watchdog's own thread, started by the
    session's first async test, is not such a thread."""
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest

        @pytest.mark.asyncio(clock="virtual")
        async def test_first_async_test_of_the_session():
            started = time.monotonic()
            await asyncio.sleep(30)
            assert time.monotonic() - started < 5
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
