"""The threads that may wake a loop whose time is virtual.

Why: a thread can hand its loop work at any moment (``call_soon_threadsafe``,
a future it completes), and virtual time must not jump past that moment.
The clock cannot know when it comes, so while such a thread runs, the loop
waits in real time. Which threads count: those started since the test began,
other than the loop's own and the helper threads that the standard
library's executors and ``multiprocessing`` run for themselves (the clock
counts the work sent with ``run_in_executor`` on its own).

Checked on CPython 3.10, 3.11, 3.12 and 3.13: a ``ThreadPoolExecutor``
worker keeps ``concurrent.futures.thread._worker`` in the private
``Thread._target`` while it runs; a ``ProcessPoolExecutor``'s manager thread
is a ``concurrent.futures.process._ExecutorManagerThread``; a
``multiprocessing`` queue's feeder thread runs ``multiprocessing.queues``'
``Queue._feed``.
"""

from __future__ import annotations

import threading

#: Modules whose threads serve executors, never the user's code directly,
#: and the plugin's own (the loop watchdog), which never hand a loop work.
_HELPER_MODULES = ("concurrent.futures.", "multiprocessing.", "pytest_asyncio.")


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
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) or type(thread).__module__
    return module.startswith(_HELPER_MODULES)
