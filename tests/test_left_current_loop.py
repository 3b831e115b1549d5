"""A loop others left current before an async test, in suites written for 0.15 to 0.24.

Where a collected test or fixture names ``event_loop``, or a plain function
overrides it, setting up an async test's ``event_loop`` closes an open loop
that sync code left current, as pytest-asyncio 0.15 to 0.24 did, and the
diagnostics report it as a loop left open. Elsewhere that loop stays open,
as in pytest-asyncio 1.x.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _asyncio_compat, _messages

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import RunClean


@pytest.fixture(autouse=True)
def no_loop_current() -> Iterator[None]:
    """The inner sessions run in this process: start them as a fresh process
    starts, with no loop current and none set (another test's inner session
    may have left ``asyncio.set_event_loop(None)`` behind)."""
    saved = _asyncio_compat.snapshot_current_loop()
    _asyncio_compat.restore_current_loop(_asyncio_compat.CurrentLoop(None, set_called=False))
    yield
    _asyncio_compat.restore_current_loop(saved)


# Python 3.14 no longer makes a loop in asyncio.get_event_loop(); set one instead.
EXAMPLE = """
    import asyncio, sys, warnings
    import pytest

    seen = {}

    def test_sync_code_takes_the_current_loop():
        if sys.version_info >= (3, 14):
            asyncio.set_event_loop(asyncio.new_event_loop())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            seen["loop"] = asyncio.get_event_loop()

    @pytest.mark.asyncio
    async def test_async():
        assert asyncio.get_running_loop() is not seen["loop"]

    def test_the_previous_current_loop_was_closed():
        assert seen["loop"].is_closed()
    """

REQUESTS_EVENT_LOOP = """

    def test_uses_event_loop(event_loop):
        assert not event_loop.is_closed()
    """

PLAIN_OVERRIDE = """
    import asyncio
    import pytest

    @pytest.fixture
    def event_loop():
        loop = asyncio.new_event_loop()
        yield loop
        loop.close()
    """


def test_a_suite_that_requests_event_loop_gets_it_closed(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(EXAMPLE + REQUESTS_EVENT_LOOP)
    result = run_clean("-v")
    result.assert_outcomes(passed=4, warnings=0)
    text = _messages.loop_left_current_before("*::test_async", "event_loop")
    result.stdout.fnmatch_lines(["*::test_async: 1 event loop left open", f"    {text}"])
    assert "Reported only: no outcome changed" in result.stdout.str()


def test_the_request_may_come_before_the_loop_is_left(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(EXAMPLE.replace("seen = {}\n", "seen = {}\n" + REQUESTS_EVENT_LOOP))
    run_clean().assert_outcomes(passed=4, warnings=0)


def test_a_suite_written_for_1x_keeps_the_loop_open(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(EXAMPLE)
    result = run_clean()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_the_previous_current_loop_was_closed*"])
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_a_conftest_override_counts(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makeconftest(PLAIN_OVERRIDE)
    pytester.makepyfile(EXAMPLE)
    run_clean().assert_outcomes(passed=3)


def test_a_loop_fixture_subclass_override_does_not_count(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A LoopFixture subclass is this plugin's own API, not 0.x's."""
    pytester.makeconftest(
        """
        from pytest_asyncio import LoopFixture

        class MyLoop(LoopFixture):
            pass

        event_loop = MyLoop.fixture()
        """
    )
    pytester.makepyfile(EXAMPLE)
    run_clean().assert_outcomes(passed=2, failed=1)


def test_the_whole_session_decides_even_tests_deselected(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_example=EXAMPLE,
        test_other=REQUESTS_EVENT_LOOP,
    )
    run_clean().assert_outcomes(passed=4)
    run_clean("-k", "not uses_event_loop").assert_outcomes(passed=3, deselected=1)


def test_a_fixture_that_requests_event_loop_counts(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        EXAMPLE
        + """

    @pytest.fixture
    def loop_user(event_loop):
        return event_loop

    def test_with_it(loop_user):
        pass
        """
    )
    run_clean().assert_outcomes(passed=4)


def test_on_the_fixture_path_too(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """The async test requests ``event_loop`` itself: pytest sets it up."""
    pytester.makepyfile(
        EXAMPLE.replace("async def test_async():", "async def test_async(event_loop):")
    )
    result = run_clean()
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*::test_async: 1 event loop left open"])


@pytest.mark.parametrize(
    ("severity", "outcomes"),
    [("warn", {"passed": 4, "warnings": 1}), ("error", {"passed": 3, "errors": 1})],
)
def test_under_the_diagnostics_setting(
    pytester: pytest.Pytester, severity: str, outcomes: dict[str, int]
) -> None:
    pytester.makepyfile(EXAMPLE + REQUESTS_EVENT_LOOP)
    result = pytester.runpytest(
        f"--asyncio-diagnostics={severity}", "-W", "default::pytest_asyncio.DiagnosticWarning"
    )
    result.assert_outcomes(**outcomes)
    raised = "LeakedLoopWarning" if severity == "warn" else "LeakedLoopError"
    result.stdout.fnmatch_lines([f"*{raised}: *test_async set up its loop 'event_loop'*"])
    if severity == "error":
        result.stdout.fnmatch_lines(["*ERROR at setup of test_async*"])


def test_off_still_closes_it(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(EXAMPLE + REQUESTS_EVENT_LOOP)
    result = run_clean("--asyncio-diagnostics=off")
    result.assert_outcomes(passed=4, warnings=0)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_sync_code_after_it_gets_a_new_loop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """No closed loop is put back as the current one after the async tests."""
    pytester.makepyfile(
        EXAMPLE
        + REQUESTS_EVENT_LOOP
        + """

    def test_a_new_loop():
        if sys.version_info >= (3, 14):
            with pytest.raises(RuntimeError):
                asyncio.get_event_loop()
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            loop = asyncio.get_event_loop()
        assert loop is not seen["loop"]
        assert loop.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
        loop.close()
        """
    )
    run_clean().assert_outcomes(passed=5)


def test_loops_in_use_stay_open(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """A module loop the last async test left current, a session-scoped
    ``event_loop``, and a loop a sync test got while that was alive."""
    pytester.makeconftest(
        PLAIN_OVERRIDE.replace("@pytest.fixture", '@pytest.fixture(scope="session")')
    )
    pytester.makepyfile(
        """
        import asyncio, sys, warnings
        import pytest

        seen = {}

        @pytest.mark.asyncio(loop_scope="module")
        async def test_on_the_module_loop():
            seen["module"] = asyncio.get_running_loop()

        @pytest.mark.asyncio
        async def test_on_the_session_loop():
            seen["session"] = asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_on_the_module_loop_again():
            assert asyncio.get_running_loop() is seen["module"]

        def test_both_open():
            assert not seen["module"].is_closed()
            assert not seen["session"].is_closed()
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=4)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_the_session_loop_stays_open(pytester: pytest.Pytester) -> None:
    """A loop current before collection (a conftest's) is the conftest's to close.

    In a subprocess: the conftest sets the current loop of the whole process.
    """
    pytester.makeconftest(
        """
        import asyncio

        LOOP = asyncio.new_event_loop()
        asyncio.set_event_loop(LOOP)

        def pytest_unconfigure():
            LOOP.close()
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from conftest import LOOP

        def test_uses_event_loop(event_loop):
            pass

        @pytest.mark.asyncio
        async def test_async():
            pass

        def test_still_usable():
            assert LOOP.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
        """
    )
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()
