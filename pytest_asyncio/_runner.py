"""Run a task on a loop, and close a loop, as ``asyncio.Runner`` does: the bridge.

Why this module exists: pytest sets up fixtures and calls tests as plain
function calls, while the user's code is coroutines that need a loop. Both
the async-test marker and the async-fixture driver cross that border here,
and only here, so timeouts, contextvars, Ctrl-C and cleanup behave the same
for a test body and for a fixture; and a loop is closed here, whoever made
it, so that what a test left on it is finished the same way.

It does what ``asyncio.Runner.run`` does: the coroutine becomes a task with
``loop.create_task(coro, context=...)`` and ``loop.run_until_complete(task)``
drives the loop. So ``asyncio.current_task().get_coro()`` is the user's own
coroutine, a task's repr names it, and the stack below it is asyncio's. (On
Python 3.10, which has no ``context=``, a coroutine that must run in a given
context is wrapped, see ``_in_context``.)

What it adds (see :class:`TaskRun`): a cancelled task (at a timeout, on
Ctrl-C, when the loop stopped under it) gets :data:`CANCEL_GRACE` seconds to
unwind; one that swallows the cancellation is then left behind and
reported, so it cannot hang the run. Ctrl-C is handled as described in
``_interrupts``. Closing a loop (:func:`close_loop`) cancels what is left,
shuts down async generators and the default executor, each wait bounded
the same way.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import types
import weakref
from collections.abc import Callable, Coroutine
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pytest_asyncio import _asyncio_compat, _messages, _tasks
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._settings import Severity
from pytest_asyncio._watchdog import WATCHDOG
from pytest_asyncio.errors import NeverWakesError

if TYPE_CHECKING:
    from pytest_asyncio._awaits import Chain

T = TypeVar("T")


def _chain(task: asyncio.Task[Any]) -> Chain:
    """What ``task`` awaits, for a report. The await walker is imported here,
    on first use: a session whose tests pass never needs it."""
    from pytest_asyncio._awaits import Chain

    return Chain(task)


def _wake_verdict(loop: asyncio.AbstractEventLoop) -> str:
    """What could still wake ``loop``, as a report says it. Imported here, on
    first use: only the reports of stuck and timed-out runs need it."""
    from pytest_asyncio.clock.wakers import what_may_wake

    return _messages.wake_verdict(what_may_wake(loop))


#: Seconds a cancelled task may take to finish (its ``finally`` blocks and
#: ``async with`` exits) before the plugin stops waiting for it.
CANCEL_GRACE = 1.0

#: Tasks the plugin stopped waiting for, and what became of them: cut short
#: by Ctrl-C (worth cancelling and waiting for again when the loop closes),
#: refused to stop when cancelled (not waited for again), already reported.
_AGAIN, _REFUSED, _REPORTED = "again", "refused", "reported"
_ABANDONED: weakref.WeakKeyDictionary[asyncio.Task[Any], str] = weakref.WeakKeyDictionary()


#: What the runs reported stuck (at their time limit, by pytest-timeout) since
#: the diagnostics last looked: they then name the fixtures of other loops.
STUCK_RUNS: list[str] = []


class NeverWoke:
    """A run whose loop found that nothing could ever wake it (the virtual clock)."""

    __slots__ = ("description", "location", "where")

    def __init__(self, description: str, where: str, location: tuple[str, int]) -> None:
        self.description = description  # the test id, or the fixture step's
        self.where = where  # the await chain
        self.location = location  # the user's innermost line on it


class CannotWake:
    """What a run does when nothing could ever wake its loop, by the diagnostics' severity.

    ``error``: the run ends at once and fails; ``off``: nothing; otherwise
    the run goes on waiting, as it would without the check, and the finding
    is kept in ``found`` for the diagnostics to report.
    """

    def __init__(self) -> None:
        #: The severity in force for the running test (the diagnostics set it).
        self.severity: Callable[[], Severity] = _report
        self.found: list[NeverWoke] = []


def _report() -> Severity:
    return "report"


CANNOT_WAKE = CannotWake()


class RunFailed(Exception):
    """The plugin could not run a coroutine to its end; the message says why.

    Callers report it with ``_compat.fail_plainly(str(exc))``: the
    traceback would only show the plugin's own frames.
    """


class TestTimeout(RunFailed):
    """Raised when a coroutine run by the plugin exceeds its timeout."""

    __test__ = False  # not a test class, despite the name


class TaskCancelled(Exception):
    """A coroutine ended with ``CancelledError`` though the plugin did not cancel it.

    ``CancelledError`` is a ``BaseException``: raised from a fixture's
    teardown it would skip pytest's remaining teardown (the loop would stay
    open and cached). Raised instead, with the original's traceback (the
    user's frames down to the cancelled await), as ``asyncio.run`` shows it.
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
    task = _new_task(loop, coro, context)
    run = (
        TaskRun.run(task, timeout)
        if WATCHDOG.threshold is None
        else WATCHDOG.watching(TaskRun.run, task, timeout, description)
    )
    if run.never_wakes is not None:
        _never_wakes(run, _text(description))
    if run.presses or run.escaped is not None:
        _interrupted(run, description)
    if run.stopped_stuck:
        raise _never_woke_error(run, _text(description))
    if run.expired is not None:  # timed out: cancelled, or swallowed it
        where, others, verdict = run.expired
        STUCK_RUNS.append(_text(description))
        raise TestTimeout(
            _messages.test_timed_out(
                _text(description), timeout or 0, where, others, run.refusal(where), verdict
            )
        )
    if run.stopped:
        raise RunFailed(_messages.loop_stopped(_text(description), run.refusal("")))
    if task.cancelled():
        raise _cancelled(run.error, _text(description)) from None
    if run.error is not None:  # as raised by the task, without asyncio's frames above it
        raise run.error.with_traceback(_users_part(run.error.__traceback__))
    return task.result()


