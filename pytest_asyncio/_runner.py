"""Drive one coroutine to completion on a loop, from synchronous pytest code.

Why this module exists: pytest sets up fixtures and calls tests as plain
function calls, while the user's code is coroutines that need a loop. Both
the async-test marker and the async-fixture adapter cross that border here,
and only here, so timeouts, contextvars, Ctrl-C and cleanup behave the same
for a test body and for a fixture.

The coroutine always runs as a task, so that ``asyncio.current_task()``
works in user code and the task can be cancelled on timeout or interrupt,
and the task stops the loop itself as it ends. It runs in a given
``contextvars.Context`` so that variables set by a fixture can be handed on
to the test.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any, NoReturn, TypeVar

from pytest_asyncio import _asyncio_compat, _messages
from pytest_asyncio._in_context import InContext
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
    description: str | Callable[[], str] = "the coroutine",
) -> T:
    """Run ``coro`` as a task on ``loop`` until it finishes; return its result.

    :param context: the context the task runs in; after the call it holds
        every variable the coroutine set (on all supported Pythons).
    :param timeout: seconds after which the task is cancelled and
        :class:`TestTimeout` raised; ``None`` or ``0`` for no limit.
    :param description: how messages name what ran (e.g. the test id), or
        a function that says it, called only when a message needs it.
    """
    __tracebackhide__ = True  # pytest: show the user's frames, not this bridge
    if loop.is_closed() or loop.is_running():
        _refuse(loop, coro, _text(description))
    stopping: list[asyncio.Handle] = []
    awaitable: Coroutine[Any, Any, T] | InContext[T] = coro
    if context is not None and sys.version_info < (3, 11):
        awaitable = InContext(coro, context)
    body = _task_body(loop, awaitable, stopping)
    body.send(None)  # to its ``try``: see _task_body
    if context is None:
        task = loop.create_task(body)
    elif sys.version_info >= (3, 11):
        task = loop.create_task(body, context=context)
    else:  # a 3.10 task runs in a copy of the context it is created in
        task = context.run(loop.create_task, body)
    expiry = _Expiry(task, _text(description), timeout) if timeout else None
    try:
        loop.run_forever()  # the task stops the loop as it ends (see _task_body)
    except BaseException:  # Ctrl-C, or a callback raising SystemExit
        _cancel_and_wait(loop, task)
        if expiry is not None and expiry.report is not None:
            raise TestTimeout(expiry.report) from None
        raise
    finally:
        if expiry is not None:
            expiry.disarm()
        for handle in stopping:  # not run if the loop stopped for another reason first
            handle.cancel()
    if not task.done():  # something else called loop.stop()
        _cancel_and_wait(loop, task)
        raise RunFailed(_messages.loop_stopped(_text(description)))
    if expiry is not None and expiry.report is not None:  # cancelled, or swallowed it
        raise TestTimeout(expiry.report)
    if task.cancelled():
        try:
            task.result()
        except asyncio.CancelledError as exc:
            raise TaskCancelled(_messages.task_cancelled(_text(description))) from exc
    return task.result()


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


@types.coroutine
def _first_step() -> Generator[None, None, None]:
    yield  # a bare yield: the task's first step resumes the body right away


async def _task_body(
    loop: asyncio.AbstractEventLoop,
    awaitable: Coroutine[Any, Any, T] | InContext[T],
    stopping: list[asyncio.Handle],
) -> T:
    """The task's coroutine: ``awaitable``, then stop the loop.

    Why: ``run_until_complete`` learns that its task ended from a done
    callback, one loop iteration later, even when nothing else is left to
    run; stopping from the task's last step saves that iteration, a third of
    the cost of a trivial fixture or test. Callbacks the last step queued
    still run before the loop stops (the stop is queued after them). The
    caller advances the body to its ``try`` before the task exists, so even
    a task cancelled before its first step stops the loop.

    :param awaitable: the user's coroutine; on Python 3.10, where a task runs
        in a *copy* of the context it is created in, wrapped to run each
        step inside the given context itself (see ``_in_context``).
    :param stopping: receives the queued stop, for the caller to cancel if
        the loop stopped for another reason first.
    """
    __tracebackhide__ = True
    try:
        await _first_step()
        return await awaitable
    finally:
        awaitable.close()  # a no-op once it ran; no "never awaited" if it did not
        if _asyncio_compat.has_ready_callbacks(loop):
            stopping.append(loop.call_soon(loop.stop))
        else:
            loop.stop()


def _cancel_and_wait(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
    """Cancel an interrupted task and let it unwind, so its finally blocks run."""
    if task.done():  # it raised what interrupts the run (Ctrl-C): already re-raised
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it again
        return
    task.cancel()
    try:
        loop.run_forever()
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
