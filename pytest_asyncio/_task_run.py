"""One ``run_until_complete`` of a task, with a time limit, Ctrl-C and bounded unwinding.

``_runner`` runs the user's coroutines with it, and closing a loop runs
its cleanup with it. A task cancelled here (at its time limit, on Ctrl-C,
when something stopped the loop under it) gets :data:`CANCEL_GRACE`
seconds to finish its ``finally`` blocks; one that swallows the
cancellation and goes on is then left on its loop and reported, so that it
cannot hang the run.
"""

from __future__ import annotations

import asyncio
import types
import weakref
from collections.abc import Callable, Coroutine
from types import FrameType
from typing import Any

from pytest_asyncio import _asyncio_compat, _messages, _tasks
from pytest_asyncio._interrupts import INTERRUPTS

#: Seconds a cancelled task may take to finish (its ``finally`` blocks and
#: ``async with`` exits) before the plugin stops waiting for it.
CANCEL_GRACE = 1.0

#: Tasks the plugin stopped waiting for, and what became of them: cut short
#: by Ctrl-C (worth cancelling and waiting for again when the loop closes),
#: refused to stop when cancelled (not waited for again), already reported.
_AGAIN, _REFUSED, _REPORTED = "again", "refused", "reported"
_ABANDONED: weakref.WeakKeyDictionary[asyncio.Task[Any], str] = weakref.WeakKeyDictionary()


def finish_cancelled(loop: asyncio.AbstractEventLoop, cancelled: list[asyncio.Task[Any]]) -> None:
    """Let cancelled tasks unwind for at most :data:`CANCEL_GRACE` seconds.

    Tasks still pending afterwards are left alone, and not waited for again.
    """
    waiting = [task for task in cancelled if _ABANDONED.get(task, _AGAIN) == _AGAIN]
    if waiting:
        # The plugin's own timer, not asyncio.wait's: it stays real under a virtual clock.
        finish(loop, asyncio.wait(waiting), limit=CANCEL_GRACE)
    for task in cancelled:
        if not task.done() and _ABANDONED.get(task) != _REPORTED:
            _abandon(task, _REFUSED)


def finish(
    loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], limit: float | None = None
) -> None:
    """Run a cleanup coroutine of the plugin's (closing a loop) to its end.

    :param limit: seconds after which it is cancelled, if it has not ended.

    Ctrl-C stops the wait at once; it is raised after the test's teardown
    (see ``_interrupts``), so the loop still gets closed.
    """
    run = TaskRun.run(loop.create_task(coro), limit)
    retrieve(run.task)
    if run.presses or isinstance(run.escaped, KeyboardInterrupt):
        INTERRUPTS.defer()
        if not run.task.done():
            _abandon(run.task, _REPORTED)
    elif run.escaped is not None:
        raise run.escaped


def unreported_refusals(pending: list[asyncio.Task[Any]]) -> list[asyncio.Task[Any]]:
    """The tasks of ``pending`` that refused to stop and were not reported yet."""
    found = [task for task in pending if _ABANDONED.get(task) == _REFUSED and not task.done()]
    for task in found:
        _ABANDONED[task] = _REPORTED
    return found


def already_reported(task: asyncio.Task[Any]) -> bool:
    """Whether a failure already said that ``task`` would not stop (a leak report need not)."""
    return _ABANDONED.get(task) == _REPORTED


def retrieve(task: asyncio.Task[Any]) -> None:
    """Mark the outcome of a task we do not report as seen, so asyncio does not log it."""
    if task.done() and not task.cancelled():
        task.exception()


def _abandon(task: asyncio.Task[Any], state: str) -> None:
    _ABANDONED[task] = state
    _asyncio_compat.quiet_if_destroyed(task)  # said here, not again at garbage collection


