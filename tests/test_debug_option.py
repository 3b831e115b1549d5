"""``asyncio_debug`` (ini) and ``--asyncio-debug``: every loop the tests get is in debug mode."""

from __future__ import annotations

import pytest

EVERY_KIND_OF_LOOP = """
    import asyncio
    import pytest
    import pytest_asyncio

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def module_loop():
        return asyncio.get_running_loop()

    @pytest.mark.asyncio
    async def test_function_loop():
        assert asyncio.get_running_loop().get_debug() is {expected}

    @pytest.mark.asyncio(loop_scope="module")
    async def test_module_loop(module_loop):
        assert module_loop.get_debug() is {expected}

    def test_sync_requesting_the_loop(event_loop):
        assert event_loop.get_debug() is {expected}
"""

USER_OVERRIDE = """
    import asyncio
    import pytest

    @pytest.fixture(scope="session")
    def event_loop():
        loop = asyncio.new_event_loop()
        yield loop
        loop.close()
"""


@pytest.mark.parametrize(
    ("ini", "args", "expected"),
    [
        ("", (), False),
        ("asyncio_debug = true", (), True),
        ("", ("--asyncio-debug",), True),
        ("asyncio_debug = false", ("--asyncio-debug",), True),
    ],
)
def test_debug_mode_reaches_every_loop(
    pytester: pytest.Pytester, ini: str, args: tuple[str, ...], expected: bool
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(EVERY_KIND_OF_LOOP.format(expected=expected))
    result = pytester.runpytest(*args, "-W", "error")
    result.assert_outcomes(passed=3)


def test_debug_mode_reaches_a_users_event_loop_override(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(USER_OVERRIDE)
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_override_is_in_debug_mode(event_loop):
            assert asyncio.get_running_loop() is event_loop
            assert event_loop.get_debug()
        """
    )
    result = pytester.runpytest("--asyncio-debug", "-W", "error")
    result.assert_outcomes(passed=1)


def test_debug_mode_reports_a_slow_callback(pytester: pytest.Pytester) -> None:
    """What debug mode is for: asyncio's own checks come alive."""
    pytester.makepyfile(
        """
        import asyncio
        import logging
        import time
        import pytest

        @pytest.mark.asyncio
        async def test_slow(caplog):
            loop = asyncio.get_running_loop()
            loop.slow_callback_duration = 0.01
            with caplog.at_level(logging.WARNING, logger="asyncio"):
                loop.call_soon(time.sleep, 0.05)
                await asyncio.sleep(0.01)
            assert any("took" in message for message in caplog.messages)
        """
    )
    result = pytester.runpytest("--asyncio-debug", "-W", "error")
    result.assert_outcomes(passed=1)
