"""Child processes a test starts on its loop and leaves running.

They are reported like leaked tasks, naming the test and the command, and
ended (terminated, killed if need be, and reaped) before their loop
closes, so none outlives its loop and no "unclosed transport" warning
follows, whatever the severity.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

STARTS_A_CHILD = """
    import asyncio
    import sys
    import pytest

    @pytest.fixture(scope="session")
    def pids():
        return []

    @pytest.mark.asyncio
    async def test_starts_a_sleeper(pids):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "import time; time.sleep(30)"
        )
        pids.append(process.pid)

    def test_it_is_gone(pids):
        import os
        with pytest.raises(ProcessLookupError):
            os.kill(pids[0], 0)
    """


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_reported_and_ended(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makepyfile(STARTS_A_CHILD)
    result = run_clean("-v")
    result.assert_outcomes(passed=2, warnings=0)
    owner = _messages.loop_owner("event_loop", "function", "*::test_starts_a_sleeper")
    result.stdout.fnmatch_lines(
        [
            "*::test_starts_a_sleeper: 1 child process left running",
            f"    1 child process still running when {owner} was closed;*",
            "      pid *: *python* -c 'import time; time.sleep(30)'",
        ]
    )


def test_as_an_error(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(STARTS_A_CHILD)
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_starts_a_sleeper*",
            "E   pytest_asyncio.LeakedProcessError: 1 child process still running*",
        ]
    )


def test_ended_even_when_diagnostics_are_off(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(STARTS_A_CHILD)
    result = run_clean("--asyncio-diagnostics=off")
    result.assert_outcomes(passed=2)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_a_child_that_ignores_sigterm_is_killed(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import sys
        import pytest

        STUBBORN = (
            "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(30)"
        )

        @pytest.mark.asyncio(loop_scope="module")
        async def test_starts_a_stubborn_child():
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", STUBBORN, stdout=asyncio.subprocess.PIPE
            )
            await process.stdout.readline()
            with open("pid.txt", "w") as file:
                file.write(str(process.pid))
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, warnings=0)
    owner = _messages.diagnostics_owner("_event_loop_module", "module", "test_*.py")
    result.stdout.fnmatch_lines([f"{owner}: 1 child process left running"])
    assert not is_running(int((pytester.path / "pid.txt").read_text()))


def test_a_waited_child_is_not_reported(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import sys
        import pytest

        @pytest.mark.asyncio
        async def test_waits():
            process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
            assert await process.wait() == 0
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()
