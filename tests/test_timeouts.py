"""Timeouts: a hung test fails alone, says where it hung, and is cleaned up.

The limit comes from the marker's ``timeout``, else ``--asyncio-timeout``,
else the ini option ``asyncio_timeout``; 0 means no limit at every level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

SLEEPS_A_LITTLE = """
    import asyncio
    import pytest

    {mark}
    async def test_sleeps():
        await asyncio.sleep(0.3)
    """


@pytest.mark.parametrize(
    ("ini", "option", "mark", "passes"),
    [
        pytest.param("0.05", None, "@pytest.mark.asyncio", False, id="ini"),
        pytest.param("0.05", "5", "@pytest.mark.asyncio", True, id="option-beats-ini"),
        pytest.param("0.05", "0", "@pytest.mark.asyncio", True, id="option-0-beats-ini"),
        pytest.param(None, "0.05", "@pytest.mark.asyncio(timeout=5)", True, id="marker-beats"),
        pytest.param(None, "0.05", "@pytest.mark.asyncio(timeout=0)", True, id="marker-0"),
        pytest.param("5", "5", "@pytest.mark.asyncio(timeout=0.05)", False, id="marker-wins"),
        pytest.param(None, None, "@pytest.mark.asyncio", True, id="no-limit"),
    ],
)
def test_precedence_marker_then_option_then_ini(
    pytester: pytest.Pytester,
    run_clean: RunClean,
    ini: str | None,
    option: str | None,
    mark: str,
    passes: bool,
) -> None:
    if ini is not None:
        pytester.makeini(f"[pytest]\nasyncio_timeout = {ini}\n")
    pytester.makepyfile(SLEEPS_A_LITTLE.format(mark=mark))
    args = [f"--asyncio-timeout={option}"] if option is not None else []
    result = run_clean(*args)
    if passes:
        result.assert_outcomes(passed=1)
    else:
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*test_sleeps timed out after 0.05 s and was cancelled.*"])


def test_report_shows_the_users_frames_and_the_other_tasks(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        async def poll():
            await asyncio.sleep(60)

        @pytest.fixture
        async def poller():
            task = asyncio.get_running_loop().create_task(poll(), name="poller")
            yield
            task.cancel()

        async def wait_for_reply(event):
            await event.wait()

        @pytest.mark.asyncio(timeout=0.05)
        async def test_hangs(poller):
            await wait_for_reply(asyncio.Event())
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_hangs timed out after 0.05 s and was cancelled.",
            "It was waiting here:",
            "  test_report_shows_the_users_frames_and_the_other_tasks.py:18 in test_hangs",
            "    await wait_for_reply(asyncio.Event())",
            "  test_report_shows_the_users_frames_and_the_other_tasks.py:14 in wait_for_reply",
            "    await event.wait()",
            "  -> waits on an asyncio.Event that is not set (Event.wait)",
            "Other tasks still pending on the loop:",
            "  poller running poll() at *.py:5*",
            "Raise the limit with @pytest.mark.asyncio(timeout=SECONDS)*",
        ]
    )
    assert "asyncio/locks.py" not in result.stdout.str()


def test_fixtures_and_finally_blocks_still_run(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        EVENTS = []

        @pytest.fixture
        def sync_resource():
            yield
            EVENTS.append("sync teardown")

        @pytest.fixture
        async def async_resource():
            yield
            await asyncio.sleep(0)
            EVENTS.append("async teardown")

        @pytest.mark.asyncio(timeout=0.05)
        async def test_hangs(sync_resource, async_resource):
            try:
                await asyncio.sleep(60)
            finally:
                EVENTS.append("finally")

        def test_after():
            assert EVENTS == ["finally", "async teardown", "sync teardown"]
        """
    )
    run_clean().assert_outcomes(failed=1, passed=1)


def test_a_test_that_swallows_the_cancellation_still_fails(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio(timeout=0.05)
        async def test_ignores_cancel():
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                pass
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_ignores_cancel timed out after 0.05 s*"])


def test_async_fixture_setup_is_bounded(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def slow_setup():
            await asyncio.sleep(60)

        @pytest.mark.asyncio(timeout=0.05)
        async def test_uses_it(slow_setup):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_uses_it*",
            "async fixture 'slow_setup' (set up for *::test_uses_it) timed out after 0.05 s*",
            "*in slow_setup",
        ]
    )


def test_async_fixture_teardown_is_bounded(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makeini("[pytest]\nasyncio_timeout = 0.05\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def slow_teardown():
            yield
            await asyncio.sleep(60)

        @pytest.mark.asyncio
        async def test_uses_it(slow_teardown):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_uses_it*",
            "async fixture 'slow_teardown' * timed out after 0.05 s*",
            "It was waiting here:",
            "  test_async_fixture_teardown_is_bounded.py:7 in slow_teardown",
            "    await asyncio.sleep(60)",
        ]
    )


def test_a_bad_timeout_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--asyncio-timeout=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--asyncio-timeout: 'soon' is not a valid timeout*"])


def test_a_pytest_timeout_failure_shows_the_users_frames_only(pytester: pytest.Pytester) -> None:
    """pytest-timeout fails a test from a signal handler, wherever the loop is:
    the report shows the user's awaits (or running line), not the plugin's or
    asyncio's frames."""
    pytest.importorskip("pytest_timeout")
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest
        import pytest_asyncio

        async def helper():
            await asyncio.sleep(30)  # WAITS HERE

        @pytest_asyncio.fixture
        async def slow_fixture():
            await asyncio.sleep(30)  # FIXTURE WAITS HERE
            yield

        @pytest.mark.asyncio
        async def test_waits():
            await helper()  # TEST AWAITS HERE

        @pytest.mark.asyncio
        async def test_busy():
            while True:
                time.sleep(0.01)  # BUSY HERE

        @pytest.mark.asyncio
        async def test_with_slow_fixture(slow_fixture):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--timeout=0.5")
    result.assert_outcomes(failed=2, errors=1)
    output = result.stdout.str()
    assert output.count("Failed: Timeout") >= 3
    for line in ["WAITS HERE", "FIXTURE WAITS HERE", "TEST AWAITS HERE", "BUSY HERE"]:
        assert f"# {line}" in output
    reports = output.split("= ERRORS =")[1].split("short test summary")[0]
    for frame in ["pytest_asyncio/", "base_events.py", "selectors.py", "_run_once"]:
        assert frame not in reports
