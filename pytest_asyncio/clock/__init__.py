"""The virtual clock: tests that wait for timers run in no time."""

from pytest_asyncio.clock.virtual import ClockUnsupported, VirtualClock

__all__ = ["ClockUnsupported", "VirtualClock"]
