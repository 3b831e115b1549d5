"""``pytestmark = pytest.mark.asyncio`` on a module or class marks its coroutine tests.

Sync tests and fixtures beside them are left alone: they run as usual and
draw no warning (the inner sessions run with ``-W error``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_module_pytestmark_marks_coroutines_only(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        pytestmark = pytest.mark.asyncio

        @pytest.fixture
        def sync_value():
            return "sync"

        @pytest.fixture
        async def async_value():
            await asyncio.sleep(0)
            return "async"

        async def test_coroutine(event_loop, sync_value, async_value):
            assert asyncio.get_running_loop() is event_loop
            assert (sync_value, async_value) == ("sync", "async")

        def test_sync(sync_value):
            assert sync_value == "sync"

        def test_sync_with_the_loop(event_loop):
            assert not event_loop.is_running()
            assert event_loop.run_until_complete(asyncio.sleep(0, "ok")) == "ok"
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=3)
    result.stdout.no_fnmatch_line("*warning*")


def test_module_pytestmark_as_a_list(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        pytestmark = [pytest.mark.asyncio, pytest.mark.filterwarnings("error")]

        async def test_coroutine():
            await asyncio.sleep(0)
            assert asyncio.current_task() is not None

        def test_sync():
            pass
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_class_pytestmark_marks_its_coroutine_methods_only(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        class TestMarked:
            pytestmark = pytest.mark.asyncio

            async def test_coroutine(self, event_loop):
                assert asyncio.get_running_loop() is event_loop

            def test_sync(self):
                pass

        @pytest.mark.asyncio
        class TestDecorated:
            async def test_coroutine(self):
                await asyncio.sleep(0)

            def test_sync(self):
                pass

        class TestNotMarked:
            def test_sync(self):
                pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=5)
    result.stdout.no_fnmatch_line("*warning*")


def test_a_class_mark_does_not_reach_coroutines_outside_the_class(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import pytest

        class TestMarked:
            pytestmark = pytest.mark.asyncio

            async def test_inside(self):
                pass

        async def test_outside():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_outside*"])
