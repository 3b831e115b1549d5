"""The loop watchdog: a step of the loop (a callback, one step of a task) that blocks it.

While the plugin runs a test or an async fixture on a loop, one thread of
the session looks at the loop thread's stack from time to time
(``sys._current_frames()``), and nothing else: no hook inside the loop, so
it works for every loop class (uvloop too) and costs the loop nothing. A
step is recognised by the first frame on the stack above the loop's own
machinery (asyncio's, the loop class's, the plugin's) and the frame the
machinery called into: a new step has new frames. When one step is seen
for at least the threshold, in real seconds (the virtual clock does not
change them), the stack as it was then is kept for the report: a
:class:`Blocked`, which the diagnostics turn into a finding charged to the
test.

The thread starts with the first watched run, wakes every half threshold
while runs go on, looks at the stack once a run has lasted from one
wake-up to the next (more often while a step is seen blocking, to measure
it), and parks when a wake-up finds no run started since the one before.
So a step is certain to be found once it lasts about twice the threshold.
A run costs the loop thread a tuple and a few attribute stores.

What it cannot see: C code that blocks without releasing the GIL (the
thread samples once it gets the GIL, after the step); on loops that run
no Python frame of their own per callback (uvloop), steps are told apart
by the user's frames only (see ``_step_key``), so two steps of one
coroutine held on the same line of its own look like one.
"""

from __future__ import annotations

import asyncio
import functools
import os
import selectors
import sys
import threading
import time
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any, TypeVar

from pytest_asyncio._settings import DEFAULT_BLOCKED_THRESHOLD
from pytest_asyncio._tasks import ASYNCIO_DIR, PLUGIN_DIR, frame_lines

_MACHINERY_FILES = frozenset({selectors.__file__})

#: Every thread's current frame: documented by CPython, named as private.
_current_frames: Callable[[], dict[int, FrameType]] = getattr(sys, "_current_frames")  # noqa: B009

R = TypeVar("R")

#: A run: the loop thread, the code of the plugin's frame driving the loop,
#: the loop's class, whose run it is (a test id, or a fixture's describer)
#: and the threshold.
_Run = tuple[int, CodeType, type, object, float]


@functools.cache
def library_dirs() -> tuple[str, ...]:
    """Where installed code lives: the standard library and site-packages.

    Read when first needed: ``sysconfig`` costs a session's start noticeably.
    """
    import sysconfig

    paths = sysconfig.get_paths()
    return tuple({os.path.join(paths[key], "") for key in ("stdlib", "purelib", "platlib")})


class Blocked:
    """One step that blocked a loop: whose run, where, and for how long (at least)."""

    __slots__ = ("first_seen", "last_seen", "owner", "stack", "threshold")

    def __init__(
        self,
        owner: object,
        stack: list[tuple[str, int, str]],
        threshold: float,
        first_seen: float,
        last_seen: float,
    ) -> None:
        """:param owner: the run's description: a test id, or a callable naming a fixture.
        :param stack: the stack when the step had blocked for the threshold,
            as ``(file, line, function)``, outermost first.
        """
        self.owner = owner
        self.stack = stack
        self.threshold = threshold
        self.first_seen = first_seen
        self.last_seen = last_seen

    @property
    def seconds(self) -> float:
        """How long the step was seen blocking: a lower bound."""
        return self.last_seen - self.first_seen

    def location(self) -> tuple[str, int]:
        """The deepest frame of the user's own code (not the standard library's)."""
        for filename, lineno, _ in reversed(self.stack):
            if not filename.startswith(library_dirs()):
                return filename, lineno
        filename, lineno, _ = self.stack[-1]
        return filename, lineno

    def where(self) -> str:
        """The stack as indented ``file:line in function`` lines with their source."""
        return "\n".join(line for frame in self.stack for line in frame_lines(*frame, pad="  "))


class _Candidate:
    """A step seen running: its key frames, since when, and its report once made."""

    __slots__ = ("first_seen", "found", "key")

    def __init__(self, key: tuple[FrameType, ...], first_seen: float) -> None:
        self.key = key
        self.first_seen = first_seen
        self.found: Blocked | None = None


