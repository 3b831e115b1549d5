"""A virtual clock for one asyncio loop: waiting for timers takes no real time.

Why: most of the time an asyncio test suite spends is spent waiting, for
retry back-offs, keep-alive intervals, ``wait_for`` timeouts and scheduled
jobs. With the clock on a loop, ``loop.time()`` is virtual: it stands still
while callbacks run, and when the loop has nothing to do but wait for its
next timer, it jumps to that timer at once. Timers fire in the same order as
in real time, and real I/O keeps working: the loop first looks for I/O for
up to :attr:`VirtualClock.threshold` real seconds before it jumps.

When the loop waits in real time instead (busy, or waiting for threads)
is decided in ``waits.py``.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_asyncio import _asyncio_compat, _messages
from pytest_asyncio.clock import threads
from pytest_asyncio.clock.live import CLOCKS
from pytest_asyncio.clock.real_timers import RealTimers, is_plugin_callback
from pytest_asyncio.clock.waits import Waits

if TYPE_CHECKING:  # typing.Self is new in Python 3.11
    from typing_extensions import Self

T = TypeVar("T")

#: ``advance()`` lets due callbacks run for at most this many loop iterations.
_SETTLE_ROUNDS = 1000


class ClockUnsupported(RuntimeError):
    """The loop cannot carry a virtual clock (it is not an asyncio selector loop)."""


class VirtualClock:
    """The virtual time of one event loop, and the means to move it.

    Made by :meth:`install`; the ``virtual_clock`` fixture hands a test the
    clock of its loop. Subclass it and name the subclass in
    :attr:`pytest_asyncio.LoopFixture.clock_class` to change, for example,
    the default :attr:`threshold`.
    """

    #: Real seconds the loop looks for I/O before jumping to its next timer,
    #: when a socket or a pipe could still wake it. A loop that waits only
    #: for timers jumps at once; one that waits for executor work or for a
    #: thread started during the test waits in real time.
    threshold: float = 0.01

    #: Real seconds the loop may stay busy (callbacks ready at every turn,
    #: never idle) with virtual time standing still. Past that, virtual time
    #: runs at real speed until the loop idles again: tasks that spin, such
    #: as readers re-taking a lock in a tight loop, cannot starve a task
    #: that sleeps.
    busy_limit: float = 0.05

    def __init__(self, loop: asyncio.AbstractEventLoop, threshold: float | None = None) -> None:
        """Prepare a clock for ``loop``; :meth:`install` puts it on the loop.

        :param threshold: overrides the class's :attr:`threshold`.
        :raises ClockUnsupported: if ``loop`` is not an asyncio selector loop.
        """
        selector = _asyncio_compat.selector_of(loop)
        if selector is None:
            raise ClockUnsupported(_messages.clock_unsupported(type(loop)))
        if threshold is not None:
            self.threshold = threshold
        self._loop = weakref.ref(loop)
        self._selector = selector
        self._now = loop.time()
        self._offset = 0.0  # real-speed mode: loop time minus time.monotonic()
        self._virtual = True
        self._real_timers = RealTimers()
        self._waits = Waits(loop, selector, self._real_timers)
        #: The threads that ran as the test began (set by the plugin). While
        #: another one runs (not an executor's helper), the loop waits in
        #: real time: it may wake the loop at any moment.
        self.known_threads = threads.running()
        # The class's methods, not bound ones: the loop holds the clock, and
        # a clock holding the loop back would keep both alive until a gc run.
        self._loop_class = type(loop)

    @classmethod
    def install(cls, loop: asyncio.AbstractEventLoop, threshold: float | None = None) -> Self:
        """Put a clock of this class on ``loop``, starting at ``loop.time()``.

        Timers already scheduled keep their times. Virtual time starts where
        the loop's time stood, so it carries on monotonically.

        :param threshold: overrides the class's :attr:`threshold`.
        :returns: the new clock, running in virtual mode.
        :raises ClockUnsupported: if ``loop`` cannot carry the clock (uvloop,
            a proactor loop), or already carries one.
        """
        if loop in CLOCKS:
            raise ClockUnsupported(_messages.clock_installed_twice(type(loop)))
        clock = cls(loop, threshold)
        try:
            _asyncio_compat.shadow(
                loop,
                {
                    "time": clock.time,
                    "call_later": clock._call_later_on_loop,
                    "run_in_executor": clock._run_in_executor_on_loop,
                },
            )
            _asyncio_compat.shadow(clock._selector, {"select": clock._select_on_loop})
        except AttributeError:
            raise ClockUnsupported(_messages.clock_unsupported(type(loop))) from None
        CLOCKS[loop] = clock
        return clock

    @staticmethod
    def of(loop: asyncio.AbstractEventLoop) -> VirtualClock | None:
        """The clock installed on ``loop``, or ``None``."""
        clock: VirtualClock | None = CLOCKS.get(loop)
        return clock

    # -- reading and driving ------------------------------------------------

    def time(self) -> float:
        """The loop's time, in (virtual) seconds; what ``loop.time()`` returns.

        :returns: a monotonic float, on the same scale as before the clock
            was installed.
        """
        if self._virtual:
            return self._now
        return time.monotonic() + self._offset

    @property
    def virtual(self) -> bool:
        """Whether time is virtual: it stands still while the loop works and
        jumps to the next timer when the loop idles. ``False``: time runs at
        real speed, on from where it stood.
        """
        return self._virtual

    @virtual.setter
    def virtual(self, on: bool) -> None:
        if on and not self._virtual:
            self._now = time.monotonic() + self._offset
            self._waits.idled()
        elif not on and self._virtual:
            self._offset = self._now - time.monotonic()
        self._virtual = on

    async def advance(self, seconds: float) -> None:
        """Move virtual time forward by ``seconds``, running every timer that
        falls due on the way at its own time, in order, then every callback
        that became due.

        Call it from a coroutine running on the clock's loop.

        :param seconds: how far to move, ``0`` to only run what is due now.
        :raises ValueError: for a negative ``seconds``.
        :raises RuntimeError: off the clock's loop, or when time is not virtual.
        """
        if seconds < 0:
            raise ValueError(_messages.clock_negative_advance(seconds))
        loop = asyncio.get_running_loop()
        if CLOCKS.get(loop) is not self or not self._virtual:
            raise RuntimeError(_messages.clock_not_driving())
        if seconds:
            await asyncio.sleep(seconds)  # the loop jumps timer by timer
        for _ in range(_SETTLE_ROUNDS):
            if not _asyncio_compat.has_due_work(loop, self._now):
                return
            await asyncio.sleep(0)

    def call_later_real(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        """Schedule ``callback`` after ``delay`` *real* seconds, whatever virtual
        time does: for timeouts that guard a test, which must stay real.

        The plugin's own timers (callbacks defined in ``pytest_asyncio``)
        scheduled with ``loop.call_later`` go here by themselves.

        :returns: a handle whose ``cancel()`` cancels the call.
        """
        loop = self._owner()
        handle = asyncio.TimerHandle(self.time() + delay, callback, args, loop, context)
        self._real_timers.add(handle, delay, callback, args, context)
        return handle

    # -- what the loop calls in place of its own methods ---------------------

    def _select_on_loop(self, timeout: float | None) -> list[Any]:
        """Wait as the loop asked; on virtual time, jump instead of sleeping."""
        if not self._virtual:
            return self._waits.on_real_time(timeout)
        events, passed = self._waits.on_virtual_time(
            timeout, self.threshold, self.busy_limit, self.known_threads
        )
        self._now += passed
        return events

    def _call_later_on_loop(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        if is_plugin_callback(callback):
            return self.call_later_real(delay, callback, *args, context=context)
        loop = self._owner()
        return self._loop_class.call_later(loop, delay, callback, *args, context=context)

    def _run_in_executor_on_loop(
        self, executor: Executor | None, func: Callable[..., T], *args: Any
    ) -> asyncio.Future[T]:
        future = self._loop_class.run_in_executor(self._owner(), executor, func, *args)
        self._waits.count_job(future)
        return future

    def _owner(self) -> asyncio.AbstractEventLoop:
        loop = self._loop()
        assert loop is not None, "the clock's loop is gone"
        return loop


def live_clocks() -> list[VirtualClock]:
    """The clocks of loops not yet closed; forgets the others."""
    live: list[VirtualClock] = []
    for loop, clock in list(CLOCKS.items()):
        if loop.is_closed():
            del CLOCKS[loop]
        else:
            live.append(clock)
    return live
