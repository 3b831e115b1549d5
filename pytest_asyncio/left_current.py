"""A loop others left current before an async test, in suites for pytest-asyncio 0.15 to 0.24.

pytest-asyncio 0.15 to 0.24 closed the current loop whenever it set up
``event_loop`` and found another loop current, open: a loop that sync code
made current (``asyncio.get_event_loop()`` with none current makes one) was
closed as the next async test set up its loop, and libraries that cached it
noticed the closed loop and made a fresh one. pytest-asyncio 1.x leaves that
loop open and current again after the async tests, and so does this plugin.

A suite says which era it was written for: only 0.x has an ``event_loop``
fixture, so a suite that names it was written for 0.x. Decided once per
session, at collection, over every collected test (before ``-k`` or ``-m``
deselect any): a test or one of its fixtures that names ``event_loop``, or a
plain-function ``event_loop`` fixture that a test sees. Then, and only then,
the setup of an async test's ``event_loop`` closes an open loop that others
left current, and the diagnostics report it as a loop left open.

Left open: the test's own loop, the loops of loop fixtures still in use (a
wider ``event_loop`` or a ``loop_scope`` loop the last async test left
current), a running loop, and the loop current as the session's collection
began (a conftest's or a ``pytest_sessionstart`` hook's, theirs to close).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Iterable
from typing import final

import pytest

from pytest_asyncio import _asyncio_compat, _compat
from pytest_asyncio._runner import RunFailed, close_loop
from pytest_asyncio.diagnostics import loops as leaks
from pytest_asyncio.diagnostics.observer import DiagnosticsPlugin
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.loop_dependencies import LoopDependencies
from pytest_asyncio.loops.fixture import LoopFixture

#: The fixture whose setup closes a loop left current, as in 0.15 to 0.24.
EVENT_LOOP = LoopFixture.name

#: The current-loop slot as no one has set it: ``asyncio.get_event_loop()``
#: then makes a loop, as it does before any test ran.
_UNSET = _asyncio_compat.CurrentLoop(None, set_called=False)


@final
class LeftCurrentLoops:
    """Whether the session closes loops left current, and the closing itself.

    :param diagnostics: reports each loop closed, as a loop left open.
    """

    def __init__(self, diagnostics: DiagnosticsPlugin) -> None:
        self.diagnostics = diagnostics
        #: Whether the session's tests use 0.x's ``event_loop`` (see :meth:`note`).
        self.closes = False
        #: The loop current as the session's collection began: never closed here.
        self.session_loop: asyncio.AbstractEventLoop | None = None

    def note(self, definition: pytest.Function, dependencies: LoopDependencies) -> None:
        """At collection, for each test function: does it use 0.x's ``event_loop``?

        Called before the plugin adds any loop fixture to the test's closure.

        :param dependencies: the classifier's, which knows the loop fixtures'
            definitions visible from the test's module or class.
        """
        if self.closes:
            return
        definitions = dependencies.of_parent(definition)[0].get(EVENT_LOOP)
        if definitions and fixture_class(definitions[-1].func) is None:
            self.closes = True  # a plain-function override, as 0.x suites write it
        elif EVENT_LOOP in definition.fixturenames:
            self.closes = _compat.requested_by_name(definition, EVENT_LOOP)

    def close_before(
        self,
        item: pytest.Item,
        fixture: str,
        loop: asyncio.AbstractEventLoop,
        in_use: Iterable[asyncio.AbstractEventLoop],
    ) -> None:
        """``loop`` was just made for the async test ``item``: close the loop others left current.

        Only for ``event_loop`` in a session that uses it (see :meth:`note`).

        :param fixture: the test's loop fixture.
        :param in_use: the loops of loop fixtures set up and not yet torn down.
        """
        if not self.closes or fixture != EVENT_LOOP:
            return
        current = _asyncio_compat.current_loop()
        if current is None or current is loop or current is self.session_loop:
            return
        if current.is_closed() or current.is_running():
            return
        if any(current is kept for kept in in_use):
            return
        with contextlib.suppress(RunFailed):  # its tasks are not this test's
            close_loop(current)
        self.diagnostics.defer(functools.partial(leaks.left_by_others, item, fixture))

    def restorable(self, saved: _asyncio_compat.CurrentLoop) -> _asyncio_compat.CurrentLoop:
        """What to put back for ``saved`` after async tests: no loop, for a loop
        closed since (0.15 to 0.24 left a fresh one there, never a closed one)."""
        if self.closes and saved.loop is not None and saved.loop.is_closed():
            return _UNSET
        return saved
