"""The only module that touches asyncio APIs deprecated in Python 3.12 to 3.14,
and the private attributes of asyncio's loops that the virtual clock reads.

The plugin has to know and restore "the current event loop" of the main
thread without creating one as a side effect. The public way to read it,
``asyncio.get_event_loop()``, warns or raises or silently creates a loop
depending on the Python version, so we read the policy's thread-local slot
directly. Checked on CPython 3.10 to 3.14 (``BaseDefaultEventLoopPolicy``
keeps ``_local._loop`` and ``_local._set_called``; uvloop's policy inherits
it). A test under ``tests/`` fails if another module names these APIs.

It also holds the plugin's use of the interpreter's hook for coroutines
dropped without being awaited (``warnings._warn_unawaited_coroutine``,
which CPython 3.10 to 3.14 call, and which is private): see :class:`NeverAwaited`.
"""

from __future__ import annotations

import asyncio
import inspect
import linecache
import selectors
import sys
import traceback
import warnings
from collections.abc import Callable
from types import FrameType
from typing import Any


def _policy() -> Any:
    if sys.version_info >= (3, 14):
        return asyncio.events._get_event_loop_policy()  # type: ignore[attr-defined]
    return asyncio.get_event_loop_policy()


class CurrentLoop:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """A snapshot of the main thread's "current loop" slot, to put back later."""

    __slots__ = ("loop", "set_called")

    loop: asyncio.AbstractEventLoop | None
    set_called: bool

    def __init__(self, loop: asyncio.AbstractEventLoop | None, set_called: bool) -> None:
        self.loop = loop
        self.set_called = set_called

    def __eq__(self, other: object) -> bool:
        """Two snapshots of the same slot state are equal."""
        if not isinstance(other, CurrentLoop):
            return NotImplemented
        return self.loop is other.loop and self.set_called == other.set_called

    def __repr__(self) -> str:
        return f"CurrentLoop(loop={self.loop!r}, set_called={self.set_called!r})"


def snapshot_current_loop() -> CurrentLoop:
    """Read the current loop slot without creating a loop or warning."""
    local = getattr(_policy(), "_local", None)
    return CurrentLoop(getattr(local, "_loop", None), bool(getattr(local, "_set_called", False)))


def current_loop() -> asyncio.AbstractEventLoop | None:
    """The main thread's current loop, if one is set, without creating one."""
    return getattr(getattr(_policy(), "_local", None), "_loop", None)


