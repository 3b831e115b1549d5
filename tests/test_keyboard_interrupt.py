"""Ctrl-C during an async test or fixture: teardown still runs, every loop closes.

pytest answers a KeyboardInterrupt by tearing down what is set up, at the
end of the session. The inner sessions here record what ran in a file, and
``run_clean`` fails on any ``ResourceWarning`` an unclosed loop would give.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _asyncio_compat

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
