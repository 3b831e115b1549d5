"""The warnings the plugin issues about what went wrong inside a test's loop.

They are issued only when the diagnostics severity is ``warn`` (the ini
option ``asyncio_diagnostics``, ``--asyncio-diagnostics``, or the marker's
``diagnostics=``); by default the findings are reported in the terminal
summary and the tests' report sections instead, and change no outcome.
Like pytest's own ``PytestUnraisableExceptionWarning``, in ``warn`` mode
they are errors under ``-W error``, and filtered by class, e.g.
``filterwarnings = ignore::pytest_asyncio.LeakedTaskWarning``.
"""

from __future__ import annotations

import pytest

__all__ = [
    "BlockedLoopWarning",
    "DiagnosticWarning",
    "LeakedLoopWarning",
    "LeakedProcessWarning",
    "LeakedTaskWarning",
    "LoopExceptionWarning",
    "NeverAwaitedWarning",
    "NeverWakesWarning",
]


class DiagnosticWarning(pytest.PytestWarning):
    """The base of every diagnostics warning, to filter them all at once."""


class LeakedTaskWarning(DiagnosticWarning):
    """Tasks were still pending when the plugin closed a loop.

    The plugin cancelled them before closing the loop; the message names
    each task's coroutine, where it was suspended, and (for a
    function-scoped loop) the test.
    """


class LoopExceptionWarning(DiagnosticWarning):
    """An exception reached the loop's exception handler during a test.

    asyncio hands such exceptions (a failing ``call_soon`` callback, a task
    exception nobody retrieved) to the handler, which only logs them; the
    plugin reports them instead, with the original traceback and the test.
    """


class LeakedLoopWarning(DiagnosticWarning):
    """A test or a loop fixture left an event loop open; the plugin closed it.

    Left to the garbage collector, the loop would warn ``ResourceWarning``
    during some later, unrelated test.
    """


class LeakedProcessWarning(DiagnosticWarning):
    """Child processes were still running when the plugin closed their loop.

    The plugin terminated them (killed them if they did not stop) and
    waited for them, so none outlives its loop.
    """


class BlockedLoopWarning(DiagnosticWarning):
    """One step of a loop (a callback, one step of a task) ran longer than the threshold.

    Nothing else could run on the loop meanwhile. The message names the
    test or async fixture that was running and the stack where the loop
    was blocked, as sampled while it was.
    """


class NeverWakesWarning(DiagnosticWarning):
    """A test (or async fixture) on the virtual clock waits for something that
    can never happen: nothing is left that could wake its loop.

    The message shows its chain of awaits, down to the ``Event``, queue or
    future it waits on.
    """


class NeverAwaitedWarning(DiagnosticWarning):
    """A coroutine created during a test or fixture was dropped without being awaited.

    The message names the line that created it, the test it was created
    in, and where it was dropped (during which test), as Python's own
    ``RuntimeWarning`` names only the last.
    """
