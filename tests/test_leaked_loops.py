"""A loop a test or a loop fixture leaves open is closed and charged to it.

Left to the garbage collector, it would warn ``ResourceWarning: unclosed
event loop`` during a later, unrelated test, which then fails under
``-W error``. Each case below puts a second test after the culprit, and
``run_clean`` collects garbage with warnings as errors afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _asyncio_compat, _messages

if TYPE_CHECKING:
    from conftest import RunClean

SETS_A_NEW_LOOP = """
    import asyncio
    import gc
    import pytest

    @pytest.mark.asyncio
    async def test_leaves_a_loop():
        asyncio.set_event_loop(asyncio.new_event_loop())

    def test_later():
        gc.collect()

    @pytest.mark.asyncio
    async def test_later_async():
        gc.collect()
    """

OVERRIDE_LEAVES_IT_OPEN = """
    import asyncio
    import gc
    import pytest

    @pytest.fixture
    def event_loop():
        loop = asyncio.new_event_loop()
        yield loop

    @pytest.mark.asyncio
    async def test_on_the_override():
        pass

    def test_later():
        gc.collect()
    """


def test_a_loop_left_current_is_the_tests(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(SETS_A_NEW_LOOP)
    result = run_clean()
    result.assert_outcomes(passed=3, warnings=0)
    result.stdout.fnmatch_lines(["*::test_leaves_a_loop: 1 event loop left open"])
    assert "test_later:" not in result.stdout.str()


def test_a_loop_left_current_as_a_warning(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(SETS_A_NEW_LOOP)
    result = run_clean(
        "--asyncio-diagnostics=warn", "-W", "default::pytest_asyncio.DiagnosticWarning"
    )
    result.assert_outcomes(passed=3, warnings=1)
    text = _messages.loop_left_current("*::test_leaves_a_loop")
    result.stdout.fnmatch_lines(["*::test_leaves_a_loop", f"*LeakedLoopWarning: {text}"])


def test_a_loop_left_current_as_an_error(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(SETS_A_NEW_LOOP)
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_loop*",
            "E   pytest_asyncio.LeakedLoopError: *test_leaves_a_loop*",
        ]
    )


def test_the_loop_current_before_the_tests_is_left_alone(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture(scope="module")
        def own_loop():
            loop = asyncio.new_event_loop()
            yield loop
            loop.close()

        @pytest.mark.asyncio
        async def test_makes_a_fixture_loop_current(own_loop):
            asyncio.set_event_loop(own_loop)

        def test_it_is_still_open(own_loop):
            assert not own_loop.is_closed()
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=2, warnings=0)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_an_override_that_never_closes_its_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(OVERRIDE_LEAVES_IT_OPEN)
    result = run_clean("-v")
    result.assert_outcomes(passed=2, warnings=0)
    text = _messages.loop_left_open("event_loop", "function", "*::test_on_the_override")
    result.stdout.fnmatch_lines(["*::test_on_the_override: 1 event loop left open", f"    {text}"])


def test_an_override_that_never_closes_its_loop_as_an_error(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(OVERRIDE_LEAVES_IT_OPEN)
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_on_the_override*",
            "E   pytest_asyncio.LeakedLoopError: pytest-asyncio detected an unclosed event loop"
            " when tearing down the fixture 'event_loop' of test *::test_on_the_override:*",
        ]
    )


@pytest.mark.parametrize(
    ("culprit", "tests"),
    [(SETS_A_NEW_LOOP, 3), (OVERRIDE_LEAVES_IT_OPEN, 2)],
    ids=["test", "fixture"],
)
def test_as_a_warning_in_the_words_of_0_21(
    pytester: pytest.Pytester, run_clean: RunClean, culprit: str, tests: int
) -> None:
    """Suites that looked for 0.21's "unclosed event loop" warning still find it."""
    pytester.makepyfile(culprit)
    result = run_clean("--asyncio-diagnostics=warn", "-W", "default")
    result.assert_outcomes(passed=tests, warnings=1)
    result.stdout.fnmatch_lines(
        ["*LeakedLoopWarning: pytest-asyncio detected an unclosed event loop *"]
    )


def test_a_module_scoped_override_is_charged_to_its_module(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture(scope="module")
        def event_loop():
            yield asyncio.new_event_loop()

        @pytest.mark.asyncio
        async def test_one():
            pass

        @pytest.mark.asyncio
        async def test_two():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=2, warnings=0)
    owner = _messages.diagnostics_owner("event_loop", "module", "test_*.py")
    result.stdout.fnmatch_lines([f"{owner}: 1 event loop left open"])
    assert "::test_two:" not in result.stdout.str()


def test_a_loop_made_current_at_import_is_closed_when_the_session_ends(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A test module that makes a loop current at import and never closes it
    (pytest-asyncio 0.21 closed such a loop when it set up ``event_loop``)."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        @pytest.mark.asyncio
        async def test_on_its_own_loop():
            assert asyncio.get_running_loop() is not loop

        def test_sync_code_still_sees_it():
            assert asyncio.get_event_loop_policy().get_event_loop() is loop
            assert not loop.is_closed()
        """
    )
    before = _asyncio_compat.current_loop()
    result = run_clean()
    result.assert_outcomes(passed=2, warnings=0)
    assert _asyncio_compat.current_loop() is before


def test_a_loop_a_session_hook_made_current_is_left_to_the_hook(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeconftest(
        """
        import asyncio

        def pytest_sessionstart(session):
            session.config.own_loop = asyncio.new_event_loop()
            asyncio.set_event_loop(session.config.own_loop)

        def pytest_unconfigure(config):
            loop = config.own_loop
            assert not loop.is_closed()
            assert asyncio.get_event_loop_policy().get_event_loop() is loop
            loop.run_until_complete(asyncio.sleep(0))
            asyncio.set_event_loop(None)
            loop.close()
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_async():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, warnings=0)
    assert result.ret == 0
