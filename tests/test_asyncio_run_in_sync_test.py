"""``asyncio.run()`` and ``asyncio.Runner`` in a sync test leave later async tests working.

Both make and close a loop of their own and reset the current loop to
``None`` when done; the plugin must neither depend on the loop they left
behind nor leave an unclosed loop (a ``ResourceWarning``) of its own.
"""

from __future__ import annotations

import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

ASYNC_TESTS = """
    @pytest.fixture
    async def fixture_loop():
        return asyncio.get_running_loop()

    @pytest.mark.asyncio
    async def test_async_{n}(fixture_loop):
        assert fixture_loop is asyncio.get_running_loop()
        await asyncio.sleep(0)

    @pytest.mark.asyncio(loop_scope="session")
    async def test_session_loop_{n}():
        SESSION_LOOPS.append(asyncio.get_running_loop())
        assert SESSION_LOOPS[0] is SESSION_LOOPS[-1]
"""


def _suite(sync_test: str) -> str:
    """Async tests, the sync test, then the async tests again."""
    return "\n".join(
        [
            "import asyncio\nimport pytest\n\nSESSION_LOOPS = []\n",
            textwrap.dedent(ASYNC_TESTS.format(n=1)),
            sync_test,
            textwrap.dedent(ASYNC_TESTS.format(n=2)),
        ]
    )


def test_asyncio_run_between_async_tests(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        _suite(
            """
def test_sync_runs_its_own_loop():
    async def main():
        await asyncio.sleep(0)
        return asyncio.get_running_loop()

    first = asyncio.run(main())
    second = asyncio.run(main())
    assert first is not second and first.is_closed()
"""
        )
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=5)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.Runner is new in Python 3.11")
def test_asyncio_runner_between_async_tests(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        _suite(
            """
def test_sync_uses_a_runner():
    with asyncio.Runner() as runner:
        assert runner.run(asyncio.sleep(0, "done")) == "done"
        loop = runner.get_loop()
    assert loop.is_closed()
"""
        )
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=5)


def test_asyncio_run_in_a_sync_test_that_requests_event_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """0.21-era sync tests took ``event_loop`` and still called ``asyncio.run``."""
    pytester.makepyfile(
        _suite(
            """
def test_sync_with_the_fixture(event_loop):
    assert asyncio.run(asyncio.sleep(0, 1)) == 1
    assert event_loop.run_until_complete(asyncio.sleep(0, 2)) == 2
    assert not event_loop.is_closed()
"""
        )
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=5)
