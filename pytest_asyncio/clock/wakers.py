"""Whether anything could still wake a loop that waits: the test that can never wake.

Why: a test awaiting an ``Event`` nobody sets, a queue nobody feeds or a
future nobody completes waits until its time limit, or forever. Whether
that is what happens is a question about its loop, not about the awaited
object: with no callback ready, no timer, no file descriptor registered
(sockets, pipes, a child process's), no signal handler, and no thread that
could hand it work (``threads.any_may_wake``), and no signal handler of the
user's (``signal.signal``), nothing will ever run on the loop again, so no
task on it can be woken.

The virtual clock asks when its loop idles with no timer (the only state
in which the answer can be "nothing"); a timeout's report asks, on either
clock, which of the two it was. Anything uncertain counts as a possible
waker: a false report is worse than none.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

from pytest_asyncio import _asyncio_compat
from pytest_asyncio.clock import threads

#: Modules whose signal handlers never hand a loop work: the plugin's own
#: Ctrl-C handler, and pytest-timeout's, which fails the test.
_QUIET_HANDLERS = ("pytest_asyncio.", "pytest_timeout")


def what_may_wake(loop: asyncio.AbstractEventLoop) -> str | None:
    """What could still wake ``loop``, or ``None`` if nothing could.

    :returns: ``"callbacks"``, ``"timer"``, ``"signal"``, ``"io"``,
        ``"thread"``, or ``"unknown"`` for a loop whose insides the plugin
        cannot read (uvloop, a proactor loop); ``None``: nothing.
    """
    selector = _asyncio_compat.selector_of(loop)
    if selector is None:
        return "unknown"
    own = _asyncio_compat.waits_on_its_own(loop)
    if own is not None:
        return own
    if _asyncio_compat.waits_on_io(selector):
        return "io"
    if _python_signal_handler():
        return "signal"
    if threads.any_may_wake():
        return "thread"
    return None


def _python_signal_handler() -> bool:
    """Whether a signal handler of the user's is installed (``signal.signal``):
    run between two waits of the loop, it could call ``call_soon_threadsafe()``
    (a timer set with ``signal.setitimer()``, a signal from another process)."""
    for number in signal.valid_signals():
        with contextlib.suppress(ValueError, OSError):  # some cannot be read
            handler = signal.getsignal(number)
            if not callable(handler) or handler is signal.default_int_handler:
                continue
            module = getattr(handler, "__module__", None) or ""
            if not module.startswith(_QUIET_HANDLERS):
                return True
    return False
