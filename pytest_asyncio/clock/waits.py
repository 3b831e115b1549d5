"""How a loop whose time is virtual waits, and how far its time moves meanwhile.

Why: the loop asks its selector to wait until its next timer. On virtual
time that wait becomes a jump, unless something outside the loop could
still wake it first, or the loop never idles at all:

* idle, waiting only for timers: no real wait, time jumps to the next timer;
* idle, with executor work in flight or a thread started for the test
  still running: wait in real time, and let virtual time pass as much, so
  that work never sees virtual time jump past its completion;
* idle, with a socket or pipe registered: look for I/O for up to the
  clock's ``threshold`` real seconds, then jump;
* idle with no timer at all: wait for I/O, a thread or the plugin's real
  timers (a test's time limit); once ``threshold`` real seconds pass with
  nothing, if nothing could ever wake the loop (``wakers``), tell the run in
  progress: the test can never wake;
* busy, callbacks ready at every turn: time stands still for the clock's
  ``busy_limit`` real seconds, then runs at real speed until the loop
  idles again, so tasks that spin cannot starve a task that sleeps.
"""

from __future__ import annotations

import asyncio
import selectors
import threading
import time
import weakref
from typing import Any

from pytest_asyncio import _asyncio_compat
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio.clock import threads, wakers
from pytest_asyncio.clock.real_timers import RealTimers


class Waits:
    """The waits of one loop, on the clock's real timers and its selector."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        selector: selectors.BaseSelector,
        real_timers: RealTimers,
    ) -> None:
        self._loop = weakref.ref(loop)
        self._selector = selector
        self._select = selector.select
        self._real_timers = real_timers
        #: Executor jobs in flight (sent with ``loop.run_in_executor``).
        self.jobs = 0
        # While the loop is busy: the real instant from which its work counts
        # as virtual time (``busy_limit`` after it last idled); ``None`` idle.
        self._busy_from: float | None = None
        # Whether this stretch of waiting with no timer was checked for wakers.
        self._asked = False

    def on_virtual_time(
        self,
        timeout: float | None,
        threshold: float,
        busy_limit: float,
        known_threads: frozenset[threading.Thread],
    ) -> tuple[list[Any], float]:
        """Wait as the loop asked, jumping instead of sleeping for a timer.

        :param timeout: the virtual seconds to the loop's next timer
            (``None``: no timer; ``0``: callbacks are ready); moving time by
            it lands exactly on that timer's time.
        :param known_threads: the threads that ran when the test began.
        :returns: the I/O events, and the virtual seconds that passed.
        """
        if timeout == 0:
            self._asked = False
            return self.on_real_time(0.0), self._pace_while_busy(busy_limit)
        self.idled()
        if self.jobs > 0 or threads.any_started_since(known_threads):
            self._asked = False
            return self._wait_at_real_speed(timeout)
        if timeout is None:
            return self._wait_without_timer(threshold), 0.0
        self._asked = False
        may_wake = _asyncio_compat.waits_on_io(self._selector)
        events, fired = self._wait(min(timeout, threshold) if may_wake else 0.0)
        return events, 0.0 if events or fired else timeout

    def on_real_time(self, timeout: float | None) -> list[Any]:
        """Wait for up to ``timeout`` real seconds, as the loop asked."""
        return self._wait(timeout)[0]

    def _wait_without_timer(self, threshold: float) -> list[Any]:
        """Nothing ready, no timer: wait for I/O, a thread, or the real timers.

        Once in each such stretch, after ``threshold`` real seconds with no
        event, ask whether anything could still wake the loop; if nothing
        could, tell the run in progress (the test that can never wake).
        """
        if self._asked:
            events = self.on_real_time(None)
            self._asked = not events  # woken: a stretch of its own follows
            return events
        events, fired = self._wait(threshold)
        if events or fired:
            return events
        self._asked = True
        loop = self._loop()
        run = INTERRUPTS.current
        if loop is not None and run is not None and wakers.what_may_wake(loop) is None:
            run.cannot_wake(loop)
        return []

    def idled(self) -> None:
        """Forget the busy stretch: the loop idled, or time was real meanwhile."""
        self._busy_from = None

    def count_job(self, future: asyncio.Future[Any]) -> None:
        """Count an executor job as in flight until ``future`` is done."""
        self.jobs += 1
        future.add_done_callback(self._job_done)

    def _pace_while_busy(self, busy_limit: float) -> float:
        """The virtual seconds that pass on a busy turn: none until the loop
        has been busy for ``busy_limit`` real seconds, then the real time
        since the last turn."""
        now = time.monotonic()
        if self._busy_from is None:
            self._busy_from = now + busy_limit
            return 0.0
        passed = max(0.0, now - self._busy_from)
        self._busy_from = max(now, self._busy_from)
        return passed

    def _wait_at_real_speed(self, timeout: float | None) -> tuple[list[Any], float]:
        """Wait as on the real clock: the virtual seconds that pass are the
        real seconds waited, up to the next timer's time."""
        began = time.monotonic()
        events = self.on_real_time(timeout)
        waited = time.monotonic() - began
        return events, waited if timeout is None else min(waited, timeout)

    def _wait(self, wait: float | None) -> tuple[list[Any], bool]:
        """Select for up to ``wait`` real seconds, cut short by the real timers.

        :returns: the I/O events, and whether a real timer fell due.
        """
        events: list[Any] = self._select(self._real_timers.shorten(wait))
        fired = bool(self._real_timers) and self._real_timers.fire_due(self._loop())
        return events, fired

    def _job_done(self, _future: asyncio.Future[Any]) -> None:
        self.jobs -= 1
