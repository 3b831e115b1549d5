"""A test that can never wake: found at once on the virtual clock, told on a timeout.

On the virtual clock, a test whose loop is left with nothing that could
wake it (no callback, timer, socket, executor work or thread) is a finding
of the diagnostics: ``error`` fails it at once with its chain of awaits;
``report`` and ``warn`` change no outcome, and the test waits for its
time limit as before. A false report is worse than none: a loop that waits
on a thread, a socket, executor work or a timer is never reported. On
either clock, a timeout's report says whether anything could have woken
the test.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

VIRTUAL = 'pytestmark = pytest.mark.asyncio(clock="virtual", timeout=30)'


def test_an_event_nobody_sets_fails_at_once(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        test_event=f"""
        import asyncio
        import pytest

        {VIRTUAL}

        async def wait_for_reply(event):
            await event.wait()

        async def test_reply():
            await wait_for_reply(asyncio.Event())
        """
    )
    started = time.monotonic()
    result = run_clean("--asyncio-diagnostics=error")
    assert time.monotonic() - started < 15  # not at the 30 s limit
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       pytest_asyncio.NeverWakesError: test_event.py::test_reply can never wake, "
            "so it was cancelled at once. It waits here:",
            "E         test_event.py:10 in test_reply",
            "E           await wait_for_reply(asyncio.Event())",
            "E         test_event.py:7 in wait_for_reply",
            "E           await event.wait()",
            "E         -> waits on an asyncio.Event that is not set (Event.wait)",
            f"E       {_messages.NOTHING_COULD_WAKE}",
            f"E       {_messages.NEVER_WAKES_HINT}",
        ]
    )


def test_a_queue_nobody_feeds(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        test_queue=f"""
        import asyncio
        import pytest

        {VIRTUAL}

        async def test_consumer():
            await asyncio.Queue().get()
        """
    )
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*NeverWakesError: test_queue.py::test_consumer can never wake*",
            "E         -> waits on an asyncio.Queue with nothing to get (Queue.get)",
        ]
    )


def test_gather_of_two_stuck_children(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        test_gather=f"""
        import asyncio
        import pytest

        {VIRTUAL}

        async def consume(queue):
            await queue.get()

        async def test_both():
            await asyncio.gather(consume(asyncio.Queue()), asyncio.Event().wait())
        """
    )
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*NeverWakesError: test_gather.py::test_both can never wake*",
            "E         -> awaits gather(), 2 of its 2 children pending:",
            "E           -> awaits task 'Task-*':",
            "E             test_gather.py:7 in consume",
            "E             -> waits on an asyncio.Queue with nothing to get (Queue.get)",
            "E           -> awaits task 'Task-*':",
            "E             -> waits on an asyncio.Event that is not set (Event.wait)",
        ]
    )


def test_an_async_fixture_that_can_never_wake(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_fixture=f"""
        import asyncio
        import pytest

        {VIRTUAL}

        @pytest.fixture
        async def connected():
            await asyncio.Event().wait()
            yield

        async def test_uses(connected):
            pass
        """
    )
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*NeverWakesError: async fixture 'connected' (set up for *) can never wake*"]
    )


STUCK_WITH_A_LIMIT = """
    import asyncio
    import pytest

    @pytest.mark.asyncio(clock="virtual", timeout=0.3)
    async def test_reply():
        await asyncio.Event().wait()
    """


def test_report_changes_no_outcome(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """The test waits for its limit as before; the finding is in the summary."""
    pytester.makepyfile(test_report=STUCK_WITH_A_LIMIT)
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "test_report.py::test_reply timed out after 0.3 s and was cancelled.",
            "  -> waits on an asyncio.Event that is not set (Event.wait)",
            _messages.NOTHING_COULD_WAKE,
            "*= asyncio diagnostics =*",
            "test_report.py::test_reply: 1 wait that could never end",
        ]
    )


def test_warn_makes_it_a_warning(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(test_warn=STUCK_WITH_A_LIMIT)
    result = run_clean(
        "--asyncio-diagnostics=warn", "-W", "default::pytest_asyncio.DiagnosticWarning"
    )
    result.assert_outcomes(failed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*timed out after 0.3 s*",
            "*NeverWakesWarning: test_warn.py::test_reply can never wake. It waits here:",
        ]
    )


def test_off_checks_nothing(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(test_off=STUCK_WITH_A_LIMIT)
    result = run_clean("--asyncio-diagnostics=off")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*timed out after 0.3 s*"])
    assert "can never wake" not in result.stdout.str()


def test_no_report_while_something_could_wake_the_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Each of these waits with no timer of the loop's, on the virtual clock:
    under ``error``, a false report would fail it."""
    pytester.makepyfile(
        test_wakers=f"""
        import asyncio
        import concurrent.futures
        import signal
        import socket
        import subprocess
        import sys
        import threading
        import time
        import pytest

        {VIRTUAL}

        async def test_a_thread_that_calls_back():
            loop = asyncio.get_running_loop()
            answer = loop.create_future()

            def work():
                time.sleep(0.05)
                loop.call_soon_threadsafe(answer.set_result, 42)

            thread = threading.Thread(target=work)
            thread.start()
            assert await answer == 42
            thread.join()

        async def test_a_real_localhost_socket():
            loop = asyncio.get_running_loop()
            with socket.create_server(("127.0.0.1", 0)) as listener:
                listener.setblocking(False)
                port = listener.getsockname()[1]
                peer = (
                    "import socket, time; s = socket.create_connection(('127.0.0.1', %d)); "
                    "time.sleep(0.05); s.sendall(b'hi'); s.close()" % port
                )
                child = subprocess.Popen([sys.executable, "-c", peer])
                connection, _ = await loop.sock_accept(listener)
                with connection:
                    assert await loop.sock_recv(connection, 2) == b"hi"
                child.wait()

        async def test_executor_work_taking_50_ms():
            await asyncio.get_running_loop().run_in_executor(None, time.sleep, 0.05)

        async def test_work_of_an_executor_of_its_own():
            with concurrent.futures.ThreadPoolExecutor() as pool:
                await asyncio.wrap_future(pool.submit(time.sleep, 0.05))

        async def test_a_signal_handler_that_calls_back():
            loop = asyncio.get_running_loop()
            answer = loop.create_future()

            def ring(signum, frame):
                loop.call_soon_threadsafe(answer.set_result, "rang")

            previous = signal.signal(signal.SIGALRM, ring)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            try:
                assert await answer == "rang"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

        async def test_a_timer_due_later():
            loop = asyncio.get_running_loop()
            later = loop.create_future()
            loop.call_later(3600, later.set_result, "an hour later")
            assert await later == "an hour later"
        """
    )
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=6)
    assert "can never wake" not in result.stdout.str()


def test_a_timeout_on_the_real_clock_says_which_it_was(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_real="""
        import asyncio
        import socket
        import pytest

        @pytest.mark.asyncio(timeout=0.1)
        async def test_nothing():
            await asyncio.Event().wait()

        @pytest.mark.asyncio(timeout=0.1)
        async def test_timer():
            await asyncio.sleep(3600)

        @pytest.mark.asyncio(timeout=0.1)
        async def test_socket():
            with socket.create_server(("127.0.0.1", 0)) as silent:
                port = silent.getsockname()[1]
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                try:
                    await reader.read(1)
                finally:
                    writer.close()
        """
    )
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_nothing timed out after 0.1 s*",
            _messages.NOTHING_COULD_WAKE,
            "*test_timer timed out after 0.1 s*",
            "It was still waiting on a timer.",
            "*test_socket timed out after 0.1 s*",
            "It was still waiting on I/O (*",
        ]
    )
    # the real clock is not watched: no finding, whatever the severity
    assert "NeverWakesError" not in result.stdout.str()
