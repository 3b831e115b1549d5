"""The warnings the plugin issues about what went wrong inside a test's loop.

Like pytest's own ``PytestUnraisableExceptionWarning``, they are warnings by
default, so a suite keeps running, and errors under ``-W error`` or
``filterwarnings = error``, so a strict suite fails on them. Filter them by
class, e.g. ``filterwarnings = ignore::pytest_asyncio.LeakedTaskWarning``.
"""

from __future__ import annotations

import pytest

__all__ = ["LeakedTaskWarning", "LoopExceptionWarning"]


class LeakedTaskWarning(pytest.PytestWarning):
    """Tasks were still pending when the plugin closed a loop.

    The plugin cancelled them before closing the loop; the message names
    each task's coroutine, where it was suspended, and (for a
    function-scoped loop) the test.
    """

    __module__ = "pytest_asyncio"


class LoopExceptionWarning(pytest.PytestWarning):
    """An exception reached the loop's exception handler during a test.

    asyncio hands such exceptions (a failing ``call_soon`` callback, a task
    exception nobody retrieved) to the handler, which only logs them; the
    plugin reports them instead, with the original traceback and the test.
    """

    __module__ = "pytest_asyncio"
