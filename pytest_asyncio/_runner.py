"""Drive one coroutine to completion on a loop, from synchronous pytest code.

Why this module exists: pytest sets up fixtures and calls tests as plain
function calls, while the user's code is coroutines that need a loop. Both
the async-test marker and the async-fixture adapter cross that border here,
and only here, so timeouts, contextvars, Ctrl-C and cleanup behave the same
for a test body and for a fixture.

The coroutine always runs as a task (not via ``run_until_complete(coro)``
directly) so that ``asyncio.current_task()`` works in user code and the task
can be cancelled on timeout or interrupt. It runs in a given
``contextvars.Context`` so that variables set by a fixture can be handed on
to the test.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from pytest_asyncio import _messages
from pytest_asyncio._in_context import run_in_context
from pytest_asyncio.diagnostics import tasks

T = TypeVar("T")


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
    description: str = "the coroutine",
) -> T:
    """Run ``coro`` as a task on ``loop`` until it finishes; return its result.

    :param context: the context the task runs in; after the call it holds
        every variable the coroutine set (on all supported Pythons).
    :param timeout: seconds after which the task is cancelled and
        :class:`TestTimeout` raised; ``None`` or ``0`` for no limit.
    :param description: how messages name what ran (e.g. the test id).
    """
    __tracebackhide__ = True  # pytest: show the user's frames, not this bridge
    _check_usable(loop, coro, description)
    task = _start_task(loop, coro, context)
    expiry = _Expiry(task, description, timeout) if timeout else None
    try:
        loop.run_until_complete(task)
    except BaseException as exc:
        # run_until_complete raises RuntimeError, leaving the task pending,
        # when something called loop.stop() before the task finished.
        stopped = isinstance(exc, RuntimeError) and not task.done()
        if not task.done():
            _cancel_and_wait(loop, task)
        if expiry is not None and expiry.report is not None:
            raise TestTimeout(expiry.report) from None
        if stopped:
            raise RunFailed(_messages.loop_stopped(description)) from None
        if isinstance(exc, asyncio.CancelledError) and task.cancelled():
            raise TaskCancelled(_messages.task_cancelled(description)) from exc
        raise
    finally:
        if expiry is not None:
            expiry.disarm()
    if expiry is not None and expiry.report is not None:  # it swallowed the cancellation
        raise TestTimeout(expiry.report)
    return task.result()


def _check_usable(
    loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], description: str
) -> None:
    """Refuse a closed or already running loop before a task exists.

    Closing ``coro`` here keeps it from warning "never awaited" later, at a
    garbage collection far from the cause.
    """
    if loop.is_closed():
        coro.close()
        raise RunFailed(_messages.loop_closed_early(description))
    if loop.is_running():
        coro.close()
        raise RunFailed(_messages.loop_already_running(description))


def _start_task(
    loop: asyncio.AbstractEventLoop,
    coro: Coroutine[Any, Any, T],
    context: contextvars.Context | None,
) -> asyncio.Task[T]:
    if context is None:
        return loop.create_task(coro)
    if sys.version_info >= (3, 11):
        return loop.create_task(coro, context=context)
    # Python 3.10 tasks run in a copy of the context they are created in;
    # the task drives ``coro`` step by step inside ``context`` itself.
    return context.run(loop.create_task, run_in_context(coro, context))


def _cancel_and_wait(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
    """Cancel an interrupted task and let it unwind, so its finally blocks run."""
    task.cancel()
    try:
        loop.run_until_complete(task)
    except BaseException:  # the task's own outcome is not ours to report
        pass


class _Expiry:
    """Cancels a task when its time is up, recording where it was stuck."""

    def __init__(self, task: asyncio.Task[Any], description: str, timeout: float) -> None:
        self.task = task
        self.description = description
        self.timeout = timeout
        self.report: str | None = None
        self.handle = task.get_loop().call_later(timeout, self._expire)

    def _expire(self) -> None:
        if self.task.done():
            return
        self.report = _messages.test_timed_out(
            self.description, self.timeout, tasks.where(self.task), tasks.others(self.task)
        )
        self.task.cancel()

    def disarm(self) -> None:
        self.handle.cancel()
