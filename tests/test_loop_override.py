"""Overriding ``event_loop`` replaces the loop for marked tests, async fixtures
and sync tests alike, by pytest's usual rules (module beats conftest beats plugin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

CUSTOM_LOOP = """
import asyncio
import pytest

class CustomLoop(asyncio.SelectorEventLoop):
    pass

def override(scope):
    # the same plain fixture as written out in the first test below
    @pytest.fixture(scope=scope, name="event_loop")
    def event_loop():
        loop = CustomLoop()
        yield loop
        loop.close()

    return event_loop
"""

CHECKS = """
import asyncio
import pytest
from loops import CustomLoop

SEEN = []

@pytest.fixture
async def on_which_loop():
    return asyncio.get_running_loop()

@pytest.mark.asyncio
async def test_marked(event_loop, on_which_loop):
    loop = asyncio.get_running_loop()
    assert isinstance(loop, CustomLoop)
    assert loop is event_loop is on_which_loop
    SEEN.append(loop)

def test_sync(event_loop):
    assert isinstance(event_loop, CustomLoop)
    SEEN.append(event_loop)
"""


@pytest.mark.parametrize("scope", ["function", "module", "session"])
def test_a_plain_override_in_the_test_module(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str
) -> None:
    pytester.makepyfile(loops=CUSTOM_LOOP)
    pytester.makepyfile(
        CHECKS
        + f"""
@pytest.fixture(scope={scope!r})
def event_loop():
    loop = CustomLoop()
    yield loop
    loop.close()

def test_shared_only_when_wide():
    assert (SEEN[0] is SEEN[1]) == ({scope!r} != "function")
"""
    )
    run_clean().assert_outcomes(passed=3)


@pytest.mark.parametrize("scope", ["function", "module", "session"])
def test_a_plain_override_in_conftest(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str
) -> None:
    pytester.makepyfile(loops=CUSTOM_LOOP)
    pytester.makeconftest(f"from loops import override\nevent_loop = override({scope!r})")
    pytester.makepyfile(test_one=CHECKS, test_two=CHECKS)
    run_clean().assert_outcomes(passed=4)


def test_the_module_override_beats_the_conftest_one(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(loops=CUSTOM_LOOP)
    pytester.makeconftest(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def event_loop():
            raise AssertionError("the conftest loop must not be used here")
        """
    )
    pytester.makepyfile(CHECKS + "\nfrom loops import override\nevent_loop = override('function')")
    run_clean().assert_outcomes(passed=2)


def test_a_loop_fixture_subclass_with_session_scope(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """``event_loop = MyLoop.fixture()``: one loop of the subclass for the whole run."""
    pytester.makepyfile(loops=CUSTOM_LOOP)
    pytester.makeconftest(
        """
        import asyncio
        import pytest
        from pytest_asyncio import LoopFixture
        from loops import CustomLoop

        MADE = []

        class MyLoop(LoopFixture):
            scope = "session"

            def new_loop(self) -> asyncio.AbstractEventLoop:
                MADE.append(CustomLoop())
                return MADE[-1]

        event_loop = MyLoop.fixture()

        def pytest_sessionfinish(session):
            closed = [loop.is_closed() for loop in MADE]
            (session.config.rootpath / "made.txt").write_text(repr(closed))
        """
    )
    pytester.makepyfile(test_one=CHECKS, test_two=CHECKS)
    pytester.makepyfile(
        test_three="""
        import asyncio
        import pytest
        from loops import CustomLoop

        @pytest.mark.asyncio(loop_scope="module")
        async def test_scoped_loops_come_from_the_subclass_too():
            assert isinstance(asyncio.get_running_loop(), CustomLoop)
        """
    )
    run_clean().assert_outcomes(passed=5)
    # one session loop for the four event_loop users, one for the module scope
    assert (pytester.path / "made.txt").read_text() == "[True, True]"


def test_an_override_that_does_not_close_its_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """The plugin closes what the override left open: no ResourceWarning."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        LOOPS = []

        @pytest.fixture
        def event_loop():
            LOOPS.append(asyncio.new_event_loop())
            return LOOPS[-1]

        @pytest.mark.asyncio
        async def test_marked():
            asyncio.get_running_loop().call_later(3600, print)

        def test_sync(event_loop):
            assert LOOPS[0].is_closed()

        def test_after():
            assert all(loop.is_closed() for loop in LOOPS)
        """
    )
    run_clean().assert_outcomes(passed=3)