class TaskRun:
    """One ``run_until_complete`` of a task: its time limit, Ctrl-C, bounded unwinding.

    Call :meth:`wait`, then read what happened: :attr:`presses` (Ctrl-C),
    :attr:`escaped` (raised by a callback), :attr:`expired` (the time limit),
    :attr:`stopped` (something else stopped the loop), :attr:`error` (the
    task's own exception, as it reached ``run_until_complete``).
    """

    # What a run that went well ends with, as class attributes: a run sets
    # only what went otherwise (a trivial test's run costs fewer stores).
    expired: tuple[str, list[str]] | None = None  # at the timeout: where, other tasks
    escaped: BaseException | None = None  # raised by a callback (Ctrl-C, SystemExit)
    waiting: types.TracebackType | None = None  # where the task waited when it escaped
    error: BaseException | None = None  # the task's own, as it reached us
    stopped = False  # something else stopped the loop
    refused: str | None = None  # where the task was when we stopped waiting
    presses = 0
    _heard = 0
    _ended = False
    _pressed_at: tuple[FrameType, int] | None = None
    _timer: asyncio.TimerHandle | None = None

    def __init__(self, task: asyncio.Task[Any], timeout: float | None = None) -> None:
        self.task = task
        self.loop = loop = task.get_loop()
        if timeout:
            self._timer = loop.call_later(timeout, self._expire)

    @classmethod
    def run(cls, task: asyncio.Task[Any], timeout: float | None = None) -> TaskRun:
        """Run ``task`` until it is done, or until we stop waiting for it.

        :returns: the run, to read what happened.
        """
        run = cls(task, timeout)
        run.wait()
        return run

    def wait(self) -> None:
        """Run the loop until the task is done, or until we stop waiting for it."""
        interrupts = INTERRUPTS
        if interrupts.installed is None:  # not looked at since the last give_back()
            interrupts.take_over()
        interrupts.current = self
        task = self.task
        try:
            try:
                self.loop.run_until_complete(task)
            except BaseException as exc:
                self._caught(exc)
            if not task.done() and self.refused is None and self.presses < 2:
                task.cancel()  # interrupted or stopped: let it unwind, for a while
                self._arm(CANCEL_GRACE, self._give_up)
                self._drive()
        finally:
            self._ended = True
            interrupts.current = None
            if self._timer is not None:
                self._timer.cancel()
            _asyncio_compat.drop_stale_stops(self.loop)

    def _drive(self) -> None:
        try:
            self.loop.run_until_complete(self.task)
        except BaseException as exc:
            self._caught(exc)

    def _caught(self, exc: BaseException) -> None:
        """Sort out what ``run_until_complete`` raised: read from the task by
        the caller, unless it is not the task's own."""
        task = self.task
        if task.done() and (task.cancelled() or task.exception() is exc):
            self.error = exc
        elif self.refused is not None:  # our own stop
            pass
        elif isinstance(exc, RuntimeError):  # "Event loop stopped before Future completed."
            self.stopped = True
        elif self.escaped is None:
            self.escaped = exc
            self.waiting = _tasks.waiting_at(task, exc)

    def _arm(self, delay: float, callback: Callable[[], None]) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_later(delay, callback)

    def _expire(self) -> None:
        if self.task.done():
            return
        task = self.task
        self.expired = _tasks.where(task), _tasks.others(task)
        task.cancel()
        self._arm(CANCEL_GRACE, self._give_up)

    def _give_up(self, pressed_again: bool = False) -> None:
        """The cancelled task did not finish in time: stop the loop and leave it.

        :param pressed_again: Ctrl-C cut the wait short, so the task is
            waited for once more when its loop closes. A task that had its
            whole grace period is not: it refused to stop, and after Ctrl-C
            waiting for it again would only hold up the end of the session.
        """
        if self.task.done():
            return
        self.refused = _tasks.where(self.task)
        _abandon(self.task, _AGAIN if pressed_again else _REPORTED)
        self.loop.stop()

    def refusal(self, where_before: str) -> str:
        """What a report says about a task that did not stop when cancelled."""
        if self.refused is None:
            return ""
        where = "" if self.refused == where_before else self.refused
        return _messages.refused_to_stop(CANCEL_GRACE, where)

    def interrupt(self) -> KeyboardInterrupt:
        """The ``KeyboardInterrupt`` to raise, pointing at where the task was.

        pytest's summary then names the line of the test (or fixture) that
        was running, not a line of asyncio or of the plugin.
        """
        if self._pressed_at is None:
            return KeyboardInterrupt()
        frame, lineno = self._pressed_at
        return KeyboardInterrupt().with_traceback(
            types.TracebackType(None, frame, frame.f_lasti, lineno)
        )

    def press(self) -> None:
        """Ctrl-C, from the signal handler: passed to the loop, which may be busy."""
        self.presses += 1
        if self.presses > 1 and not self._heard:  # stuck in synchronous code: escape
            raise KeyboardInterrupt
        self.loop.call_soon_threadsafe(self._pressed)

    def _pressed(self) -> None:
        self._heard += 1
        if self._ended or self.task.done():
            return
        if self._heard == 1:  # as asyncio.Runner: cancel, let it unwind
            frame = _tasks.suspended_in(self.task)
            self._pressed_at = None if frame is None else (frame, frame.f_lineno)
            self.task.cancel()
            self._arm(CANCEL_GRACE, self._give_up)
        else:  # pressed again: stop waiting
            self._give_up(pressed_again=True)
