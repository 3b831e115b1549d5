"""Tests and fixtures run as ``asyncio.Runner`` would run them.

The task's coroutine is the test's (or the fixture's) own coroutine, the
loop below it is driven by ``run_until_complete``, and asyncio's messages
that show a task name the user's coroutine, not a function of the plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_the_tasks_coroutine_is_the_tests_own(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import inspect
        import pytest

        @pytest.fixture
        async def fixture_coro():
            coro = asyncio.current_task().get_coro()
            assert coro.cr_frame is inspect.currentframe()
            return coro.cr_code.co_name

        @pytest.mark.asyncio
        async def test_own_coroutine(fixture_coro):
            coro = asyncio.current_task().get_coro()
            assert coro.cr_frame is inspect.currentframe()
            assert coro.cr_code is test_own_coroutine.__code__
            assert fixture_coro == "fixture_coro"
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_the_loop_is_driven_by_run_until_complete(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import traceback
        import pytest

        def asyncio_calls():
            names = [frame.name for frame in traceback.extract_stack()]
            return names[names.index("run_until_complete"):]

        @pytest.fixture
        async def fixture_stack():
            return asyncio_calls()

        @pytest.fixture
        async def generator_stack():
            yield asyncio_calls()

        @pytest.mark.asyncio
        async def test_stack(fixture_stack, generator_stack):
            for stack in (asyncio_calls(), fixture_stack, generator_stack):
                assert stack[:3] == ["run_until_complete", "run_forever", "_run_once"], stack
        """
    )
    run_clean().assert_outcomes(passed=1)


OTHER_LOOP_FUTURE = """
    import asyncio
    import pytest

    async def wait_on_other_loop():
        other = asyncio.new_event_loop()
        try:
            await other.create_future()
        finally:
            other.close()

    @pytest.fixture
    async def coroutine_fixture():
        await wait_on_other_loop()

    @pytest.fixture
    async def generator_fixture():
        await wait_on_other_loop()
        yield

    @pytest.mark.asyncio
    async def test_waits_on_other_loop():
        await wait_on_other_loop()

    @pytest.mark.asyncio
    async def test_coroutine_fixture(coroutine_fixture):
        pass

    @pytest.mark.asyncio
    async def test_generator_fixture(generator_fixture):
        pass
    """


def test_a_future_of_another_loop_names_the_users_coroutine(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(OTHER_LOOP_FUTURE)
    result = run_clean()
    result.assert_outcomes(failed=1, errors=2)
    result.stdout.fnmatch_lines(  # errors at setup come first
        [
            "E * coro=<coroutine_fixture() running at *> got Future * attached to a different loop",
            "E * coro=<generator_fixture.__anext__() running at *> got Future * attached "
            "to a different loop",
            "E * coro=<test_waits_on_other_loop() running at *> got Future * attached "
            "to a different loop",
        ]
    )
    assert "_task_body" not in result.stdout.str()
