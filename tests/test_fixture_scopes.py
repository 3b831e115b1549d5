"""Async fixtures of every scope, on a loop that lives at least as long.

With an ``event_loop`` override as wide as the fixture, the fixture runs on
that loop. An override narrower than the fixture is refused with a message
that names both fixtures, both scopes, and the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

WIDE_SCOPES = ["class", "module", "package", "session"]

LOOP_OVERRIDE = """
import asyncio
import pytest

@pytest.fixture(scope={scope!r})
def event_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()
"""


def _scope_suite(pytester: pytest.Pytester, fixture_scope: str, loop_scope: str) -> None:
    """Two test modules in a package, each with a test class of two tests."""
    package = pytester.mkpydir("pkg")
    (package / "conftest.py").write_text(
        LOOP_OVERRIDE.format(scope=loop_scope)
        + f"""
SETUPS = []
TEARDOWNS = []

@pytest.fixture(scope={fixture_scope!r})
async def resource(event_loop):
    assert asyncio.get_running_loop() is event_loop
    SETUPS.append(object())
    yield SETUPS[-1], event_loop
    TEARDOWNS.append(SETUPS[-1])
    assert asyncio.get_running_loop() is event_loop
"""
    )
    body = """
import asyncio
import pytest

class TestBoth:
    @pytest.mark.asyncio
    async def test_marked(self, resource, event_loop):
        assert resource[1] is event_loop is asyncio.get_running_loop()

    def test_sync(self, resource, event_loop):
        assert resource[1] is event_loop
"""
    (package / "test_a.py").write_text(body)
    (package / "test_b.py").write_text(body)
    pytester.makepyfile(
        test_z_count=f"""
from pkg.conftest import SETUPS, TEARDOWNS

SET_UP = {{"class": 2, "module": 2, "package": 1, "session": 1}}[{fixture_scope!r}]
# only a session fixture outlives the package
TORN_DOWN = 0 if {fixture_scope!r} == "session" else SET_UP

def test_count():
    assert len(SETUPS) == SET_UP
    assert len(TEARDOWNS) == TORN_DOWN
"""
    )


@pytest.mark.parametrize("scope", WIDE_SCOPES)
def test_every_scope_on_a_loop_of_the_same_scope(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str
) -> None:
    _scope_suite(pytester, fixture_scope=scope, loop_scope=scope)
    run_clean().assert_outcomes(passed=5)


def test_a_wider_loop_serves_a_narrower_fixture(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    _scope_suite(pytester, fixture_scope="class", loop_scope="session")
    run_clean().assert_outcomes(passed=5)


def test_wide_fixtures_without_any_override(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """Without an override each wide fixture gets a loop of its own scope."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        LOOPS = []

        @pytest.fixture(scope="module")
        async def module_resource():
            LOOPS.append(asyncio.get_running_loop())
            yield "module"
            assert asyncio.get_running_loop() is LOOPS[0]

        @pytest.fixture(scope="session")
        async def session_resource():
            await asyncio.sleep(0)
            return "session"

        @pytest.mark.asyncio
        async def test_one(module_resource, session_resource):
            assert (module_resource, session_resource) == ("module", "session")

        def test_two(module_resource, session_resource):
            assert len(LOOPS) == 1 and not LOOPS[0].is_closed()
        """
    )
    run_clean().assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("fixture_scope", "loop_scope"),
    [("module", "function"), ("session", "module"), ("class", "function")],
)
def test_a_fixture_wider_than_the_overridden_loop(
    pytester: pytest.Pytester, run_clean: RunClean, fixture_scope: str, loop_scope: str
) -> None:
    pytester.makepyfile(
        LOOP_OVERRIDE.format(scope=loop_scope)
        + f"""
@pytest.fixture(scope={fixture_scope!r})
async def wide_resource():
    return 1

class TestIt:
    @pytest.mark.asyncio
    async def test_marked(self, wide_resource):
        pass

    def test_sync(self, wide_resource):
        pass
"""
    )
    result = run_clean()
    result.assert_outcomes(errors=2)
    expected = _messages.fixture_wider_than_loop(
        "wide_resource", fixture_scope, "event_loop", loop_scope
    )
    result.stdout.fnmatch_lines([expected] * 2, consecutive=False)
    result.stdout.no_fnmatch_line("*ScopeMismatch*")
    for words in ("wide_resource", fixture_scope, "event_loop", loop_scope, "loop_scope="):
        assert words in expected
