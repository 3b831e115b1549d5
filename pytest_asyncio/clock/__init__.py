"""The virtual clock: tests that wait for timers run in no time."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_asyncio.clock.virtual import ClockUnsupported, VirtualClock
else:

    def __getattr__(name: str) -> object:
        """The clock's classes, imported on first use: a session that never asks
        for the clock loads only the registry (``live``) and what reports use."""
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from pytest_asyncio.clock import virtual

        return getattr(virtual, name)  # not kept: see pytest_asyncio.__getattr__


__all__ = ["ClockUnsupported", "VirtualClock"]
