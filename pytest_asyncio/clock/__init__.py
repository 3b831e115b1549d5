"""The virtual clock: tests that wait for timers run in no time."""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_asyncio.clock.virtual import ClockUnsupported, VirtualClock
else:

    def __getattr__(name: str) -> object:
        """The clock's classes, imported on first use: a session that never asks
        for the clock loads only its registry of live clocks (``live``) and the
        threads check (``threads``) from this package."""
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # From sys.modules, as the plugin's own imports find it, and not kept:
        # pytester's in-process runs drop the modules a run imported (a
        # package attribute would still name the dropped one).
        return getattr(importlib.import_module("pytest_asyncio.clock.virtual"), name)

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


__all__ = ["ClockUnsupported", "VirtualClock"]
