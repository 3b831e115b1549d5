"""Run a coroutine's every step inside a given context, for Python 3.10 tasks.

Python 3.11 added ``loop.create_task(coro, context=...)``; ``_runner`` wraps
the coroutine in :class:`InContext` on Python 3.10 only, and imports this
module only there.
"""

from __future__ import annotations

import contextvars
from collections.abc import Coroutine, Generator
from types import FrameType
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class InContext(Coroutine[Any, Any, T], Generator[Any, Any, T], Generic[T]):
    """An awaitable that runs each step of ``coro`` inside ``context`` (Python 3.10).

    Python 3.11 added ``loop.create_task(coro, context=...)``. A Python 3.10
    task always runs in a *copy* of the context it was created in, so a
    fixture whose setup sets a variable and whose teardown resets it
    (``var.reset(token)``, or a library's ``with`` block doing so) would run
    its two halves in two different copies, and the reset would fail with
    "created in a different Context". Writing the values back after each
    step cannot help: a token is bound to the context object itself. So the
    task drives the coroutine one step at a time and enters the given
    context around each step, as on Python 3.11 and later.

    It is the task's coroutine, and impersonates ``coro`` for what reads a
    task's coroutine (``__qualname__``, ``cr_code``, ``cr_frame``,
    ``cr_await``): a task's repr names the user's coroutine, and timeout and
    leak reports show where the user's code is suspended. It is its own
    iterator (``__await__`` returns it), hence a generator as well.
    """

    def __init__(self, coro: Coroutine[Any, Any, T], context: contextvars.Context) -> None:
        self._coro = coro
        self._context = context
        # The coroutine's names, so that a task's repr names the user's code.
        self.__name__ = getattr(coro, "__name__", type(coro).__name__)
        self.__qualname__ = getattr(coro, "__qualname__", self.__name__)

    def __await__(self) -> Generator[Any, Any, T]:
        return self  # the generator protocol, by hand

    def __iter__(self) -> InContext[T]:
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def send(self, value: Any) -> Any:
        """Resume the coroutine with ``value`` inside the context."""
        return self._context.run(self._coro.send, value)

    def throw(self, *exc_info: Any) -> Any:
        """Raise an exception (e.g. a cancellation) into the coroutine inside the context."""
        return self._context.run(self._coro.throw, *exc_info)

    def close(self) -> None:
        self._context.run(self._coro.close)

    @property
    def cr_code(self) -> Any:
        return getattr(self._coro, "cr_code", None)

    @property
    def cr_running(self) -> bool:
        return bool(getattr(self._coro, "cr_running", False))

    @property
    def cr_frame(self) -> FrameType | None:
        frame: FrameType | None = getattr(self._coro, "cr_frame", None)
        return frame

    @property
    def cr_await(self) -> Any:
        return getattr(self._coro, "cr_await", None)
