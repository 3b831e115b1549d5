"""Who awaits whom: a stuck task's chain of awaits, across tasks, down to what it waits on.

A report about a stuck test (its timeout, pytest-timeout's failure, Ctrl-C,
a test that can never wake) shows the test's own frames down to its
``await``, then what that ``await`` waits on: another task (and, in turn,
what that task awaits), the children of a ``gather()``, or the thing at the
bottom, an ``asyncio.Event``, a queue, a lock, a stream read, a timer, a
bare future.

Python 3.14's ``asyncio.capture_call_graph`` walks the other way (from a
task up to the tasks awaiting it), so the walk here is the same on every
version. It reads what asyncio keeps, checked on CPython 3.10, 3.11, 3.12
and 3.13 (``asyncio/tasks.py``, both the C and the Python ``Task``):

* a suspended task keeps the future it waits on in ``_fut_waiter``
  (``None`` while a step of it is scheduled, or running);
* ``gather()`` returns a ``_GatheringFuture`` that keeps its children in
  ``_children``;
* an asyncio coroutine that waits for several futures keeps them in its
  locals: ``wait_for``'s inner task (3.10, 3.11), ``wait()``'s set, a
  ``TaskGroup``'s ``_tasks`` while it exits.

Reading these never changes a task; a report that cannot read them shows
the frames alone, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from types import FrameType
from typing import Any, cast

from pytest_asyncio import _messages
from pytest_asyncio._tasks import ASYNCIO_DIR, frame_lines, frames_of

#: How deep the walk goes into tasks awaiting tasks, and how many tasks it
#: shows at most: a report is read by a person.
_MAX_DEPTH = 8
_MAX_TASKS = 20

_INDENT = "  "

#: ``asyncio.TaskGroup`` (Python 3.11+), which waits for its tasks as it exits.
_TASK_GROUP: Any = getattr(asyncio, "TaskGroup", ())


class Chain:
    """The await chain of one task, as lines, and every task it passed through."""

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.tasks: set[asyncio.Task[Any]] = {task}
        #: The innermost futures the chain ends at: what would wake it.
        self.leaves: list[asyncio.Future[Any]] = []
        frames, innermost = _frames(task, 1)
        self.waits = self._waits_of(task, innermost, 1)  # the part after the task's own frames
        self.lines = frames + self.waits

    def text(self) -> str:
        """The whole chain: the task's frames, then what they wait on, indented."""
        return "\n".join(self.lines)

    def _task(self, task: asyncio.Task[Any], depth: int) -> list[str]:
        """A task awaited by another: its name, its frames, what it waits on."""
        pad = _INDENT * depth
        if task in self.tasks or len(self.tasks) >= _MAX_TASKS or depth > _MAX_DEPTH:
            return [f"{pad}{_messages.chain_task(task.get_name())} {_messages.CHAIN_CUT}"]
        self.tasks.add(task)
        frames, innermost = _frames(task, depth + 1)
        lines = [f"{pad}{_messages.chain_task(task.get_name())}", *frames]
        return lines + self._waits_of(task, innermost, depth + 1)

    def _waits_of(
        self, task: asyncio.Task[Any], innermost: FrameType | None, depth: int
    ) -> list[str]:
        waited = _future_or_none(getattr(task, "_fut_waiter", None))
        if task.done() or waited is None:
            return []
        return self._future(waited, innermost, depth)

    def _future(
        self, future: asyncio.Future[Any], innermost: FrameType | None, depth: int
    ) -> list[str]:
        """What ``future`` is, awaited in ``innermost``, and what it waits on in turn."""
        pad = _INDENT * depth
        if isinstance(future, asyncio.Task):
            return self._task(future, depth)
        children: object = getattr(future, "_children", None)
        if isinstance(children, list):  # gather()
            return self._gather(_futures(cast("list[object]", children)), depth)
        self.leaves.append(future)
        followed = _futures_in(innermost, future)
        if followed:  # wait_for() on 3.10 and 3.11, wait(), a TaskGroup
            name = innermost.f_code.co_name if innermost is not None else "?"
            lines = [f"{pad}{_messages.chain_waits_for_all(name, len(followed))}"]
            for each in followed:
                lines += self._future(each, None, depth + 1)
            return lines
        return [f"{pad}{what_it_is(future, innermost)}"]

    def _gather(self, children: list[asyncio.Future[Any]], depth: int) -> list[str]:
        pending = [child for child in children if not child.done()]
        lines = [f"{_INDENT * depth}{_messages.chain_gather(len(pending), len(children))}"]
        for child in pending:
            lines += self._future(child, None, depth + 1)
        return lines


