"""A leaked task's description names the user's code: where it waits, and where it was made.

The innermost frame of the user's code the task waits in is always named.
The line that created the task is known for the tasks of every loop the
diagnostics watch, tests' and fixtures' alike, without debug mode; in
debug mode (``--asyncio-debug``) asyncio records it too.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

#: Python 3.13.0 to 3.13.2 name every unnamed task a task factory made
#: ``None``, so the plugin sets none there and knows the line in debug mode only.
records_creation = pytest.mark.skipif(
    (3, 13) <= sys.version_info < (3, 13, 3),
    reason="asyncio 3.13.0-3.13.2 misnames the tasks of a task factory",
)

LEAKS_AN_ASYNCIO_SLEEP = """
    import asyncio
    import pytest

    def start_timer():
        return asyncio.get_running_loop().create_task(asyncio.sleep(10), name="timer")

    async def heartbeat():
        while True:
            await asyncio.sleep(1)

    @pytest.mark.asyncio
    async def test_leaks():
        start_timer()
        asyncio.get_running_loop().create_task(heartbeat(), name="beat")
        await asyncio.sleep(0)
"""


def test_debug_mode_names_the_line_that_created_each_task(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_AN_ASYNCIO_SLEEP)
    result = run_clean("-rA", "--asyncio-debug")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  beat running heartbeat() at *.py:9, created at *.py:14",
            "  timer running sleep() at *asyncio*tasks.py:*, created at *.py:5",
        ]
    )


@records_creation
def test_without_debug_mode_each_task_is_named_by_the_line_that_created_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_AN_ASYNCIO_SLEEP)
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  beat running heartbeat() at *.py:9, created at *.py:14",
            "  timer running sleep() at *asyncio*tasks.py:*, created at *.py:5",
        ]
    )
    assert _messages.TASK_CREATION_HINT not in result.stdout.str()


@records_creation
def test_a_task_left_on_a_module_loop_is_named_by_the_line_that_created_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        pytestmark = pytest.mark.asyncio(loop_scope="module")

        async def test_starts_a_timer():
            asyncio.create_task(asyncio.sleep(10), name="timer")

        async def test_after():
            await asyncio.sleep(0)
        """
    )
    result = run_clean("-rA")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["  timer running sleep() at *tasks.py:*, created at *.py:7"])


@records_creation
def test_a_task_started_by_a_fixture_is_named_by_the_fixture_s_line(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture
        async def ticker():
            asyncio.ensure_future(asyncio.sleep(10))
            yield

        @pytest.mark.asyncio
        async def test_uses_it(ticker):
            pass
        """
    )
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["  Task-* running sleep() at *tasks.py:*, created at *.py:7"])


def test_task_names_are_untouched(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import sys
        import pytest

        # before 3.13, a named task takes a number too, as in asyncio.run()
        STEP = 1 if sys.version_info >= (3, 13) else 2

        @pytest.mark.asyncio
        async def test_names():
            number = int(asyncio.current_task().get_name().removeprefix("Task-"))
            named = asyncio.create_task(asyncio.sleep(0), name="named")
            unnamed = asyncio.create_task(asyncio.sleep(0))
            assert (named.get_name(), unnamed.get_name()) == ("named", f"Task-{number + STEP}")
            assert "created at" not in repr(unnamed)
            await asyncio.gather(named, unnamed)
        """
    )
    run_clean().assert_outcomes(passed=1)


USES_ITS_OWN_TASK_FACTORY = """
    import asyncio
    import pytest

    made = []

    def factory(loop, coro, **kwargs):
        made.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    @pytest.fixture
    def event_loop():
        loop = asyncio.new_event_loop()
        loop.set_task_factory(factory)
        yield loop
        loop.close()

    @pytest.mark.asyncio
    async def test_factory_of_the_loop_fixture():
        asyncio.create_task(asyncio.sleep(10), name="timer")
        assert len(made) == 2  # the test's task, and this one

"""

SETS_ITS_OWN_TASK_FACTORY = """
    import asyncio
    import pytest

    @pytest.mark.asyncio
    async def test_factory_set_by_the_test():
        made = []

        def factory(loop, coro, **kwargs):
            made.append(coro)
            return asyncio.Task(coro, loop=loop, **kwargs)

        loop = asyncio.get_running_loop()
        loop.set_task_factory(factory)
        coro = asyncio.sleep(10)
        loop.create_task(coro, name="later")
        assert made == [coro]
"""


@records_creation
def test_a_task_factory_of_the_user_s_still_makes_every_task(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_fixture_factory=USES_ITS_OWN_TASK_FACTORY, test_own_factory=SETS_ITS_OWN_TASK_FACTORY
    )
    result = run_clean("-rA")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "  timer running sleep() at *asyncio*tasks.py:*, created at *.py:19",
            f"  later running sleep() at *asyncio*tasks.py:*{_messages.TASK_CREATION_HINT}",
        ]
    )


@records_creation
@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager tasks came with Python 3.12")
def test_an_eager_task_factory_still_starts_tasks_eagerly(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            loop.set_task_factory(asyncio.eager_task_factory)
            yield loop
            loop.close()

        @pytest.mark.asyncio
        async def test_eager():
            started = []

            async def start():
                started.append(1)
                await asyncio.sleep(10)

            asyncio.create_task(start(), name="eager")
            assert started == [1]
        """
    )
    result = run_clean("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["  eager running *start() at *.py:17, created at *.py:19"])
