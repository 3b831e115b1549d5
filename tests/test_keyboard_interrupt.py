"""Ctrl-C during an async test or fixture: teardown still runs, every loop closes.

pytest answers a KeyboardInterrupt by tearing down what is set up, at the
end of the session. The inner sessions here record what ran in a file, and
``run_clean`` fails on any ``ResourceWarning`` an unclosed loop would give.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_asyncio import _asyncio_compat, _runner

if TYPE_CHECKING:
    from conftest import RunClean

RECORDER = """
    import pathlib

    LOG = pathlib.Path(__file__).with_name("events.txt")
    LOOPS = []

    def record(event):
        with LOG.open("a") as log:
            log.write(event + "\\n")
    """

RECORDING_CONFTEST = """
    import asyncio
    import pytest
    import pytest_asyncio
    from recorder import LOOPS, record

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def server():
        LOOPS.append(asyncio.get_running_loop())
        yield
        record("server torn down")

    @pytest.fixture
    async def connection():
        LOOPS.append(asyncio.get_running_loop())
        yield
        await asyncio.sleep(0)
        record("connection torn down")

    def pytest_unconfigure():
        record("loops closed: %s" % all(loop.is_closed() for loop in LOOPS))
    """


@pytest.fixture(autouse=True)
def default_ctrl_c() -> Iterator[None]:
    """Python's own SIGINT handler, even where the run was started with SIGINT
    ignored (a background job of a non-interactive shell)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def events(pytester: pytest.Pytester) -> list[str]:
    return (pytester.path / "events.txt").read_text().splitlines()


@pytest.fixture
def recording(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(recorder=RECORDER)
    pytester.makeconftest(RECORDING_CONFTEST)
    return pytester


def test_raised_inside_the_test_coroutine(recording: pytest.Pytester, run_clean: RunClean) -> None:
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from recorder import record

        async def worker():
            await asyncio.sleep(60)

        @pytest.mark.asyncio
        async def test_interrupted(server, connection):
            asyncio.get_running_loop().create_task(worker())
            try:
                raise KeyboardInterrupt
            finally:
                record("finally ran")

        @pytest.mark.asyncio
        async def test_never_runs():
            record("second test ran")
        """
    )
    result = run_clean(no_reraise_ctrlc=True)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*! KeyboardInterrupt !*"])
    assert "INTERNALERROR" not in result.stdout.str()
    assert events(recording) == [
        "finally ran",
        "connection torn down",
        "server torn down",
        "loops closed: True",
    ]


def test_ctrl_c_during_async_fixture_setup(recording: pytest.Pytester, run_clean: RunClean) -> None:
    """A real SIGINT, delivered while the fixture awaits."""
    recording.makepyfile(
        """
        import asyncio
        import os
        import signal
        import pytest
        from recorder import LOOPS

        @pytest.fixture
        async def slow_to_start(server, connection):
            LOOPS.append(asyncio.get_running_loop())
            asyncio.get_running_loop().call_later(0.01, os.kill, os.getpid(), signal.SIGINT)
            await asyncio.sleep(60)
            yield

        @pytest.mark.asyncio
        async def test_never_runs(slow_to_start):
            pass
        """
    )
    result = run_clean(no_reraise_ctrlc=True)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert events(recording) == [
        "connection torn down",
        "server torn down",
        "loops closed: True",
    ]


def test_raised_in_a_background_task(recording: pytest.Pytester, run_clean: RunClean) -> None:
    """asyncio re-raises it from the loop; the test's own task still unwinds."""
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from recorder import record

        async def interrupt():
            raise KeyboardInterrupt

        @pytest.mark.asyncio
        async def test_waits(connection):
            asyncio.get_running_loop().create_task(interrupt())
            try:
                await asyncio.sleep(60)
            finally:
                record("test task unwound")
        """
    )
    result = run_clean(no_reraise_ctrlc=True)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert events(recording) == [
        "test task unwound",
        "connection torn down",
        "loops closed: True",
    ]


def test_the_current_loop_is_restored(recording: pytest.Pytester, run_clean: RunClean) -> None:
    """pytest skips the teardown hook after Ctrl-C; the plugin restores it anyway."""
    recording.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_interrupted():
            raise KeyboardInterrupt
        """
    )
    before = _asyncio_compat.snapshot_current_loop()
    run_clean(no_reraise_ctrlc=True)
    after = _asyncio_compat.snapshot_current_loop()
    assert after == before
    assert after.loop is None or not after.loop.is_closed()


PRESS = """
    import asyncio
    import os
    import signal

    def press_ctrl_c(*delays):
        loop = asyncio.get_running_loop()
        for delay in delays:
            loop.call_later(delay, os.kill, os.getpid(), signal.SIGINT)
    """


def assert_clean_interrupt(result: pytest.RunResult) -> None:
    """pytest's own summary of an interrupted session, and nothing of the plugin's."""
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*! KeyboardInterrupt !*", "*no tests ran in*"])
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output
    assert "INTERNALERROR" not in output
    assert "pytest_asyncio" not in output


