"""The virtual clock: its option values and its misuse."""

from __future__ import annotations

VALID_CLOCKS = ("real", "virtual")


def invalid_clock(option: str, value: object) -> str:
    return f"{option}: {value!r} is not a valid clock. Use one of: {', '.join(VALID_CLOCKS)}."


def invalid_clock_threshold(value: object) -> str:
    return (
        f"asyncio_clock_threshold: {value!r} is not a valid threshold. Give the real "
        "seconds a virtual-clock loop looks for I/O before jumping, 0 or more (e.g. 0.01)."
    )


def clock_unsupported(loop_class: type) -> str:
    name = f"{loop_class.__module__}.{loop_class.__qualname__}"
    return (
        f"The virtual clock cannot run on a loop of class {name}: it needs one of "
        "asyncio's own selector event loops (asyncio.SelectorEventLoop, what "
        "asyncio.new_event_loop() makes on Linux and macOS). Run this test on such "
        "a loop, or leave the clock real for it (@pytest.mark.asyncio(clock='real'))."
    )


def clock_installed_twice(loop_class: type) -> str:
    return f"This {loop_class.__qualname__} already has a virtual clock; use VirtualClock.of(loop)."


def clock_negative_advance(seconds: float) -> str:
    return f"VirtualClock.advance() moves time forward only; got {seconds!r} seconds."


def clock_not_driving() -> str:
    return (
        "VirtualClock.advance() must be awaited on the clock's own loop while its "
        "time is virtual (in the test that asked for the virtual clock)."
    )


def clock_fixture_needs_async_test(test: str) -> str:
    return (
        f"{test} requests the 'virtual_clock' fixture, which is the clock of an "
        "async test's loop, but the plugin does not run this test on a loop. Make "
        "it an 'async def' test marked with @pytest.mark.asyncio."
    )


def clock_fixture_with_real_clock(test: str) -> str:
    return (
        f"{test} requests the 'virtual_clock' fixture but its marker says "
        "clock='real'. Drop clock='real' (the fixture turns the virtual clock on), "
        "or do not request the fixture."
    )
