"""The threads that may wake a loop whose time is virtual.

Why: a thread can hand its loop work at any moment (``call_soon_threadsafe``,
a future it completes), and virtual time must not jump past that moment.
The clock cannot know when it comes, so while such a thread runs, the loop
waits in real time. Which threads count: those started since the test began,
other than the loop's own and the helper threads that the standard
library's executors and ``multiprocessing`` run for themselves (the clock
counts the work sent with ``run_in_executor`` on its own).

Whether a test can never wake (see ``wakers``) asks more: could *any*
thread still hand the loop work? Only the threads that ran before the
session began (pytest's own, pytest-xdist's) and the plugin's are left
out; an executor's worker counts while it has work, queued or running.

Checked on CPython 3.10, 3.11, 3.12 and 3.13: a ``ThreadPoolExecutor``
worker keeps ``concurrent.futures.thread._worker`` in the private
``Thread._target`` and its work queue second in ``Thread._args`` while it
runs, and waits for work inside ``_worker`` itself (the queue's ``get`` is
C code, so ``_worker`` is the thread's innermost Python frame); a
``ProcessPoolExecutor``'s manager thread is a
``concurrent.futures.process._ExecutorManagerThread``; a ``multiprocessing``
queue's feeder thread runs ``multiprocessing.queues``' ``Queue._feed``.
"""

from __future__ import annotations

import sys
import threading
import weakref

#: Modules whose threads serve executors, never the user's code directly,
#: and the plugin's own (the loop watchdog), which never hand a loop work.
_HELPER_MODULES = ("concurrent.futures.", "multiprocessing.", "pytest_asyncio.")

#: The threads that ran as the session began (see :func:`note_session_start`).
_BEFORE_SESSION: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def running() -> frozenset[threading.Thread]:
    """The threads alive now."""
    return frozenset(threading.enumerate())


def any_started_since(known: frozenset[threading.Thread]) -> bool:
    """Whether a thread not in ``known`` runs, other than this one and the
    standard library's executor helpers."""
    current = threading.current_thread()
    return any(
        thread not in known and thread is not current and not _is_helper(thread)
        for thread in threading.enumerate()
    )


def _is_helper(thread: threading.Thread) -> bool:
    return _module_of(thread).startswith(_HELPER_MODULES)


def _module_of(thread: threading.Thread) -> str:
    """The module of the code ``thread`` runs: its target's, else its class's."""
    target = getattr(thread, "_target", None)
    return getattr(target, "__module__", None) or type(thread).__module__


def note_session_start() -> frozenset[threading.Thread]:
    """Remember the threads alive as the session begins: none of them was
    started by a test, so none counts in :func:`any_may_wake`.

    :returns: the threads remembered before, for :func:`restore_session`
        (an outer session's, when pytester runs one inside another).
    """
    outer = frozenset(_BEFORE_SESSION)
    _BEFORE_SESSION.clear()
    _BEFORE_SESSION.update(threading.enumerate())
    return outer


def restore_session(outer: frozenset[threading.Thread]) -> None:
    """Put back the threads an outer session remembered, as it goes on."""
    _BEFORE_SESSION.clear()
    _BEFORE_SESSION.update(outer)


def any_may_wake() -> bool:
    """Whether some thread other than this one could still hand a loop work.

    Counted: every thread started during the session but the plugin's own,
    and of the executors' helpers the workers with work queued or running
    and every helper that is not a thread pool's worker (a process pool's
    manager, a queue's feeder), which may be passing a result on.
    """
    current = threading.current_thread()
    frames = sys._current_frames()  # pyright: ignore[reportPrivateUsage]
    for thread in threading.enumerate():
        if thread is current or thread in _BEFORE_SESSION:
            continue
        if _module_of(thread).startswith("pytest_asyncio."):
            continue
        if not _is_helper(thread) or not _idle_worker(thread, frames.get(thread.ident or 0)):
            return True
    return False


def _idle_worker(thread: threading.Thread, frame: object) -> bool:
    """Whether ``thread`` is a thread pool's worker waiting for work, none queued."""
    target = getattr(thread, "_target", None)
    if getattr(target, "__qualname__", None) != "_worker":
        return False
    args: tuple[object, ...] = getattr(thread, "_args", ())
    queue = args[1] if len(args) > 1 else None
    empty = getattr(queue, "empty", None)
    code = getattr(frame, "f_code", None)
    return callable(empty) and bool(empty()) and getattr(code, "co_name", None) == "_worker"
