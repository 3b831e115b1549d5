"""A failure the plugin reports in its own words shows those words alone.

pytest 9 adds "All traceback entries are hidden. Pass `--full-trace` ..."
below a failure whose frames are all hidden; the plugin's messages say what
happened and what to do, so neither that note nor a frame of the plugin's
may follow them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

HIDDEN_NOTE = "*traceback entries are hidden*"

#: A test that leaves a task pending, which the diagnostics report.
LEAKS_A_TASK = """
import asyncio
import pytest

@pytest.mark.asyncio
async def test_leaks():
    asyncio.get_running_loop().create_task(asyncio.sleep(10))
"""


def assert_plain(result: pytest.RunResult) -> None:
    result.stdout.no_fnmatch_line(HIDDEN_NOTE)
    result.stdout.no_fnmatch_line("*pytest_asyncio/*.py:*")


def test_an_unmarked_async_test_in_unset_mode(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        async def test_unmarked():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    nodeid = "test_an_unmarked_async_test_in_unset_mode.py::test_unmarked"
    result.stdout.fnmatch_lines([_messages.unmarked_async_test(nodeid)])
    assert_plain(result)


def test_a_timed_out_test(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio(timeout=0.05)
        async def test_slow():
            await asyncio.sleep(5)
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_slow timed out after 0.05 s*", "*await asyncio.sleep(5)"])
    assert_plain(result)


def test_an_async_fixture_that_yields_twice(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture
        async def twice():
            yield 1
            yield 2

        @pytest.mark.asyncio
        async def test_uses_it(twice):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([_messages.async_generator_yielded_twice("twice")])
    assert_plain(result)


def test_a_test_that_stops_its_loop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_stops():
            asyncio.get_running_loop().stop()
            await asyncio.sleep(0.01)
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_stops*stop*"])
    assert_plain(result)


def test_a_bad_marker_argument(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_scope="bogus")
        async def test_bad():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_bad*'bogus'*Valid scopes are*"])
    assert_plain(result)


def test_a_diagnostics_error(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("-o", "asyncio_diagnostics=error")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["E   pytest_asyncio.LeakedTaskError: 1 task still pending*"])
    assert_plain(result)


def test_a_diagnostics_warning_raised_as_an_error(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("-o", "asyncio_diagnostics=warn")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["E   pytest_asyncio.LeakedTaskWarning: 1 task still pending*"])
    assert_plain(result)


def test_full_trace_still_shows_every_frame(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("-o", "asyncio_diagnostics=error", "--full-trace")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*pytest_asyncio/*.py:*", "E*pytest_asyncio.LeakedTaskError*"])
