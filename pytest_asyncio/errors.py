"""The errors the plugin raises for its findings when the severity is ``error``.

With ``asyncio_diagnostics = error`` (or ``--asyncio-diagnostics=error``,
or ``@pytest.mark.asyncio(diagnostics="error")``) a finding fails the test
it belongs to with one of these exceptions, the counterpart of the warning
class the same finding has in ``warn`` mode. ``pytest.raises`` and
``except`` clauses can name them; a warning filter cannot, since they are
not warnings.
"""

from __future__ import annotations

from pytest_asyncio.warnings import (
    BlockedLoopWarning,
    DiagnosticWarning,
    LeakedLoopWarning,
    LeakedProcessWarning,
    LeakedTaskWarning,
    LoopExceptionWarning,
    NeverAwaitedWarning,
    NeverWakesWarning,
)

__all__ = [
    "BlockedLoopError",
    "DiagnosticError",
    "LeakedLoopError",
    "LeakedProcessError",
    "LeakedTaskError",
    "LoopExceptionError",
    "NeverAwaitedError",
    "NeverWakesError",
]


class DiagnosticError(Exception):
    """The base of every diagnostics error, to catch them all at once."""


class LeakedTaskError(DiagnosticError):
    """Tasks were still pending when the plugin closed a loop (``error`` mode).

    The plugin cancelled them and closed the loop before raising; a task
    that did not stop when cancelled was left pending on the closed loop.
    The counterpart of :class:`~pytest_asyncio.LeakedTaskWarning`.
    """


class LoopExceptionError(DiagnosticError):
    """An exception reached the loop's exception handler (``error`` mode).

    Raised from the original exception, so the traceback shows both. The
    counterpart of :class:`~pytest_asyncio.LoopExceptionWarning`.
    """


class LeakedLoopError(DiagnosticError):
    """A test or a loop fixture left an event loop open (``error`` mode).

    The plugin closed the loop before raising. The counterpart of
    :class:`~pytest_asyncio.LeakedLoopWarning`.
    """


class NeverAwaitedError(DiagnosticError):
    """A coroutine was dropped without being awaited (``error`` mode).

    The counterpart of :class:`~pytest_asyncio.NeverAwaitedWarning`.
    """


class LeakedProcessError(DiagnosticError):
    """Child processes were still running when their loop closed (``error`` mode).

    The plugin ended them before raising. The counterpart of
    :class:`~pytest_asyncio.LeakedProcessWarning`.
    """


class BlockedLoopError(DiagnosticError):
    """One step of a loop ran longer than the threshold (``error`` mode).

    The counterpart of :class:`~pytest_asyncio.BlockedLoopWarning`.
    """


class NeverWakesError(DiagnosticError):
    """Nothing could ever wake the loop of a test on the virtual clock (``error`` mode).

    The test was cancelled at once, not at its time limit. The counterpart
    of :class:`~pytest_asyncio.NeverWakesWarning`.
    """


_ERRORS: dict[type[DiagnosticWarning], type[DiagnosticError]] = {
    LeakedTaskWarning: LeakedTaskError,
    LoopExceptionWarning: LoopExceptionError,
    LeakedLoopWarning: LeakedLoopError,
    LeakedProcessWarning: LeakedProcessError,
    BlockedLoopWarning: BlockedLoopError,
    NeverWakesWarning: NeverWakesError,
    NeverAwaitedWarning: NeverAwaitedError,
}


def error_class(category: type[DiagnosticWarning]) -> type[DiagnosticError]:
    """The error a finding of warning class ``category`` is raised as in ``error`` mode."""
    for warning, error in _ERRORS.items():
        if issubclass(category, warning):
            return error
    return DiagnosticError
