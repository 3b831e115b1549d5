"""The only module that touches asyncio APIs deprecated in Python 3.12 to 3.14.

The plugin has to know and restore "the current event loop" of the main
thread without creating one as a side effect. The public way to read it,
``asyncio.get_event_loop()``, warns or raises or silently creates a loop
depending on the Python version, so we read the policy's thread-local slot
directly. Checked on CPython 3.10 to 3.14 (``BaseDefaultEventLoopPolicy``
keeps ``_local._loop`` and ``_local._set_called``; uvloop's policy inherits
it). A test under ``tests/`` fails if another module names these APIs.
"""

from __future__ import annotations

import asyncio
import sys
import warnings
from typing import Any, NamedTuple


def _policy() -> Any:
    if sys.version_info >= (3, 14):
        return asyncio.events._get_event_loop_policy()  # type: ignore[attr-defined]
    return asyncio.get_event_loop_policy()


class CurrentLoop(NamedTuple):
    """A snapshot of the main thread's "current loop" slot, to put back later."""

    loop: asyncio.AbstractEventLoop | None
    set_called: bool


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