def set_current_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Make ``loop`` the current loop (``set_event_loop`` is not deprecated)."""
    asyncio.set_event_loop(loop)


def make_current(loop: asyncio.AbstractEventLoop) -> None:
    """:func:`set_current_loop`, skipped when ``loop`` already is the current loop.

    Cheaper per test than setting it again (the policy's setter checks
    the loop's type and the thread, and attaches a child watcher).
    """
    local = getattr(_policy(), "_local", None)
    if getattr(local, "_loop", None) is not loop or not getattr(local, "_set_called", True):
        asyncio.set_event_loop(loop)


def restore_current_loop(saved: CurrentLoop) -> None:
    """Put the current loop slot back exactly as :func:`snapshot_current_loop` saw it."""
    asyncio.set_event_loop(saved.loop)
    local = getattr(_policy(), "_local", None)
    if local is not None and hasattr(local, "_set_called"):
        local._set_called = saved.set_called


def user_policy_new_loop(policy: Any) -> asyncio.AbstractEventLoop:
    """Make a loop from a policy that the user's ``event_loop_policy`` fixture gave."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        loop = policy.new_event_loop()
    assert isinstance(loop, asyncio.AbstractEventLoop)
    return loop


class _InstalledPolicies:
    """The user's policies the plugin made global, counted while their loops live.

    Loops end in any order (a module loop outlives the function loops made
    after it), so each loop does not put back what it found: the policy in
    force before the first of them is put back when the last one ends.
    """

    def __init__(self) -> None:
        self.live = 0
        self.before: Any = None


_INSTALLED = _InstalledPolicies()


def install_policy(policy: Any) -> None:
    """Make ``policy`` the global one (the user's ``event_loop_policy`` asked for it)
    until the matching :func:`release_policy`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if _INSTALLED.live == 0:
            _INSTALLED.before = _policy()
        _INSTALLED.live += 1
        asyncio.set_event_loop_policy(policy)


def release_policy() -> None:
    """Undo one :func:`install_policy`; the last one puts the original policy back."""
    if _INSTALLED.live == 0:
        return
    _INSTALLED.live -= 1
    if _INSTALLED.live == 0:
        before, _INSTALLED.before = _INSTALLED.before, None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            asyncio.set_event_loop_policy(before)


def default_policy() -> Any:
    """The policy in force, for the default ``event_loop_policy`` fixture."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return _policy()


def has_shutdown_work(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether closing ``loop`` needs ``shutdown_asyncgens()`` and
    ``shutdown_default_executor()`` run first.

    Each is a task and two loop iterations even with nothing to shut down:
    most of the cost of closing the loop of a trivial test. asyncio's own
    loops (``BaseEventLoop``, CPython 3.10 to 3.14) keep what they would
    handle in ``_asyncgens`` and ``_default_executor``; ``_ready`` holds
    callbacks still due, such as the ``aclose()`` of an async generator that
    was garbage-collected, which those iterations would run. Any other loop
    (uvloop) is assumed to have work.
    """
    base: Any = loop
    try:
        return bool(base._asyncgens or base._ready) or base._default_executor is not None
    except AttributeError:
        return True


def _task_registries() -> tuple[Any, ...] | None:
    """asyncio's own collections of the tasks alive, read once at import.

    CPython 3.10 to 3.13 keep them in ``asyncio.tasks._all_tasks`` (3.10,
    3.11) or ``_scheduled_tasks`` plus ``_eager_tasks`` (3.12, 3.13);
    CPython 3.14 keeps C tasks elsewhere. ``None`` where they are not known.
    """
    if sys.version_info >= (3, 14):
        return None
    module = vars(asyncio.tasks)
    registry = module.get("_all_tasks", module.get("_scheduled_tasks"))
    if registry is None or not hasattr(registry, "__len__"):
        return None
    eager = module.get("_eager_tasks")
    return (registry,) if eager is None else (registry, eager)


_REGISTRIES = _task_registries()


def no_task_alive() -> bool:
    """Whether no task exists at all, on any loop: the leak check's usual answer.

    ``asyncio.all_tasks()`` copies asyncio's weak registry of tasks through a
    Python generator, about as costly as running a test's coroutine; most
    loops are checked after every task is gone, when the registry is empty.
    Where the registry is not known, ``all_tasks()`` is asked.
    """
    registries = _REGISTRIES
    if registries is None:
        return False
    for registry in registries:
        if len(registry):
            return False
    return True


def loop_is_idle(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether closing ``loop`` has nothing to finish first: the usual end of a test.

    No task alive on any loop, no child watcher made yet (so no child
    process), nothing for ``shutdown_asyncgens()`` or
    ``shutdown_default_executor()`` to do (see :func:`has_shutdown_work`).
    The checks before a loop closes are skipped when this says so.
    """
    if not no_task_alive() or has_shutdown_work(loop):
        return False
    return child_watcher(loop) is None


def child_watcher(loop: asyncio.AbstractEventLoop) -> Any:
    """asyncio's child watcher for ``loop``'s subprocesses; ``None`` before the first.

    The policy's ``_watcher``, made at the first subprocess (CPython 3.10
    to 3.13), or each loop's own ``_watcher`` (3.14, read from its source,
    not run here). See ``diagnostics.children`` for what it holds.
    """
    watcher = getattr(loop, "_watcher", None)
    return watcher if watcher is not None else getattr(_policy(), "_watcher", None)


def drop_stale_stops(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the loop-stopping callbacks of ``run_until_complete`` calls that are over.

    When a task ends in the very iteration in which something else stopped
    the loop (the test's own ``loop.stop()``, or the plugin giving up on a
    task), ``run_until_complete`` returns with its stopping callback still
    queued; the next run on the loop would stop after one iteration and fail
    a test that did nothing wrong. Called when no ``run_until_complete`` is
    in progress, so every such callback queued is stale. ``BaseEventLoop``
    keeps its queue in ``_ready`` and the callback is
    ``base_events._run_until_complete_cb`` (CPython 3.10 to 3.14); other
    loops (uvloop) are left as they are.
    """
    ready = getattr(loop, "_ready", None)
    if not ready:
        return
    stop = getattr(asyncio.base_events, "_run_until_complete_cb", None)
    for handle in ready:
        if getattr(handle, "_callback", None) is stop:
            handle.cancel()


def quiet_if_destroyed(task: asyncio.Task[Any]) -> None:
    """Keep asyncio from logging "Task was destroyed but it is pending!" for ``task``.

    For a task the plugin gave up on (it would not stop when cancelled)
    and has reported already. ``_log_destroy_pending`` is the flag asyncio
    clears for its own such tasks (CPython 3.10 to 3.14, C and Python tasks).
    """
    try:
        task._log_destroy_pending = False  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - another Task implementation
        pass


class Unawaited:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """A coroutine dropped without being awaited."""

    __slots__ = ("created", "dropped", "name")

    #: Its ``__qualname__``.
    name: str
    #: The line that created it, ``(filename, lineno, function)``; ``None``
    #: if it was created before the session started.
    created: tuple[str, int, str] | None
    #: Where it was dropped, ``(filename, lineno)``, as Python's warning says.
    dropped: tuple[str, int]

    def __init__(
        self, name: str, created: tuple[str, int, str] | None, dropped: tuple[str, int]
    ) -> None:
        self.name = name
        self.created = created
        self.dropped = dropped


class NeverAwaited:
    """Notes every coroutine Python warns about as never awaited, during a session.

    Python records the line that creates each coroutine while coroutine
    origin tracking is on (``sys.set_coroutine_origin_tracking_depth``);
    one frame is enough for that line, and costs each coroutine a tuple.
    When such a coroutine is freed unawaited, CPython calls
    ``warnings._warn_unawaited_coroutine``; the plugin's replacement notes
    it and then warns as Python does without origin tracking: the same
    ``RuntimeWarning`` text, at the same line, so warning filters and
    pytest see what they saw before (with ``filterwarnings = error`` the
    same unraisable error). When origin tracking was already on (the
    user's), nothing is changed and nothing noted; while asyncio's debug
    mode asks for more frames, the warning lists them, as Python's does.
    """

    def __init__(self) -> None:
        self.found: list[Unawaited] = []
        self._python_s: Any = None
        self._sessions = 0  # a session inside a session (pytester) shares the noting

    def start(self) -> None:
        """Note from now on (at session start)."""
        if self._python_s is not None:
            self._sessions += 1
            return
        python_s = getattr(warnings, "_warn_unawaited_coroutine", None)
        if python_s is None or sys.get_coroutine_origin_tracking_depth() != 0:
            return  # another interpreter, or the user's own origin tracking
        self._python_s = python_s
        self._sessions = 1
        sys.set_coroutine_origin_tracking_depth(1)
        warnings._warn_unawaited_coroutine = self._warn  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Put Python's hook and origin tracking back (at the end of the outermost session)."""
        self._sessions -= 1
        if self._python_s is None or self._sessions > 0:
            return
        warnings._warn_unawaited_coroutine = self._python_s  # type: ignore[attr-defined]
        self._python_s = None
        sys.set_coroutine_origin_tracking_depth(0)
        self.found = []

    def _warn(self, coro: Any) -> None:
        name = coro.__qualname__
        origin = coro.cr_origin
        self.found.append(_dropped(name, origin[0] if origin else None, inspect.currentframe()))
        message = f"coroutine '{name}' was never awaited"
        if origin is not None and len(origin) > 1:  # asyncio's debug mode asked for more
            stack = [
                (file, line, func, linecache.getline(file, line)) for file, line, func in origin
            ]
            where = "".join(traceback.format_list(stack[::-1])).rstrip("\n")
            message += f"\nCoroutine created at (most recent call last)\n{where}"
        warnings.warn(message, RuntimeWarning, stacklevel=2, source=coro)


def _dropped(name: str, created: tuple[str, int, str] | None, hook: FrameType | None) -> Unawaited:
    """The record; ``hook`` is the hook's own frame, handed over so that no
    frame keeps itself alive."""
    caller = hook.f_back if hook is not None else None
    dropped = (caller.f_code.co_filename, caller.f_lineno) if caller is not None else ("?", 0)
    return Unawaited(name, created, dropped)


#: The one for the process.
NEVER_AWAITED = NeverAwaited()
# The virtual clock's access to a loop's private parts.
#
# Every private asyncio attribute the virtual clock touches, in one place.
#
# asyncio has no public hook for "the loop is about to wait", so the clock
# shadows a few methods of one loop object and of its selector with instance
# attributes, and reads two private queues. Checked on CPython 3.10, 3.11,
# 3.12 and 3.13 (``asyncio/base_events.py`` and ``selector_events.py``):
#
# * ``BaseSelectorEventLoop`` keeps its selector in ``_selector``;
#   ``BaseEventLoop._run_once`` calls ``self._selector.select(timeout)`` with
#   ``timeout`` the seconds until the earliest timer by ``self.time()``
#   (``None`` with no timer, ``0`` with callbacks ready), then runs every timer
#   whose ``when()`` is not after ``self.time()``;
# * its self-pipe (``call_soon_threadsafe`` writes to it) is always registered
#   with that selector: one registration is the loop's own;
# * ``_ready`` is the deque of callbacks due, ``_scheduled`` the heap of
#   ``TimerHandle`` objects, earliest first (a cancelled one stays in it
#   until it reaches the head);
# * a Unix selector loop keeps the handlers of ``add_signal_handler`` in
#   ``_signal_handlers``;
# * ``call_later``, ``run_in_executor`` and ``time`` are looked up on the loop
#   object (``self.time()``, ``loop.call_later(...)``), so instance
#   attributes shadow them, as ``select`` on the selector.
#
# A loop without a Python-level selector (uvloop's compiled loop, a proactor
# loop) cannot carry the clock: :func:`selector_of` returns ``None`` for it.


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
