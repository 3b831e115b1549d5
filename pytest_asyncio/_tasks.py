"""Describe a suspended task the way a user reads it: their own code first.

A task's coroutine keeps a chain of awaits (``cr_await``) down to the
innermost future it waits on. Timeout failures and leaked-task warnings
walk that chain and show the user's frames, hiding asyncio's own (and this
plugin's) frames, which only repeat how ``await`` works.
"""

from __future__ import annotations

import asyncio
import inspect
import linecache
import os
import sys
import weakref
from collections.abc import Callable, Collection, Coroutine, Iterator
from pathlib import Path
from types import CodeType, FrameType, TracebackType
from typing import Any, TypeVar

from pytest_asyncio import _asyncio_compat, _messages

ASYNCIO_DIR = str(Path(asyncio.__file__).parent) + os.sep
PLUGIN_DIR = str(Path(__file__).parent) + os.sep
T = TypeVar("T")
_ASYNC_GEN_STEPS = ("async_generator_asend", "async_generator_athrow")
#: Where a coroutine, an async generator and a generator keep their frame,
#: and what they await.
_FRAME = ("cr_frame", "ag_frame", "gi_frame")
_AWAITED = ("cr_await", "ag_await", "gi_yieldfrom")

#: The user's line that created each task on a loop watched by the
#: diagnostics, by a weak reference to the task (see :func:`record_creation`).
_CREATED: dict[weakref.ref[asyncio.Task[Any]], tuple[str, int]] = {}
_forget = _CREATED.pop


def describe(task: asyncio.Task[Any]) -> str:
    """One line naming a task, its coroutine and where it is suspended."""
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", None) or repr(coro)
    filename, lineno = location(task)
    text = f"{task.get_name()} running {name}() at {short_path(filename)}:{lineno}"
    created = created_at(task)
    if created is not None:
        return text + _messages.task_created_at(short_path(created[0]), created[1])
    if filename.startswith(ASYNCIO_DIR):  # no line of the user's to show
        return text + _messages.TASK_CREATION_HINT
    return text


def record_creation(loop: asyncio.AbstractEventLoop) -> None:
    """Note the user's line that creates each task of ``loop`` from now on.

    A task factory is set on ``loop``: ``loop.create_task`` (which
    ``asyncio.create_task``, ``ensure_future``, ``gather`` and ``TaskGroup``
    call) hands it every task to make; it notes the innermost calling frame
    outside asyncio and makes the task as asyncio would, or (when the loop
    already had a factory) by that factory. A factory the user sets later
    replaces it. Not set on Python 3.13.0 to 3.13.2, whose ``create_task``
    names every unnamed task a factory made ``None``.
    """
    if (3, 13) <= sys.version_info < (3, 13, 3):
        return
    previous = loop.get_task_factory()
    if previous is None:
        loop.set_task_factory(_make_task)
    elif previous is not _make_task and not isinstance(previous, _ByFactory):
        loop.set_task_factory(_ByFactory(previous))


def plugins_task(
    loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], **kwargs: Any
) -> asyncio.Task[T]:
    """``loop.create_task(coro, **kwargs)`` for a coroutine the plugin runs (a
    test's or a fixture's own), past the recording factory when that is the
    loop's only factory: it would walk the stack only to find the plugin's
    frame, which it never notes. The task is the one asyncio would make.
    """
    if loop.get_task_factory() is _make_task:
        return asyncio.Task(coro, loop=loop, **kwargs)
    return loop.create_task(coro, **kwargs)


