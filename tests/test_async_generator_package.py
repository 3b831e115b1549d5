"""Fixtures written with the ``async_generator`` package (the optional extra).

``@async_generator`` with ``await yield_(value)`` behaves like an async
generator fixture: set up on the loop, torn down after the test. The
package is in the ``test`` extra, so these tests do not skip without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean


def test_async_generator_fixtures(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from async_generator import async_generator, yield_

        EVENTS = []

        @pytest.fixture
        @async_generator
        async def resource(event_loop):
            assert asyncio.get_running_loop() is event_loop
            await asyncio.sleep(0)
            EVENTS.append("setup")
            await yield_("a value")
            await asyncio.sleep(0)
            EVENTS.append("teardown")

        @pytest.fixture(scope="module")
        @async_generator
        async def shared():
            await yield_(object())
            EVENTS.append("module teardown")

        @pytest.mark.asyncio
        async def test_marked(resource, shared):
            assert resource == "a value"
            assert EVENTS == ["setup"]

        def test_sync(resource, shared):
            assert resource == "a value"

        def test_torn_down():
            assert EVENTS == ["setup", "teardown", "setup", "teardown"]
        """
    )
    run_clean().assert_outcomes(passed=3)


def test_yielding_twice_is_refused_too(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import pytest
        from async_generator import async_generator, yield_

        # On Python 3.12+ async_generator's own aclose() uses a deprecated
        # throw() signature; the warning is the package's, not the plugin's.
        pytestmark = pytest.mark.filterwarnings(
            "ignore:the .type, exc, tb. signature of throw:DeprecationWarning"
        )

        @pytest.fixture
        @async_generator
        async def twice():
            await yield_(1)
            await yield_(2)

        def test_uses_it(twice):
            assert twice == 1
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([_messages.async_generator_yielded_twice("twice")])
