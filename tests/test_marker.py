"""``@pytest.mark.asyncio``: a coroutine test runs as a task on the ``event_loop`` loop.

While the test and the fixtures that depend on ``event_loop`` run, that loop
is the current loop; afterwards the previous current loop is back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_a_marked_test_runs_as_a_task_on_the_event_loop_fixture(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_on_the_fixture_loop(event_loop):
            assert asyncio.get_running_loop() is event_loop
            assert asyncio.current_task() is not None
            assert asyncio.get_event_loop() is event_loop

        @pytest.mark.asyncio
        async def test_awaits_for_real():
            done = []
            asyncio.get_running_loop().call_later(0.01, done.append, 1)
            await asyncio.sleep(0.05)
            assert done == [1]
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_failing_marked_test_fails(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """The coroutine really runs: its assertion is reported, not swallowed."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_fails():
            await asyncio.sleep(0)
            assert 1 == 2, "the coroutine ran"
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: the coroutine ran*"])


def test_the_loop_is_current_while_fixtures_depending_on_it_run(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Sync fixtures that take ``event_loop`` see it from ``get_event_loop()``,
    in their setup and in their teardown."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        SEEN = []

        @pytest.fixture
        def client(event_loop):
            SEEN.append(asyncio.get_event_loop() is event_loop)
            yield "client"
            SEEN.append(asyncio.get_event_loop() is event_loop)

        @pytest.fixture
        def outer(client, event_loop):
            SEEN.append(asyncio.get_event_loop() is event_loop)
            return client

        @pytest.mark.asyncio
        async def test_uses_it(outer):
            assert outer == "client"

        def test_all_saw_the_loop():
            assert SEEN == [True, True, True]
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_wide_loop_is_made_current_again_for_each_test(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A module-scoped loop is set up once, yet every test's fixtures see it."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture(scope="module")
        def event_loop():
            loop = asyncio.new_event_loop()
            yield loop
            loop.close()

        @pytest.fixture
        def client(event_loop):
            assert asyncio.get_event_loop() is event_loop
            return "client"

        @pytest.mark.asyncio
        async def test_first(client):
            pass

        @pytest.mark.asyncio
        async def test_second(client):
            pass
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_the_previous_current_loop_is_restored_after_a_marked_test(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A sync test after an async one still gets the open loop it had set
    (in a suite that names ``event_loop``, the async test closes it instead:
    see test_left_current_loop.py)."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        MINE = []

        def test_sets_its_own_loop():
            MINE.append(asyncio.new_event_loop())
            asyncio.set_event_loop(MINE[0])

        @pytest.mark.asyncio
        async def test_async():
            loop = asyncio.get_running_loop()
            assert asyncio.get_event_loop() is loop is not MINE[0]

        def test_still_has_its_loop():
            loop = asyncio.get_event_loop()
            try:
                assert loop is MINE[0]
                assert not loop.is_closed()
                assert loop.run_until_complete(asyncio.sleep(0, "usable")) == "usable"
            finally:
                asyncio.set_event_loop(None)
                loop.close()
        """
    )
    run_clean().assert_outcomes(passed=3)


def test_no_current_loop_is_left_behind_when_there_was_none(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Restoring "nothing" means the test's (closed) loop is not left current."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio._asyncio_compat import snapshot_current_loop

        def test_nothing_set_before():
            assert snapshot_current_loop().loop is None

        @pytest.mark.asyncio
        async def test_async():
            await asyncio.sleep(0)

        def test_nothing_set_after():
            assert snapshot_current_loop().loop is None
        """
    )
    run_clean().assert_outcomes(passed=3)


def test_the_current_loop_comes_back_after_a_run_of_async_tests(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Consecutive async tests each see their own loop as current; the sync
    test after them, and a test after a failure, see what was there before."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio._asyncio_compat import snapshot_current_loop

        BEFORE = asyncio.new_event_loop()

        def test_sets_one():
            asyncio.set_event_loop(BEFORE)

        @pytest.mark.asyncio
        async def test_first():
            assert snapshot_current_loop().loop is asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_second():
            assert snapshot_current_loop().loop is asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_third_fails():
            assert False

        @pytest.mark.asyncio
        async def test_fourth():
            assert snapshot_current_loop().loop is asyncio.get_running_loop()

        def test_after():
            assert snapshot_current_loop().loop is BEFORE
            asyncio.set_event_loop(None)
            BEFORE.close()
        """
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=5, failed=1)


def test_marked_tests_get_their_own_loop_each(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        LOOPS = []

        @pytest.mark.asyncio
        async def test_one():
            LOOPS.append(asyncio.get_running_loop())

        @pytest.mark.asyncio
        async def test_two():
            LOOPS.append(asyncio.get_running_loop())

        def test_distinct_and_closed():
            assert LOOPS[0] is not LOOPS[1]
            assert all(loop.is_closed() for loop in LOOPS)
        """
    )
    run_clean().assert_outcomes(passed=3)
