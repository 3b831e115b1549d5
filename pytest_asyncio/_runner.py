"""Drive one coroutine to completion on a loop, from synchronous pytest code.

Why this module exists: pytest sets up fixtures and calls tests as plain
function calls, while the user's code is coroutines that need a loop. Both
the async-test marker and the async-fixture adapter cross that border here,
and only here, so timeouts, contextvars, Ctrl-C and cleanup behave the same
for a test body and for a fixture.

It does what ``asyncio.Runner.run`` does: the coroutine becomes a task with
``loop.create_task(coro, context=...)`` and ``loop.run_until_complete(task)``
drives the loop. So ``asyncio.current_task().get_coro()`` is the user's own
coroutine, a task's repr names it, and the stack below it is asyncio's. (On
Python 3.10, which has no ``context=``, a coroutine that must run in a given
context is wrapped, see ``_in_context``.)

What it adds: a cancelled task (at a timeout, on Ctrl-C, when the loop
stopped under it) gets :data:`CANCEL_GRACE` seconds to unwind. One that
swallows the cancellation is then left behind and reported, so it cannot
hang the run. Ctrl-C is handled as described in ``_interrupts``.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import types
import weakref
from collections.abc import Callable, Coroutine
from types import FrameType
from typing import Any, NoReturn, TypeVar

from pytest_asyncio import _asyncio_compat, _messages
from pytest_asyncio._in_context import InContext
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio.diagnostics import tasks

T = TypeVar("T")

#: Seconds a cancelled task may take to finish (its ``finally`` blocks and
#: ``async with`` exits) before the plugin stops waiting for it.
CANCEL_GRACE = 1.0

#: Tasks the plugin stopped waiting for, and what became of them: cut short
#: by Ctrl-C (worth cancelling and waiting for again when the loop closes),
#: refused to stop when cancelled (not waited for again), already reported.
_AGAIN, _REFUSED, _REPORTED = "again", "refused", "reported"
_ABANDONED: weakref.WeakKeyDictionary[asyncio.Task[Any], str] = weakref.WeakKeyDictionary()


class RunFailed(Exception):
    """The plugin could not run a coroutine to its end; the message says why.

    Callers report it with ``pytest.fail(str(exc), pytrace=False)``: the
    traceback would only show the plugin's own frames.
    """


class TestTimeout(RunFailed):
    """Raised when a coroutine run by the plugin exceeds its timeout."""

    __test__ = False  # not a test class, despite the name


class TaskCancelled(Exception):
    """A coroutine ended with ``CancelledError`` though the plugin did not cancel it.

    ``CancelledError`` is a ``BaseException``: raised from a fixture's
    teardown it would skip pytest's remaining teardown (the loop would stay
    open and cached). Re-raised as an ``Exception``, chained to the original.
    """


def run_coroutine(
    loop: asyncio.AbstractEventLoop,
    coro: Coroutine[Any, Any, T],
    *,
    context: contextvars.Context | None = None,
    timeout: float | None = None,
    description: str | Callable[[], str] = "the coroutine",
) -> T:
    """Run ``coro`` as a task on ``loop`` until it finishes; return its result.

    :param context: the context the task runs in; after the call it holds
        every variable the coroutine set (on all supported Pythons).
    :param timeout: seconds after which the task is cancelled and
        :class:`TestTimeout` raised; ``None`` or ``0`` for no limit.
    :param description: how messages name what ran (e.g. the test id), or
        a function that says it, called only when a message needs it.
    :raises KeyboardInterrupt: Ctrl-C was pressed during the run.
    """
    __tracebackhide__ = True  # pytest: show the user's frames, not this bridge
    if loop.is_closed() or loop.is_running():
        _refuse(loop, coro, _text(description))
    if context is None:
        task = loop.create_task(coro)
    elif sys.version_info >= (3, 11):
        task = loop.create_task(coro, context=context)
    else:  # a 3.10 task runs in a copy of the context it is created in
        task = context.run(loop.create_task, InContext(coro, context))  # type: ignore[arg-type, unused-ignore]
    run = _Run(task, description, timeout)
    run.wait()
    if run.presses or run.escaped is not None:
        _retrieve(task)
        raise run.escaped or run.interrupt()
    if run.expired is not None:  # timed out: cancelled, or swallowed it
        where, others = run.expired
        raise TestTimeout(
            _messages.test_timed_out(
                _text(description), timeout or 0, where, others, run.refusal(where)
            )
        )
    if run.stopped:
        raise RunFailed(_messages.loop_stopped(_text(description), run.refusal("")))
    if task.cancelled():
        try:
            task.result()
        except asyncio.CancelledError as exc:
            raise TaskCancelled(_messages.task_cancelled(_text(description))) from exc
    if run.error is not None:  # as raised by the task, without asyncio's frames above it
        raise run.error.with_traceback(_users_part(run.error.__traceback__))
    return task.result()


def finish_cancelled(loop: asyncio.AbstractEventLoop, cancelled: list[asyncio.Task[Any]]) -> None:
    """Let cancelled tasks unwind for at most :data:`CANCEL_GRACE` seconds.

    Tasks still pending afterwards are left alone, and not waited for again.
    """
    waiting = [task for task in cancelled if _ABANDONED.get(task, _AGAIN) == _AGAIN]
    if waiting:
        finish(loop, asyncio.wait(waiting, timeout=CANCEL_GRACE))
    for task in cancelled:
        if not task.done() and _ABANDONED.get(task) != _REPORTED:
            _abandon(task, _REFUSED)


def finish(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]) -> None:
    """Run a cleanup coroutine of the plugin's (closing a loop) to its end.

    Ctrl-C stops the wait at once; it is raised after the test's teardown
    (see ``_interrupts``), so the loop still gets closed.
    """
    run = _Run(loop.create_task(coro), "", None)
    run.wait()
    _retrieve(run.task)
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


def _text(description: str | Callable[[], str]) -> str:
    return description if isinstance(description, str) else description()


def _refuse(
    loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], description: str
) -> NoReturn:
    """Refuse a closed or already running loop before a task exists.

    Closing ``coro`` here keeps it from warning "never awaited" later, at a
    garbage collection far from the cause.
    """
    coro.close()
    if loop.is_closed():
        raise RunFailed(_messages.loop_closed_early(description))
    raise RunFailed(_messages.loop_already_running(description))


def _users_part(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` from the task's coroutine on: without this module's and asyncio's frames.

    (Read from the exception ``run_until_complete`` raised: asyncio forgets
    a task's traceback once it has raised its exception.)
    """
    while tb is not None and tb.tb_next is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename != __file__ and not filename.startswith(tasks.ASYNCIO_DIR):
            break
        tb = tb.tb_next
    return tb


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark the outcome of a task we do not report as seen, so asyncio does not log it."""
    if task.done() and not task.cancelled():
        task.exception()


def _abandon(task: asyncio.Task[Any], state: str) -> None:
    _ABANDONED[task] = state
    _asyncio_compat.quiet_if_destroyed(task)  # said here, not again at garbage collection


class _Run:
    """One ``run_until_complete`` of a task: its time limit, Ctrl-C, bounded unwinding."""

    def __init__(
        self, task: asyncio.Task[Any], description: str | Callable[[], str], timeout: float | None
    ) -> None:
        self.task = task
        self.loop = task.get_loop()
        self.description = description
        self.expired: tuple[str, list[str]] | None = None  # at the timeout: where, other tasks
        self.escaped: BaseException | None = None  # raised by a callback (Ctrl-C, SystemExit)
        self.error: BaseException | None = None  # the task's own, as it reached us
        self.stopped = False  # something else stopped the loop
        self.refused: str | None = None  # where the task was when we stopped waiting
        self.presses = 0
        self._heard = 0
        self._ended = False
        self._pressed_at: tuple[FrameType, int] | None = None
        self._timer = self.loop.call_later(timeout, self._expire) if timeout else None

    def wait(self) -> None:
        """Run the loop until the task is done, or until we stop waiting for it."""
        INTERRUPTS.take_over()
        INTERRUPTS.current = self
        try:
            self._drive()
            if not self.task.done() and self.refused is None and self.presses < 2:
                self.task.cancel()  # interrupted or stopped: let it unwind, for a while
                self._arm(CANCEL_GRACE, self._give_up)
                self._drive()
        finally:
            self._ended = True
            INTERRUPTS.current = None
            if self._timer is not None:
                self._timer.cancel()
            _asyncio_compat.drop_stale_stops(self.loop)

    def _drive(self) -> None:
        task = self.task
        try:
            self.loop.run_until_complete(task)
        except BaseException as exc:  # read from the task by the caller, unless it is not its own
            if task.done() and (task.cancelled() or task.exception() is exc):
                self.error = exc
                return
            if self.refused is not None:  # our own stop
                return
            if isinstance(exc, RuntimeError):  # "Event loop stopped before Future completed."
                self.stopped = True
            elif self.escaped is None:
                self.escaped = exc

    def _arm(self, delay: float, callback: Callable[[], None]) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_later(delay, callback)

    def _expire(self) -> None:
        if self.task.done():
            return
        task = self.task
        self.expired = tasks.where(task), tasks.others(task)
        task.cancel()
        self._arm(CANCEL_GRACE, self._give_up)

    def _give_up(self) -> None:
        """The cancelled task did not finish in time: stop the loop and leave it."""
        if self.task.done():
            return
        self.refused = tasks.where(self.task)
        _abandon(self.task, _AGAIN if self.presses else _REPORTED)
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
            frame = tasks.suspended_in(self.task)
            self._pressed_at = None if frame is None else (frame, frame.f_lineno)
            self.task.cancel()
            self._arm(CANCEL_GRACE, self._give_up)
        else:  # pressed again: stop waiting
            self._give_up()
