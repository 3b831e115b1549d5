"""Timers that keep real time on a loop whose time is virtual.

Why: a test's time limit guards against a hang, in real seconds. Scheduled on
virtual time, it would fire as soon as the loop idled and jumped to it. The
clock keeps such timers apart, by ``time.monotonic()``, and shortens the
loop's wait so that they fire on time.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Any

#: A real-time timer: deadline by ``time.monotonic()``, order, the handle
#: returned, and the call.
_RealTimer = tuple[
    float,
    int,
    asyncio.TimerHandle,
    Callable[..., object],
    tuple[Any, ...],
    "contextvars.Context | None",
]


class RealTimers:
    """The real-time timers of one clock, earliest first."""

    def __init__(self) -> None:
        self._heap: list[_RealTimer] = []
        self._order = itertools.count()

    def __bool__(self) -> bool:
        return bool(self._heap)

    def add(
        self,
        handle: asyncio.TimerHandle,
        delay: float,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        context: contextvars.Context | None,
    ) -> None:
        """Call ``callback(*args)`` in ``delay`` real seconds, unless ``handle``
        is cancelled by then."""
        timer = (time.monotonic() + delay, next(self._order), handle, callback, args, context)
        heapq.heappush(self._heap, timer)

    def shorten(self, wait: float | None) -> float | None:
        """The loop's ``wait`` (``None``: no limit), cut to end when the
        earliest real timer falls due."""
        if not self._heap:
            return wait
        until_real = max(0.0, self._heap[0][0] - time.monotonic())
        return until_real if wait is None else min(wait, until_real)

    def fire_due(self, loop: asyncio.AbstractEventLoop | None) -> bool:
        """Hand every timer that fell due to ``loop``, to run soon.

        :param loop: the clock's loop, ``None`` once it is gone (the due
            timers are dropped).
        :returns: whether some call was handed to the loop.
        """
        now = time.monotonic()
        fired = False
        while self._heap and self._heap[0][0] <= now:
            _, _, handle, callback, args, context = heapq.heappop(self._heap)
            if loop is not None and not handle.cancelled():
                loop.call_soon(_unless_cancelled, handle, callback, args, context=context)
                fired = True
        return fired


def is_plugin_callback(callback: Callable[..., object]) -> bool:
    """Whether ``callback`` is the plugin's own (a test's timeout), not the user's."""
    function = getattr(callback, "func", callback)  # functools.partial
    module = getattr(function, "__module__", None)
    return isinstance(module, str) and module.startswith("pytest_asyncio.")


def _unless_cancelled(
    handle: asyncio.TimerHandle, callback: Callable[..., object], args: tuple[Any, ...]
) -> None:
    """A real timer's call, skipped if it was cancelled after falling due."""
    if not handle.cancelled():
        callback(*args)