def _make_task(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
    task: asyncio.Task[Any] = asyncio.Task(coro, loop=loop, **kwargs)
    _note(task, inspect.currentframe())
    return task


class _ByFactory:
    """The recording factory in front of one the loop already had."""

    def __init__(self, factory: Callable[..., Any]) -> None:
        self.factory = factory

    def __call__(
        self, loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any
    ) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = self.factory(loop, coro, **kwargs)
        _note(task, inspect.currentframe())
        return task


def _note(task: asyncio.Task[Any], frame: FrameType | None) -> None:
    """Note the first frame outward from ``frame`` (the factory's own) that
    is not asyncio's, unless it is this plugin's (a test's or fixture's own task).

    The factory hands its frame over without keeping it in a variable of
    its own: a frame referring to itself would keep the task alive until
    the garbage collector runs, delaying what asyncio says when it is freed
    ("Task exception was never retrieved").
    """
    frame = frame and frame.f_back
    while frame is not None and frame.f_code.co_filename.startswith(ASYNCIO_DIR):
        frame = frame.f_back
    if frame is None or frame.f_code.co_filename.startswith(PLUGIN_DIR):
        return
    try:
        _CREATED[weakref.ref(task, _forget)] = (frame.f_code.co_filename, frame.f_lineno)
    except TypeError:  # a user's factory made something else
        pass


def created_at(task: asyncio.Task[Any]) -> tuple[str, int] | None:
    """The user's line that created ``task``, as ``(filename, lineno)``, if known.

    Known for the tasks of a loop the diagnostics watch (see
    :func:`record_creation`), and for any task while its loop is in debug
    mode (``--asyncio-debug``), where asyncio keeps the stack of its creation.
    """
    try:
        recorded = _CREATED.get(weakref.ref(task))
    except TypeError:
        recorded = None
    if recorded is not None:
        return recorded
    stack = getattr(task, "_source_traceback", None) or ()
    for entry in reversed(stack):
        filename = getattr(entry, "filename", "")
        if filename and not filename.startswith((ASYNCIO_DIR, PLUGIN_DIR)):
            return filename, getattr(entry, "lineno", 0) or 0
    return None


def location(task: asyncio.Task[Any]) -> tuple[str, int]:
    """Where the task is suspended in the user's code, as ``(filename, lineno)``.

    Falls back to where its coroutine is defined, then to this module, so
    that a warning about the task always has a place to point at.
    """
    coro = task.get_coro()
    frame = suspended_in(task)
    if frame is not None:
        return frame.f_code.co_filename, frame.f_lineno
    code = getattr(coro, "cr_code", None) or getattr(coro, "ag_code", None)
    if isinstance(code, CodeType):
        return code.co_filename, code.co_firstlineno
    return __file__, 1


def suspended_in(task: asyncio.Task[Any]) -> FrameType | None:
    """The innermost frame of the user's code along the task's chain of awaits."""
    frames = _user_frames(task)
    return frames[-1] if frames else None


def _user_frames(task: asyncio.Task[Any]) -> list[FrameType]:
    """The frames along the task's chain of awaits, down to the first of asyncio's."""
    frames: list[FrameType] = []
    for frame in frames_of(task.get_coro()):
        if frame.f_code.co_filename.startswith(ASYNCIO_DIR):
            break
        frames.append(frame)
    return frames


def waiting_at(task: asyncio.Task[Any], exc: BaseException | None) -> TracebackType | None:
    """The task's await chain as a traceback: the user's frames where it waits.

    For an exception raised while the loop waited (pytest-timeout's failure
    from a signal handler), which the task's frames did not see: pytest then
    shows the test's ``await`` lines, as for an exception raised there.
    Frames of asyncio and of the plugin are left out.

    :returns: ``None`` for a finished task, or if ``exc`` passed through the
        task's coroutine (its own traceback then shows the user's frames).
    """
    traceback = exc.__traceback__ if exc is not None else None
    while traceback is not None:
        if traceback.tb_frame is getattr(task.get_coro(), "cr_frame", None):
            return None
        traceback = traceback.tb_next
    frames = _user_frames(task)
    if task.done() or not frames:
        return None
    traceback = None
    for frame in reversed(frames):
        traceback = TracebackType(traceback, frame, frame.f_lasti, frame.f_lineno)
    return traceback


def pending_tasks(loop: asyncio.AbstractEventLoop) -> list[asyncio.Task[Any]]:
    """The unfinished tasks of ``loop``, in a stable order (by name)."""
    if _asyncio_compat.no_task_alive():
        return []
    return sorted(
        (task for task in asyncio.all_tasks(loop) if not task.done()),
        key=lambda task: task.get_name(),
    )


def closes_a_generator(task: asyncio.Task[Any]) -> bool:
    """Whether asyncio made ``task`` to close an async generator the code dropped.

    asyncio's finalizer hook runs ``agen.aclose()`` as a task of its own when
    an unfinished async generator is garbage-collected; the test did not
    start that task and cannot await it.
    """
    return type(task.get_coro()).__name__ == "async_generator_athrow"


def others(task: asyncio.Task[Any], shown: Collection[asyncio.Task[Any]] = ()) -> list[str]:
    """Describe every other unfinished task on ``task``'s loop.

    :param shown: tasks a report already shows (in ``task``'s await chain).
    """
    loop = task.get_loop()
    return [describe(other) for other in pending_tasks(loop) if other not in (task, *shown)]


def short_path(filename: str) -> str:
    """``filename`` relative to the working directory when it lies below it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return filename if relative.startswith(os.pardir) else relative


def frame_lines(filename: str, lineno: int, function: str, pad: str) -> list[str]:
    """``file:line in function`` and, indented below, its source line: a frame in a report."""
    lines = [f"{pad}{short_path(filename)}:{lineno} in {function}"]
    source = linecache.getline(filename, lineno).strip()
    return [*lines, f"{pad}  {source}"] if source else lines


def frames_of(awaitable: Any) -> Iterator[FrameType]:
    """Each frame along the await chain, outermost first, minus the plugin's.

    The plugin's own frames (the coroutine that steps an async generator
    fixture) are skipped; asyncio's are yielded for the caller to stop at.
    """
    awaiter: FrameType | None = None
    while awaitable is not None:
        frame: FrameType | None = _first(awaitable, _FRAME)
        if frame is None:
            awaitable = _running_async_generator(awaitable, awaiter)
            frame = _first(awaitable, _FRAME)
            if frame is None:
                return
        if not frame.f_code.co_filename.startswith(PLUGIN_DIR):
            yield frame
        awaiter = frame
        awaitable = _first(awaitable, _AWAITED)


def _running_async_generator(awaitable: Any, awaiter: FrameType | None) -> Any:
    """The async generator behind ``await agen.__anext__()``, found in the awaiter.

    The object ``__anext__()`` returns does not expose its generator; the
    plugin's fixture driver (and most code that calls ``__anext__()``) keeps
    the generator in a local variable of the awaiting frame.
    """
    if awaiter is None or type(awaitable).__name__ not in _ASYNC_GEN_STEPS:
        return None
    for value in awaiter.f_locals.values():
        if inspect.isasyncgen(value) and value.ag_running:
            return value
    return None


def _first(awaitable: Any, attributes: tuple[str, ...]) -> Any:
    """The first of ``attributes`` that ``awaitable`` has, not ``None``: of a
    coroutine, an async generator or a generator alike."""
    for attribute in attributes:
        value = getattr(awaitable, attribute, None)
        if value is not None:
            return value
    return None
