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
import linecache
import sys
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

from pytest_asyncio import _messages

T = TypeVar("T")


class TestTimeout(Exception):
    """Raised when a coroutine run by the plugin exceeds its timeout."""

    __test__ = False  # not a test class, despite the name


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
    task = _start_task(loop, coro, context)
    expiry = _Expiry(task, description, timeout) if timeout else None
    try:
        loop.run_until_complete(task)
    except BaseException:
        if not task.done():
            _cancel_and_wait(loop, task)
        if expiry is not None and expiry.report is not None:
            raise TestTimeout(expiry.report) from None
        raise
    finally:
        if expiry is not None:
            expiry.disarm()
    return task.result()


def _start_task(
    loop: asyncio.AbstractEventLoop,
    coro: Coroutine[Any, Any, T],
    context: contextvars.Context | None,
) -> asyncio.Task[T]:
    if context is None:
        return loop.create_task(coro)
    if sys.version_info >= (3, 11):
        return loop.create_task(coro, context=context)
    # Python 3.10 tasks copy the context they are created in; collect what
    # the coroutine set and write it back into ``context`` afterwards.
    return context.run(loop.create_task, _write_back(coro, context))


async def _write_back(coro: Coroutine[Any, Any, T], target: contextvars.Context) -> T:
    try:
        return await coro
    finally:
        for var, value in contextvars.copy_context().items():
            target.run(var.set, value)


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
            self.description, self.timeout, _where(self.task), _other_tasks(self.task)
        )
        self.task.cancel()

    def disarm(self) -> None:
        self.handle.cancel()


def _where(task: asyncio.Task[Any]) -> str:
    """Follow the task's chain of awaits down to where it is suspended."""
    lines = []
    awaited: Any = task.get_coro()
    while awaited is not None:
        frame = _frame_of(awaited)
        if frame is not None:
            code = frame.f_code
            source = linecache.getline(code.co_filename, frame.f_lineno).strip()
            lines.append(f"  {code.co_filename}:{frame.f_lineno} in {code.co_name}")
            if source:
                lines.append(f"    {source}")
        awaited = _awaited_by(awaited)
    return "\n".join(lines)


def _frame_of(awaitable: Any) -> FrameType | None:
    for attribute in ("cr_frame", "ag_frame", "gi_frame"):
        frame = getattr(awaitable, attribute, None)
        if frame is not None:
            return frame  # type: ignore[no-any-return]
    return None


def _awaited_by(awaitable: Any) -> Any:
    for attribute in ("cr_await", "ag_await", "gi_yieldfrom"):
        inner = getattr(awaitable, attribute, None)
        if inner is not None:
            return inner
    return None


def _other_tasks(task: asyncio.Task[Any]) -> list[str]:
    others = asyncio.all_tasks(task.get_loop()) - {task}
    return sorted(_describe_task(other) for other in others if not other.done())


def _describe_task(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", repr(coro))
    return f"{task.get_name()} running {name}"
