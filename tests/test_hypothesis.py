"""Hypothesis: ``@given`` on an async test runs every example on that test's loop."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")


@pytest.mark.parametrize("marker_first", [True, False])
def test_every_example_runs_on_the_tests_loop(
    pytester: pytest.Pytester, marker_first: bool
) -> None:
    given = "@given(st.integers())\n@settings(max_examples=25)"
    marker = "@pytest.mark.asyncio"
    decorators = f"{marker}\n{given}" if marker_first else f"{given}\n{marker}"
    pytester.makepyfile(
        f"""
        import asyncio
        import pytest
        from hypothesis import given, settings, strategies as st

        LOOPS = []

        {decorators.replace(chr(10), chr(10) + "        ")}
        async def test_examples(n):
            LOOPS.append(asyncio.get_running_loop())
            await asyncio.sleep(0)

        def test_count():
            assert len(LOOPS) >= 25
            assert all(loop is LOOPS[0] for loop in LOOPS)
            assert LOOPS[0].is_closed()  # the test's own loop, closed after it
        """
    )
    result = pytester.runpytest("-W", "error", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_examples_share_a_module_loop(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio
        from hypothesis import given, settings, strategies as st

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def module_loop():
            return asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        @given(st.text())
        @settings(max_examples=10)
        async def test_text(module_loop, text):
            assert asyncio.get_running_loop() is module_loop
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)


def test_auto_mode_needs_no_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        from hypothesis import given, settings, strategies as st

        RUNS = []

        @given(st.booleans())
        @settings(max_examples=5)
        async def test_bools(flag):
            RUNS.append(flag)
            await asyncio.sleep(0)

        def test_ran():
            assert RUNS
        """
    )
    result = pytester.runpytest("--asyncio-mode=auto", "-W", "error", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_a_failing_example_is_reported_and_shrunk(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from hypothesis import given, settings, strategies as st

        @pytest.mark.asyncio
        @given(st.integers(min_value=0))
        @settings(max_examples=200, database=None)
        async def test_small(n):
            await asyncio.sleep(0)
            assert n < 10
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert 10 < 10", "*n=10*"])
