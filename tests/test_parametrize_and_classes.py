"""Marked tests combine with pytest's usual tools: parametrize, xfail, classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_parametrized_coroutine_tests(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        SEEN = []

        @pytest.fixture(params=["a", "b"])
        def letter(request):
            return request.param

        @pytest.mark.asyncio
        @pytest.mark.parametrize("number", [1, 2, 3])
        async def test_each(number, letter, event_loop):
            await asyncio.sleep(0)
            assert asyncio.get_running_loop() is event_loop
            SEEN.append((number, letter))

        def test_all_ran():
            assert sorted(SEEN) == [(n, c) for n in (1, 2, 3) for c in "ab"]
        """
    )
    run_clean().assert_outcomes(passed=7)


def test_strict_xfail(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """A failing coroutine is an xfail; one that passes is a strict XPASS failure."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.xfail(strict=True, reason="known bug")
        @pytest.mark.asyncio
        async def test_fails_as_expected():
            await asyncio.sleep(0)
            raise ValueError("known bug")

        @pytest.mark.xfail(strict=True, raises=ValueError)
        @pytest.mark.asyncio
        async def test_passes_unexpectedly():
            await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["*_ test_passes_unexpectedly _*", "[[]XPASS(strict)[]]*"])


def test_parameters_with_defaults_are_not_fixtures(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_defaults(a_param=None, other="x"):
            await asyncio.sleep(0)
            assert (a_param, other) == (None, "x")

        @pytest.mark.asyncio
        @pytest.mark.parametrize("value", [5])
        async def test_mixed(value, event_loop, a_param=None):
            assert (value, a_param) == (5, None)
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_methods_of_test_classes(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """A marked method runs bound to the instance that its fixtures also saw."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        class TestClient:
            @pytest.fixture
            def prepared(self):
                self.state = "prepared"

            @pytest.mark.asyncio
            async def test_method(self, prepared, event_loop):
                assert asyncio.get_running_loop() is event_loop
                assert self.state == "prepared"

            @pytest.mark.asyncio
            @pytest.mark.parametrize("n", [1, 2])
            async def test_parametrized_method(self, n):
                await asyncio.sleep(0)
                assert n in (1, 2)

            @staticmethod
            @pytest.mark.asyncio
            async def test_static():
                await asyncio.sleep(0)
        """
    )
    run_clean().assert_outcomes(passed=4)
