"""Misuse gets a message that names what is wrong and says what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean


def test_an_async_generator_fixture_that_yields_twice(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        async def twice():
            yield 1
            yield 2

        @pytest.mark.asyncio
        async def test_uses_it(twice):
            assert twice == 1
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_uses_it*", _messages.async_generator_yielded_twice("twice")]
    )


def test_an_async_generator_fixture_that_never_yields(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        async def never():
            if False:
                yield

        def test_uses_it(never):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([_messages.async_generator_did_not_yield("never")])


@pytest.mark.parametrize("scope", ["function", "session"])
def test_a_loop_fixture_that_returns_something_else(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str
) -> None:
    """Every test using it errors with the message, also when the value is cached."""
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.fixture(scope={scope!r})
        def event_loop():
            return 42

        @pytest.mark.asyncio
        async def test_marked():
            pass

        def test_sync(event_loop):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=2)
    message = _messages.not_a_loop("event_loop", 42)
    assert "'event_loop'" in message and "42" in message and "int" in message
    result.stdout.fnmatch_lines([message, message], consecutive=False)


def test_a_loop_fixture_that_returns_a_closed_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            loop.close()
            return loop

        @pytest.mark.asyncio
        async def test_marked():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([_messages.loop_is_closed("event_loop")])


def test_an_unknown_marker_argument(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(bogus=1)
        async def test_typo():
            pass

        @pytest.mark.asyncio_process_pool(loop_scope="module", colour="red")
        async def test_typo_too():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            _messages.unknown_marker_argument(
                "test_an_unknown_marker_argument.py::test_typo", "asyncio", ["bogus"]
            ),
            _messages.unknown_marker_argument(
                "test_an_unknown_marker_argument.py::test_typo_too",
                "asyncio_process_pool",
                ["colour"],
            ),
        ],
        consecutive=False,
    )
    # The message alone: no traceback, and no note about hidden entries.
    assert "All traceback entries are hidden" not in result.stdout.str()
    assert "pytest_asyncio" + "/" not in result.stdout.str()


def test_the_marker_on_a_sync_test_warns(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        def test_not_a_coroutine():
            pass
        """
    )
    # in-process, the inner session would inherit our "error" filter
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "always::pytest.PytestWarning")
    result.assert_outcomes(passed=1, warnings=1)
    nodeid = "test_the_marker_on_a_sync_test_warns.py::test_not_a_coroutine"
    result.stdout.fnmatch_lines(
        ["*PytestWarning: " + _messages.marker_on_sync_test(nodeid, "asyncio")]
    )


def test_an_unmarked_async_test_fails_with_advice(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        async def test_unmarked():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    message = _messages.unmarked_async_test(
        "test_an_unmarked_async_test_fails_with_advice.py::test_unmarked"
    )
    assert "@pytest.mark.asyncio" in message
    result.stdout.fnmatch_lines([message])
    result.stdout.no_fnmatch_line("*never awaited*")


def test_scope_and_loop_scope_together_fail_the_test(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(scope="module", loop_scope="module")
        async def test_both():
            pass

        @pytest.mark.asyncio(scope="module")
        async def test_old_spelling_alone():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, errors=1)
    nodeid = "test_scope_and_loop_scope_together_fail_the_test.py::test_both"
    result.stdout.fnmatch_lines([_messages.scope_and_loop_scope(nodeid)])


def test_a_positional_marker_argument_names_the_accepted_keywords(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio("session")
        async def test_positional():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    nodeid = "test_a_positional_marker_argument_names_the_accepted_keywords.py::test_positional"
    message = _messages.positional_marker_argument(nodeid, "asyncio", ("session",))
    assert message.startswith(f"{nodeid}: mark.asyncio accepts only keyword arguments")
    result.stdout.fnmatch_lines([message])