def test_pressed_again_while_the_test_cleans_up(
    recording: pytest.Pytester, run_clean: RunClean
) -> None:
    """The second press stops waiting for the test's finally block."""
    recording.makepyfile(press=PRESS)
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from press import press_ctrl_c
        from recorder import record

        @pytest.mark.asyncio
        async def test_interrupted(server, connection):
            press_ctrl_c(0.05, 0.3)
            try:
                await asyncio.sleep(60)
            finally:
                record("cleanup started")
                await asyncio.sleep(5)
                record("cleanup finished")
        """
    )
    result = run_clean(no_reraise_ctrlc=True)
    assert_clean_interrupt(result)
    result.stdout.fnmatch_lines(
        ["*test_pressed_again_while_the_test_cleans_up.py:10: KeyboardInterrupt"]
    )
    assert events(recording) == [
        "cleanup started",
        "connection torn down",
        "server torn down",
        "loops closed: True",
    ]


def test_pressed_twice_during_async_fixture_setup(
    recording: pytest.Pytester, run_clean: RunClean
) -> None:
    recording.makepyfile(press=PRESS)
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from press import press_ctrl_c
        from recorder import record

        @pytest.fixture
        async def slow_to_start(server, connection):
            press_ctrl_c(0.05, 0.2)
            try:
                await asyncio.sleep(60)
            finally:
                await asyncio.sleep(5)
                record("setup's cleanup finished")
            yield

        @pytest.mark.asyncio
        async def test_never_runs(slow_to_start):
            record("test ran")
        """
    )
    assert_clean_interrupt(run_clean(no_reraise_ctrlc=True))
    assert events(recording) == ["connection torn down", "server torn down", "loops closed: True"]


def test_presses_during_the_teardown_after_an_interrupt(
    recording: pytest.Pytester, run_clean: RunClean
) -> None:
    """pytest tears everything down after Ctrl-C; more presses only hurry it."""
    recording.makepyfile(press=PRESS)
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from press import press_ctrl_c
        from recorder import record

        @pytest.fixture
        async def slow_teardown(server):
            yield
            press_ctrl_c(0.05, 0.1, 0.15, 0.2)
            await asyncio.sleep(5)
            record("slow teardown finished")

        @pytest.mark.asyncio
        async def test_interrupted(slow_teardown, connection):
            press_ctrl_c(0.05)
            await asyncio.sleep(60)
        """
    )
    assert_clean_interrupt(run_clean(no_reraise_ctrlc=True))
    assert events(recording) == ["connection torn down", "server torn down", "loops closed: True"]


def test_pressed_while_a_task_refuses_to_stop_at_loop_close(
    recording: pytest.Pytester, run_clean: RunClean, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However long the plugin would wait for a cancelled task, one press ends the wait."""
    monkeypatch.setattr(_runner, "CANCEL_GRACE", 60.0)
    recording.makepyfile(press=PRESS)
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from press import press_ctrl_c

        async def stubborn():
            while True:
                try:
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    press_ctrl_c(0.05)

        @pytest.mark.asyncio
        async def test_leaves_a_stubborn_task(connection):
            asyncio.get_running_loop().create_task(stubborn())

        def test_never_runs():
            pass
        """
    )
    started = time.monotonic()
    result = run_clean("-p", "no:warnings", no_reraise_ctrlc=True)
    assert time.monotonic() - started < 30
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*! KeyboardInterrupt !*", "*1 passed*"])
    assert events(recording) == ["connection torn down", "loops closed: True"]


def test_one_press_ends_a_test_that_swallows_the_cancellation(
    recording: pytest.Pytester, run_clean: RunClean, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test catches the cancellation and goes on: it gets one grace period,
    not a second one when its loop closes, and the session ends with the
    summary of the tests run so far."""
    grace_waits: list[float] = []
    finish = _runner.finish

    def finish_and_note_grace_waits(loop: Any, coro: Any, limit: float | None = None) -> None:
        if limit is not None:
            grace_waits.append(limit)
        finish(loop, coro, limit)

    monkeypatch.setattr(_runner, "finish", finish_and_note_grace_waits)
    recording.makepyfile(press=PRESS)
    recording.makepyfile(
        """
        import asyncio
        import pytest
        from press import press_ctrl_c

        def test_before():
            pass

        @pytest.mark.asyncio
        async def test_goes_on(connection):
            press_ctrl_c(0.05)
            while True:
                try:
                    await asyncio.sleep(0.1)
                except asyncio.CancelledError:
                    continue

        def test_never_runs():
            pass
        """
    )
    started = time.monotonic()
    result = run_clean("-p", "no:warnings", no_reraise_ctrlc=True)
    assert time.monotonic() - started < 30
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        ["*! KeyboardInterrupt !*", "*:13: KeyboardInterrupt", "*1 passed in*"]
    )
    assert grace_waits == []  # the grace period after the press was the only one
    assert events(recording) == ["connection torn down", "loops closed: True"]


def test_real_ctrl_c_in_a_subprocess(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(press=PRESS)
    pytester.makepyfile(
        """
        import asyncio
        import signal
        import pytest
        from press import press_ctrl_c

        # As in a terminal, also where this test runs as a background job.
        signal.signal(signal.SIGINT, signal.default_int_handler)

        @pytest.mark.asyncio
        async def test_interrupted():
            press_ctrl_c(0.1, 0.3, 0.5)
            try:
                await asyncio.sleep(60)
            finally:
                await asyncio.sleep(60)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=60)
    assert_clean_interrupt(result)