def _never_wakes(run: TaskRun, description: str) -> None:
    """Nothing could ever wake the run's loop: keep the finding for the
    diagnostics, unless the run was stopped for it (``error``), which fails."""
    if run.never_wakes is not None and not run.stopped_stuck:
        CANNOT_WAKE.found.append(NeverWoke(description, run.never_wakes.text(), run.woke_at))


def _never_woke_error(run: TaskRun, description: str) -> NeverWakesError:
    """The failure of a run stopped because nothing could wake it (``error``),
    with the user's frames where it waited as its traceback."""
    where = run.never_wakes.text() if run.never_wakes is not None else ""
    text = _messages.never_wakes(description, where, run.refusal(where))
    return NeverWakesError(text).with_traceback(run.waiting)


def _interrupted(run: TaskRun, description: str | Callable[[], str]) -> NoReturn:
    """Raise what interrupted ``run``: Ctrl-C, or what a signal handler raised.

    What the task was waiting on goes with it: for Ctrl-C to the session's
    summary (pytest shows only one line of a ``KeyboardInterrupt``), for
    pytest-timeout's failure as a note below its message, under the
    traceback of the test's own ``await`` lines.
    """
    __tracebackhide__ = True
    retrieve(run.task)
    escaped, chain = run.escaped, run.chain
    if chain is not None and chain.lines:
        if run.presses or isinstance(escaped, KeyboardInterrupt):
            INTERRUPTS.stuck = (_text(description), chain.text())
        elif escaped is not None and chain.waits:
            verdict = _wake_verdict(run.loop)
            _add_note(escaped, _messages.waits_on(chain.waits, verdict))
            STUCK_RUNS.append(_text(description))
    if escaped is not None:  # e.g. pytest-timeout's failure, raised in a signal handler
        frames = run.waiting or _users_part(escaped.__traceback__)
        raise escaped.with_traceback(frames)
    raise run.interrupt()


