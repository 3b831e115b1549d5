"""Ctrl-C while the plugin drives a loop: a clean, prompt end of the session.

Python's default answer to Ctrl-C raises ``KeyboardInterrupt`` wherever the
program happens to be. Raised inside asyncio's own code it can leave a
loop in a state where it cannot be closed; raised while pytest tears the
fixtures down after an earlier Ctrl-C, it escapes that teardown as a
traceback instead of pytest's "KeyboardInterrupt" summary.

So, like ``asyncio.Runner``, the plugin takes SIGINT over while it drives a
loop (only in the main thread, and only from Python's default handler) and
hands each press to the run in progress (see ``_runner``): the first press
cancels the task, a further one stops waiting for it. Between runs a press
raises ``KeyboardInterrupt`` as usual, except while pytest tears down after
an interrupt, where the next two presses are ignored so that the teardown
and the summary can finish (a third still raises, for a teardown that hangs
in synchronous code).

A run ended by Ctrl-C raises ``KeyboardInterrupt``. In a fixture's teardown
that would cut pytest's teardown short (the fixtures after it would never be
torn down), so teardown code *defers* it: :meth:`Interrupts.after_teardown`
raises it once the test's teardown is complete.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING, Protocol

#: Presses ignored outside a run after the session was interrupted.
_IGNORED_AFTER_INTERRUPT = 2


if TYPE_CHECKING:  # for the type checker only: making a Protocol class costs every import

    class Pressable(Protocol):
        """The run in progress: what it does on Ctrl-C, and when its loop finds
        that nothing could ever wake it (the virtual clock tells it)."""

        def press(self) -> None: ...

        def cannot_wake(self, loop: asyncio.AbstractEventLoop) -> None: ...


class Interrupts:
    """SIGINT while the plugin runs coroutines; one instance per process."""

    def __init__(self) -> None:
        #: The run in progress, which gets the presses.
        self.current: Pressable | None = None
        #: The session was interrupted: pytest is tearing everything down.
        self.session_interrupted = False
        self._deferred = False
        self._ignored = 0
        self._handler = self._on_sigint  # one bound method, for the identity check
        #: Whether the handler was installed; ``None``: not looked at yet.
        self.installed: bool | None = None
        #: What the run Ctrl-C interrupted was waiting on: its description
        #: and its await chain, for the session's summary (which takes it).
        self.stuck: tuple[str, str] | None = None

    def take_over(self) -> None:
        """Handle SIGINT from now on, if it has Python's default handler.

        Called before every run: it looks at the handler once, until
        :meth:`give_back` (``signal.getsignal`` costs microseconds).
        """
        if self.installed is not None:
            return
        self.installed = False
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, self._handler)
            self.installed = True

    def give_back(self) -> None:
        """Put Python's default handler back, if the plugin's is installed."""
        installed, self.installed = self.installed, None
        if installed and signal.getsignal(signal.SIGINT) is self._handler:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def after_teardown(self, give_back: bool) -> None:
        """At the end of a test's teardown: :meth:`give_back` if asked, then raise
        the ``KeyboardInterrupt`` a teardown deferred, if there is one."""
        __tracebackhide__ = True  # where it was raised says nothing about where it was pressed
        if give_back and self.installed is not None:
            self.give_back()
        if self._deferred:
            self._deferred = False
            raise KeyboardInterrupt

    def interrupted(self) -> None:
        """The session was interrupted; keep further presses from breaking its teardown."""
        self.session_interrupted = True
        self.take_over()

    def defer(self) -> None:
        """Ctrl-C ended a run inside teardown code: raise it once teardown is done."""
        if not self.session_interrupted:
            self._deferred = True

    def end_session(self) -> None:
        """Forget the session's state and put the default handler back."""
        self.session_interrupted = self._deferred = False
        self._ignored = 0
        self.current = None
        self.give_back()

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        run = self.current
        if run is not None:
            run.press()
        elif self.session_interrupted and self._ignored < _IGNORED_AFTER_INTERRUPT:
            self._ignored += 1
        else:
            signal.default_int_handler(signum, frame)


#: The process's one instance: signal handlers are process-wide.
INTERRUPTS = Interrupts()
