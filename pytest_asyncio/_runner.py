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

What it adds (see ``_task_run``): a cancelled task (at a timeout, on Ctrl-C,
when the loop stopped under it) gets ``CANCEL_GRACE`` seconds to unwind; one
that swallows the cancellation is then left behind and reported, so it
cannot hang the run. Ctrl-C is handled as described in ``_interrupts``.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import types
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeVar

from pytest_asyncio import _messages, _task_run, _tasks
from pytest_asyncio._in_context import InContext
from pytest_asyncio._task_run import TaskRun, retrieve
from pytest_asyncio._watchdog import WATCHDOG

T = TypeVar("T")

_BRIDGE_FILES = frozenset({__file__, _task_run.__file__})


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
    if run.presses or run.escaped is not None:
        retrieve(task)
        if run.escaped is not None:  # e.g. pytest-timeout's failure, raised in a signal handler
            frames = run.waiting or _users_part(run.escaped.__traceback__)
            raise run.escaped.with_traceback(frames)
        raise run.interrupt()
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
        raise _cancelled(run.error, _text(description)) from None
    if run.error is not None:  # as raised by the task, without asyncio's frames above it
        raise run.error.with_traceback(_users_part(run.error.__traceback__))
    return task.result()


def _new_task(
    loop: asyncio.AbstractEventLoop,
    coro: Coroutine[Any, Any, T],
    context: contextvars.Context | None,
) -> asyncio.Task[T]:
    if context is None:
        return loop.create_task(coro)
    if sys.version_info >= (3, 11):
        return loop.create_task(coro, context=context)
    # a 3.10 task runs in a copy of the context it is created in
    return context.run(loop.create_task, InContext(coro, context))


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
        if filename not in _BRIDGE_FILES and not filename.startswith(_tasks.ASYNCIO_DIR):
            break
        tb = tb.tb_next
    return tb