def what_it_is(future: asyncio.Future[Any], innermost: FrameType | None) -> str:
    """Words for the thing at the bottom of a chain: an Event, a queue, a read...

    Named by the asyncio method the chain ends in (``Event.wait``,
    ``Queue.get``, also for a subclass of these), else by the future itself.
    """
    if innermost is None or not innermost.f_code.co_filename.startswith(ASYNCIO_DIR):
        return _messages.chain_future(type(future).__name__)
    method = innermost.f_code.co_name
    owner = innermost.f_locals.get("self")
    if owner is None:
        return _messages.chain_leaf(method, f"asyncio.{method}")
    for cls in type(owner).__mro__:
        name = f"{cls.__name__}.{method}"
        if name in _messages.CHAIN_LEAVES:
            return _messages.chain_leaf(name, f"{type(owner).__name__}.{method}", _peer_of(owner))
    return _messages.chain_leaf(method, f"{type(owner).__name__}.{method}")


def _frames(task: asyncio.Task[Any], depth: int) -> tuple[list[str], FrameType | None]:
    """The user's frames of ``task`` as lines, and the innermost frame of all.

    asyncio's frames are left out: they only repeat how ``await`` works
    (the innermost one names what the chain waits on, see :func:`what_it_is`).
    """
    pad = _INDENT * depth
    lines: list[str] = []
    innermost: FrameType | None = None
    for frame in frames_of(task.get_coro()):
        innermost = frame
        code = frame.f_code
        if code.co_filename.startswith(ASYNCIO_DIR):
            continue
        lines += frame_lines(code.co_filename, frame.f_lineno, code.co_name, pad)
    return lines, innermost


def _future_or_none(value: object) -> asyncio.Future[object] | None:
    if isinstance(value, asyncio.Future):
        return cast("asyncio.Future[object]", value)  # what it holds is not read
    return None


def _futures(values: Iterable[object]) -> list[asyncio.Future[object]]:
    return [future for future in map(_future_or_none, values) if future is not None]


def _futures_in(frame: FrameType | None, waited: asyncio.Future[Any]) -> list[asyncio.Future[Any]]:
    """The pending futures an asyncio coroutine waits for through ``waited``.

    ``wait_for()`` (3.10, 3.11) and ``wait()`` wait on a future of their own
    that the futures they watch complete; a ``TaskGroup`` exiting waits
    for its tasks the same way.
    """
    if frame is None or not frame.f_code.co_filename.startswith(ASYNCIO_DIR):
        return []
    found: list[asyncio.Future[Any]] = []
    for value in _candidates(frame.f_locals.values()):
        if value is not waited and not value.done() and value not in found:
            found.append(value)
    return found


def _candidates(values: Iterable[object]) -> Iterator[asyncio.Future[Any]]:
    for value in values:
        future = _future_or_none(value)
        if future is not None:
            yield future
        elif isinstance(value, (set, frozenset, list, tuple)):
            yield from _futures(cast("Iterable[object]", value))
        elif isinstance(value, _TASK_GROUP):
            yield from _futures(getattr(value, "_tasks", ()))


def _peer_of(owner: object) -> str:
    """The address a stream reads from or writes to, if it is a socket's."""
    transport = getattr(owner, "_transport", None)
    get_extra_info = getattr(transport, "get_extra_info", None)
    if get_extra_info is None:
        return ""
    peer: object = get_extra_info("peername")
    if isinstance(peer, tuple):
        parts = cast("tuple[object, ...]", peer)
        return ":".join(str(part) for part in parts[:2])
    return str(peer) if peer else ""
