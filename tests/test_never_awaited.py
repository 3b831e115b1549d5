"""A coroutine created and dropped without being awaited is reported with its test and lines.

Python's own ``RuntimeWarning`` names the line where the coroutine was
dropped; the report adds the line that created it and the test that did,
also when the garbage collector frees it during a later test. Python's
warning, and what pytest makes of it, stay as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

NEVER_AWAITS = """
    import asyncio
    import gc
    import pytest
    import pytest_asyncio

    async def helper():
        pass

    class Holder:
        pass

    @pytest.mark.asyncio
    async def test_forgets():
        helper()

    @pytest_asyncio.fixture
    async def resource():
        helper()
        yield

    @pytest.mark.asyncio
    async def test_with_fixture(resource):
        pass

    @pytest.mark.asyncio
    async def test_keeps_it_in_a_cycle():
        holder = Holder()
        holder.me = holder
        holder.coro = helper()

    def test_collects():
        gc.collect()
"""


def test_each_is_reported_with_the_lines_that_created_and_dropped_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_na=NEVER_AWAITS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA", "-W", "ignore::RuntimeWarning")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines_random(
        [
            "coroutine 'helper' created at test_na.py:14 in test test_na.py::test_forgets"
            " was never awaited; it was dropped at test_na.py:14.",
            "coroutine 'helper' created at test_na.py:18 in test test_na.py::test_with_fixture"
            " was never awaited; it was dropped at test_na.py:18.",
            "coroutine 'helper' created at test_na.py:29 in test"
            " test_na.py::test_keeps_it_in_a_cycle was never awaited; it was dropped at"
            " test_na.py:32 during test test_na.py::test_collects.",
            "test_na.py::test_keeps_it_in_a_cycle: 1 coroutine never awaited",
            "Total: 3 coroutines never awaited (3 tests).",
        ]
    )


def test_python_s_warning_is_unchanged(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_na=NEVER_AWAITS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, warnings=3)
    result.stdout.fnmatch_lines(
        [
            "*test_na.py:14: RuntimeWarning: coroutine 'helper' was never awaited",
            "    helper()",
            "  Enable tracemalloc*",
        ]
    )
    assert "Coroutine created at" not in result.stdout.str()


def test_with_warnings_as_errors_pytest_fails_the_tests_as_before(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_na=NEVER_AWAITS)
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["FAILED *::test_forgets - pytest.PytestUnraisableExceptionWarning*"]
    )


def test_error_mode_fails_the_test_that_dropped_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_na=NEVER_AWAITS)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--asyncio-diagnostics=error", "-W", "ignore::RuntimeWarning"
    )
    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines_random(
        [
            "FAILED *::test_forgets - pytest_asyncio.NeverAwaitedError*",
            "ERROR *::test_with_fixture - pytest_asyncio.NeverAwaitedError*",
            "FAILED *::test_collects - pytest_asyncio.NeverAwaitedError*",
            "E   pytest_asyncio.NeverAwaitedError: coroutine 'helper' created at test_na.py:29 in"
            " test test_na.py::test_keeps_it_in_a_cycle was never awaited; it was dropped at"
            " test_na.py:32 during test test_na.py::test_collects.",
        ]
    )


def test_a_coroutine_handed_to_ensure_future_is_not_reported(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        async def helper():
            pass

        @pytest.mark.asyncio
        async def test_hands_it_over():
            future = asyncio.ensure_future(helper())
            coro = helper()
            coro.close()
            await future
        """
    )
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    assert "never awaited" not in result.stdout.str()


def test_off_reports_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_na=NEVER_AWAITS)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-rA", "--asyncio-diagnostics=off", "-W", "ignore::RuntimeWarning"
    )
    result.assert_outcomes(passed=4)
    assert "never awaited" not in result.stdout.str()


def test_the_user_s_own_origin_tracking_is_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys

        def pytest_configure(config):
            sys.set_coroutine_origin_tracking_depth(2)
        """
    )
    pytester.makepyfile(test_na=NEVER_AWAITS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=4, warnings=3)
    result.stdout.fnmatch_lines(["*Coroutine created at (most recent call last)"])
    assert "never awaited;" not in result.stdout.str()
