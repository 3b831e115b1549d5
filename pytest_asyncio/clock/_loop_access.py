"""Every private asyncio attribute the virtual clock touches, in one place.

asyncio has no public hook for "the loop is about to wait", so the clock
shadows a few methods of one loop object and of its selector with instance
attributes, and reads two private queues. Checked on CPython 3.10, 3.11,
3.12 and 3.13 (``asyncio/base_events.py`` and ``selector_events.py``):

* ``BaseSelectorEventLoop`` keeps its selector in ``_selector``;
  ``BaseEventLoop._run_once`` calls ``self._selector.select(timeout)`` with
  ``timeout`` the seconds until the earliest timer by ``self.time()``
  (``None`` with no timer, ``0`` with callbacks ready), then runs every timer
  whose ``when()`` is not after ``self.time()``;
* its self-pipe (``call_soon_threadsafe`` writes to it) is always registered
  with that selector: one registration is the loop's own;
* ``_ready`` is the deque of callbacks due, ``_scheduled`` the heap of
  ``TimerHandle`` objects, earliest first (a cancelled one stays in it
  until it reaches the head);
* a Unix selector loop keeps the handlers of ``add_signal_handler`` in
  ``_signal_handlers``;
* ``call_later``, ``run_in_executor`` and ``time`` are looked up on the loop
  object (``self.time()``, ``loop.call_later(...)``), so instance
  attributes shadow them, as ``select`` on the selector.

A loop without a Python-level selector (uvloop's compiled loop, a proactor
loop) cannot carry the clock: :func:`selector_of` returns ``None`` for it.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Callable
from typing import Any


def selector_of(loop: asyncio.AbstractEventLoop) -> selectors.BaseSelector | None:
    """The selector ``loop`` waits in, if it is one of asyncio's selector loops."""
    if not isinstance(loop, asyncio.BaseEventLoop):
        return None
    selector = getattr(loop, "_selector", None)
    return selector if isinstance(selector, selectors.BaseSelector) else None


def shadow(target: object, methods: dict[str, Callable[..., Any]]) -> None:
    """Shadow methods of one loop or selector object with instance attributes.

    :raises AttributeError: if the object refuses instance attributes.
    """
    for name, method in methods.items():
        setattr(target, name, method)


def waits_on_io(selector: selectors.BaseSelector) -> bool:
    """Whether anything besides the loop's own self-pipe is registered."""
    return len(selector.get_map()) > 1


def has_due_work(loop: asyncio.AbstractEventLoop, now: float) -> bool:
    """Whether callbacks are ready, or a timer is due at ``now``."""
    base: Any = loop
    if base._ready:
        return True
    scheduled = base._scheduled
    return bool(scheduled) and scheduled[0].when() <= now


def waits_on_its_own(loop: asyncio.AbstractEventLoop) -> str | None:
    """What of its own could still wake ``loop``: ``"callbacks"`` ready,
    ``"timer"``, ``"signal"`` (a handler added with ``add_signal_handler``),
    or ``None``."""
    base: Any = loop
    if base._ready:
        return "callbacks"
    if any(not handle.cancelled() for handle in base._scheduled):
        return "timer"
    if getattr(base, "_signal_handlers", None):
        return "signal"
    return None