class Watchdog:
    """One per session: told of each run, it reports the steps that blocked a loop."""

    def __init__(self) -> None:
        #: Seconds a step may block, for the running test; ``None``: not watched.
        self.threshold: float | None = None
        #: The configured threshold (``None``: not checked).
        self.configured: float | None = None
        #: The run being watched, set and cleared by the loop thread.
        self.run: _Run | None = None
        #: What was found, for the diagnostics to take at the end of a test phase.
        self.found: list[Blocked] = []
        self._runs = 0
        self._parked = True
        self._thread: threading.Thread | None = None
        #: Held while the thread is parked; released by :meth:`watch` to wake it.
        #: (A bare lock: an Event costs both threads several Python calls.)
        self._gate = threading.Lock()
        self._machinery: dict[type, tuple[str, ...]] = {}

    def watching(
        self,
        run: Callable[[asyncio.Task[Any], float | None], R],
        task: asyncio.Task[Any],
        timeout: float | None,
        owner: object,
    ) -> R:
        """Call ``run(task, timeout)``, which drives ``task``'s loop, and watch that loop.

        :param owner: whose run it is: a test id, or a callable naming a fixture.
        """
        previous = self.run  # a run this one interrupts (an inner session's)
        loop_class = type(task.get_loop())
        self.run = (threading.get_ident(), _WATCHING, loop_class, owner, self.threshold or 0.0)
        self._runs += 1
        if self._parked:
            self._unpark()
        try:
            return run(task, timeout)
        finally:
            self.run = previous

    def for_test(self, threshold: float | None, off: bool) -> None:
        """A test's threshold: its marker's (``0``: not checked), or ``None`` for the configured.

        :param off: the test's diagnostics are off.
        """
        if threshold is None:
            threshold = self.configured
        self.threshold = None if off else threshold or None

    def take(self) -> list[Blocked]:
        """What was found since the last call."""
        found, self.found = self.found, []
        return found

    def _unpark(self) -> None:
        self._parked = False
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._main, name="pytest-asyncio loop watchdog", daemon=True
            )
            self._thread.start()
        else:  # the gate is held: the thread took it before it said it parked
            self._gate.release()

    def _main(self) -> None:
        seen_runs = -1
        candidate: _Candidate | None = None
        watched: _Run | None = None
        while True:
            run = self.run
            if run is None and self._runs == seen_runs:  # nothing ran since the last look
                candidate = watched = None
                self._park(seen_runs)
                continue
            seen_runs = self._runs
            if run is not watched:
                candidate, watched = None, run
            elif run is not None:
                candidate = self._look(run, candidate)
            threshold = run[4] if run is not None else DEFAULT_BLOCKED_THRESHOLD
            # Closer looks while a step blocks, to measure how long.
            time.sleep(threshold / (20 if candidate is not None else 2))

    def _park(self, seen_runs: int) -> None:
        """Sleep until :meth:`watch` releases the gate (or a second passes).

        Only :meth:`watch` releases the gate, once for each time it finds
        the thread parked, and the thread holds the gate before it says so:
        a release never meets an open gate. A run that starts just as the
        thread parks is looked at a second later.
        """
        self._gate.acquire(blocking=False)  # closed again, if a wake-up left it open
        self._parked = True
        if self._runs == seen_runs:
            self._gate.acquire(timeout=1.0)
        self._parked = False

    def _look(self, run: _Run, candidate: _Candidate | None) -> _Candidate | None:
        """Sample the loop thread's stack once; the step seen, if one is running."""
        thread, driver, loop_class, owner, threshold = run
        stack: list[FrameType] = []
        frame = _current_frames().get(thread)
        while frame is not None and frame.f_code is not driver:
            stack.append(frame)
            frame = frame.f_back
        if frame is None or not stack or self.run is not run:
            return None  # the run has ended
        stack.reverse()
        machinery = self._machinery_of(loop_class)
        if _is_in(stack[-1], machinery):
            return None  # idle, or the loop's own work
        first = next(i for i, f in enumerate(stack) if not _is_in(f, machinery))
        key = _step_key(stack, first)
        now = time.monotonic()
        if candidate is None or candidate.key != key:  # frames compare by identity
            return _Candidate(key, now)
        if candidate.found is not None:
            candidate.found.last_seen = now
        elif now - candidate.first_seen >= threshold:
            frames = [
                (f.f_code.co_filename, f.f_lineno or 0, f.f_code.co_name)
                for f in stack[first:]
                if not _is_in(f, machinery)
            ]
            candidate.found = Blocked(owner, frames, threshold, candidate.first_seen, now)
            self.found.append(candidate.found)
        return candidate

    def _machinery_of(self, loop_class: type) -> tuple[str, ...]:
        """File prefixes of the loop's own code: asyncio's, the plugin's, the loop class's."""
        known = self._machinery.get(loop_class)
        if known is None:
            files = {ASYNCIO_DIR, PLUGIN_DIR, *_MACHINERY_FILES}
            for klass in loop_class.__mro__:  # an installed loop class: uvloop's, qasync's
                filename = getattr(sys.modules.get(klass.__module__), "__file__", None)
                if filename and filename.startswith(library_dirs()):
                    files.add(filename)
            known = self._machinery[loop_class] = tuple(sorted(files))
        return known


def _step_key(stack: list[FrameType], first: int) -> tuple[FrameType, ...]:
    """The frames that tell one step from the next: the loop's frame that called
    the user's (asyncio's ``Handle._run``, new for each callback) and the
    user's first. A loop that runs no Python frame per callback (uvloop) has
    only the plugin's frame there: then all the user's frames count, so that
    a new call of a function is a new step (a false report is worse than a
    missed one)."""
    if first and not stack[first - 1].f_code.co_filename.startswith(PLUGIN_DIR):
        return stack[first - 1], stack[first]
    return tuple(stack[first:])


def _is_in(frame: FrameType, files: tuple[str, ...]) -> bool:
    return frame.f_code.co_filename.startswith(files)


#: The code of the frame the watchdog finds below the loop's machinery.
_WATCHING = Watchdog.watching.__code__

#: The session's watchdog (the runner tells it of runs; the diagnostics configure it).
WATCHDOG = Watchdog()
