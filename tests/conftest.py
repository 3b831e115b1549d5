"""Helpers shared by the plugin's own tests.

Most tests run a small inner pytest session with ``pytester`` (in-process,
for speed). :func:`run_clean` runs one with warnings as errors and then
checks that nothing the session left behind complains when garbage
collected: an unclosed loop warns ``ResourceWarning`` from ``__del__``,
which Python reports only as an "unraisable" exception, never as a failure.
"""

from __future__ import annotations

import gc
import sys
import warnings
from collections.abc import Callable
from typing import Any

import pytest

# Hypothesis's pytest plugin imports hypothesis at the end of every session.
# pytester forgets modules an inner session imported, so each inner session
# would import (and assertion-rewrite) all of hypothesis again, ~1 s apiece.
# Importing it once here keeps it loaded for every inner session.
try:
    import hypothesis.internal.observability  # noqa: F401
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass

# A spawned process-pool worker is started by pickling
# concurrent.futures.process._process_worker by name. If an inner session is
# the first to import that module, pytester forgets it afterwards, and the
# next inner session's copy is not the object pickle finds by name
# ("it's not the same object"). Importing it here keeps one copy for all.
import concurrent.futures.process  # noqa: F401

RunClean = Callable[..., pytest.RunResult]


@pytest.fixture
def run_clean(pytester: pytest.Pytester) -> RunClean:
    """Run an inner session with ``-W error`` and fail on unraisable leftovers.

    :returns: a callable taking ``runpytest`` arguments (and keyword
        arguments, e.g. ``no_reraise_ctrlc=True``), returning its result.
    """

    def run(*args: str, **kwargs: Any) -> pytest.RunResult:
        result = pytester.runpytest("-W", "error", "-p", "no:cacheprovider", *args, **kwargs)
        leftovers = collect_unraisable()
        assert not leftovers, "the inner session left garbage that complained:\n" + "\n".join(
            leftovers
        )
        return result

    return run


def collect_unraisable() -> list[str]:
    """Collect garbage with warnings as errors; describe whatever complained."""
    seen: list[str] = []

    def hook(unraisable: Any) -> None:
        seen.append(f"{unraisable.err_msg or 'Exception ignored in'}: {unraisable.exc_value!r}")

    previous = sys.unraisablehook
    sys.unraisablehook = hook
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            gc.collect()
    finally:
        sys.unraisablehook = previous
    return seen
