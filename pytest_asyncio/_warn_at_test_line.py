"""A warning about a test, shown at the test's own line.

Why not ``item.warn()``: under ``-W error`` (or ``filterwarnings = error``)
the warning is raised inside the plugin's hook, and pytest's report then
shows the plugin's source line above the message. Raised as below, the
report shows the user's test instead: its file, its line and the source
around it, as for an error in the test itself.
"""

from __future__ import annotations

import linecache
import warnings

import pytest


def warn_at_test(item: pytest.Item, message: str) -> None:
    """Warn with ``message`` at ``item``'s ``def`` line (its first decorator's, if any).

    :param item: the test the warning is about.
    :param message: the text of the :class:`pytest.PytestWarning`.
    """
    __tracebackhide__ = True
    filename, line, _ = item.location  # as pytest's item.warn(): relative, 0-based
    lineno = (line or 0) + 1
    try:
        warnings.warn_explicit(pytest.PytestWarning(message), None, filename, lineno)
    except pytest.PytestWarning as error:  # turned into an error by a filter
        _raise_at(error.with_traceback(None), str(item.path), lineno)


def _raise_at(error: BaseException, path: str, lineno: int) -> None:
    """Raise ``error`` from a frame at ``path:lineno``, the test's own source line.

    The frame's code is a ``raise`` statement compiled under the test file's
    name, preceded by blank lines to land on ``lineno``; it spans at least
    the length of that source line, so pytest draws no column markers under
    the user's code. Nothing of the user's module runs.
    """
    __tracebackhide__ = True
    width = len(linecache.getline(path, lineno).strip())
    statement = "raise (error" + " " * max(0, width - len("raise (error)")) + ")"
    code = compile("\n" * (lineno - 1) + statement, path, "exec")
    exec(code, {"error": error})  # runs only the raise statement compiled above