def _new_task(
    loop: asyncio.AbstractEventLoop,
    coro: Coroutine[Any, Any, T],
    context: contextvars.Context | None,
) -> asyncio.Task[T]:
    if context is None:
        return _tasks.plugins_task(loop, coro)
    if sys.version_info >= (3, 11):
        return _tasks.plugins_task(loop, coro, context=context)
    # A 3.10 task runs in a copy of the context it is created in. Imported
    # here: later Pythons never need it, and making the class costs an import.
    from pytest_asyncio._in_context import InContext

    return context.run(_tasks.plugins_task, loop, InContext(coro, context))


def _cancelled(error: BaseException | None, description: str) -> TaskCancelled:
    """The failure for a task that ended cancelled, with the user's frames.

    The ``CancelledError`` that ``run_until_complete`` raised carries them
    (asyncio hands the original out once; 3.10 a fresh one, with the
    original as its context); ``task.result()`` now would not.
    """
    if sys.version_info < (3, 11) and error is not None:
        error = error.__context__ or error
    frames = error.__traceback__ if error is not None else None
    return TaskCancelled(_messages.task_cancelled(description)).with_traceback(_users_part(frames))


def _add_note(error: BaseException, note: str) -> None:
    """Add ``note`` to ``error``'s notes, which pytest shows below its message."""
    if sys.version_info >= (3, 11):
        error.add_note(note)
    else:  # no add_note(); pytest shows __notes__ all the same
        error.__dict__["__notes__"] = [*error.__dict__.get("__notes__", ()), note]


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

    For an exception that escaped the loop (raised by a callback or a signal
    handler while the loop waited), the frames from the first one outside
    the plugin and asyncio: the user's callback, or where the loop waited.

    (Read from the exception ``run_until_complete`` raised: asyncio forgets
    a task's traceback once it has raised its exception.)
    """
    while tb is not None and tb.tb_next is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename != __file__ and not filename.startswith(_tasks.ASYNCIO_DIR):
            break
        tb = tb.tb_next
    return tb


class TaskRun:
    """One ``run_until_complete`` of a task: its time limit, Ctrl-C, bounded unwinding.

    Call :meth:`wait`, then read what happened: :attr:`presses` (Ctrl-C),
    :attr:`escaped` (raised by a callback), :attr:`expired` (the time limit),
    :attr:`stopped` (something else stopped the loop), :attr:`error` (the
    task's own exception, as it reached ``run_until_complete``).
    """

    # What a run that went well ends with, as class attributes: a run sets
    # only what went otherwise (a trivial test's run costs fewer stores).
    #: at the timeout: where, other tasks, whether anything could have woken it
    expired: tuple[str, list[str], str] | None = None
    escaped: BaseException | None = None  # raised by a callback (Ctrl-C, SystemExit)
    waiting: types.TracebackType | None = None  # where the task waited when it escaped
    error: BaseException | None = None  # the task's own, as it reached us
    stopped = False  # something else stopped the loop
    refused: str | None = None  # where the task was when we stopped waiting
    chain: Chain | None = None  # what the task awaited when Ctrl-C or a signal came
    never_wakes: Chain | None = None  # what it awaited when nothing could wake its loop
    stopped_stuck = False  # ended for that (error mode)
    woke_at: tuple[str, int] = (__file__, 1)  # the user's line it waited at, then
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
            if not task.done() and self.chain is None:
                self.chain = _chain(task)

    def _arm(self, delay: float, callback: Callable[[], None]) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_later(delay, callback)

    def _expire(self) -> None:
        if self.task.done():
            return
        task = self.task
        chain = _chain(task)
        verdict = _wake_verdict(self.loop)
        self.expired = chain.text(), _tasks.others(task, chain.tasks), verdict
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
        self.refused = _chain(self.task).text()
        _abandon(self.task, _AGAIN if pressed_again else _REPORTED)
        self.loop.stop()

    def cannot_wake(self, loop: asyncio.AbstractEventLoop) -> None:
        """Nothing could ever wake ``loop`` (the virtual clock found it idle).

        Noted once; with :data:`CANNOT_WAKE` ``.stop`` (``error``) the task
        is cancelled at once, as at a timeout.
        """
        task = self.task
        if loop is not self.loop or task.done() or self.never_wakes is not None:
            return
        severity = CANNOT_WAKE.severity()
        if severity == "off" or self.expired is not None:
            return
        self.never_wakes = _chain(task)
        frame = _tasks.suspended_in(task)
        if frame is not None:
            self.woke_at = (frame.f_code.co_filename, frame.f_lineno)
        if severity == "error":
            self.stopped_stuck = True
            self.waiting = _tasks.waiting_at(task, None)
            task.cancel()
            self._arm(CANCEL_GRACE, self._give_up)

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
            self.chain = _chain(self.task)
            self.task.cancel()
            self._arm(CANCEL_GRACE, self._give_up)
        else:  # pressed again: stop waiting
            self._give_up(pressed_again=True)


# Waiting for cancelled tasks, and the tasks the plugin stopped waiting for.


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
    run = CleanupRun.run(_tasks.plugins_task(loop, coro), limit)
    retrieve(run.task)
    if run.presses or isinstance(run.escaped, KeyboardInterrupt):
        INTERRUPTS.defer()
        if not run.task.done():
            _abandon(run.task, _REPORTED)
    elif run.escaped is not None:
        raise run.escaped


class CleanupRun(TaskRun):
    """A run of the plugin's own cleanup (closing a loop): never reported stuck,
    it has its own time limit."""

    def cannot_wake(self, loop: asyncio.AbstractEventLoop) -> None:
        pass


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


# Closing a loop.


def close_loop(loop: asyncio.AbstractEventLoop, owner: str = "the event loop") -> None:
    """Finish everything still running on ``loop`` and close it.

    Safe to call on a loop that is already closed. Each wait is bounded
    (see :data:`~pytest_asyncio.CANCEL_GRACE`): the loop is closed
    even if a task will not stop or an async generator will not close.

    :param owner: how an error names the loop, e.g. ``"the event loop 'event_loop'"``.
    :raises RunFailed: after closing, if tasks would not stop when cancelled
        (not after Ctrl-C, when the session is ending anyway).
    """
    if loop.is_closed():
        return
    if loop.is_running():  # closed from inside itself; nothing we can drive
        return
    refused: list[str] = []
    try:  # close the loop even if a task or generator misbehaves on the way
        stubborn = unreported_refusals(cancel_pending_tasks(loop))
        refused = [_tasks.describe(task) for task in stubborn]
        if _asyncio_compat.has_shutdown_work(loop):
            finish(loop, loop.shutdown_asyncgens())
            finish(loop, loop.shutdown_default_executor())
    finally:
        loop.close()
    if refused and not INTERRUPTS.session_interrupted:
        raise RunFailed(_messages.tasks_refused_to_stop(owner, CANCEL_GRACE, refused))


def cancel_pending_tasks(loop: asyncio.AbstractEventLoop) -> list[asyncio.Task[object]]:
    """Cancel every unfinished task on ``loop`` and let them unwind, for a while.

    :returns: the tasks that were cancelled; those still pending refused to
        stop within :data:`~pytest_asyncio.CANCEL_GRACE` seconds.
    """
    if _asyncio_compat.no_task_alive():  # the common case: no task of any loop is left
        return []
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not pending:
        return []
    for task in pending:
        task.cancel()
    finish_cancelled(loop, pending)
    for task in pending:
        if task.done() and not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception in a task cancelled at loop close",
                    "exception": task.exception(),
                    "task": task,
                }
            )
    return pending
