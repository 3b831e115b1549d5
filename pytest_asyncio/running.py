"""Running: what the plugin does around each test's setup, call and teardown.

It reads what collection recorded in the test's
:class:`~pytest_asyncio.items.ItemState`, hands a test its loop directly
where collection found that safe, and puts the current loop back afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import final

import pytest

from pytest_asyncio import _asyncio_compat, _compat, _messages
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._runner import RunFailed, close_loop
from pytest_asyncio._settings import Mode
from pytest_asyncio._warn_at_test_line import warn_at_test
from pytest_asyncio.clock.switch import ClockSwitch
from pytest_asyncio.clock.virtual import CLOCKS
from pytest_asyncio.collection import is_coroutine_test
from pytest_asyncio.diagnostics.observer import DiagnosticsPlugin
from pytest_asyncio.fixture_setup import FixtureSetup
from pytest_asyncio.fixtures.declare import belongs_to_other_plugin
from pytest_asyncio.items import STATE, ItemState, async_test_of
from pytest_asyncio.left_current import LeftCurrentLoops
from pytest_asyncio.markers.async_marker import AsyncTest


@final
class TestRuns:
    """Per-test setup and teardown around pytest's own, for the plugin object."""

    __test__ = False  # not a test class, whatever its name

    def __init__(
        self,
        mode: Mode,
        fixture_setup: FixtureSetup,
        diagnostics: DiagnosticsPlugin,
        clock: ClockSwitch,
    ) -> None:
        self.mode = mode
        self.fixture_setup = fixture_setup
        self.diagnostics = diagnostics
        self.clock = clock
        #: Closes loops others left current, in suites that use 0.x's ``event_loop``.
        self.left_current = LeftCurrentLoops(diagnostics)
        fixture_setup.test_loop_made = self.left_current.close_before
        #: The current-loop snapshot taken before the first of a run of async tests.
        self._saved_loop: _asyncio_compat.CurrentLoop | None = None
        #: The current loop as the session's tests found it (see :meth:`end_session`).
        self._session_loop = _asyncio_compat.snapshot_current_loop()

    def setup(self, item: pytest.Item) -> None:
        """Before pytest sets up ``item``'s fixtures: note the test, hand it its loop."""
        __tracebackhide__ = True  # a warning raised as an error is the test's
        state = item.stash.get(STATE, None)
        if state is None:  # not a test function, or added after collection
            state = ItemState(item)
        self.fixture_setup.running = state
        test = state.test
        if (test is not None and test.virtual_clock) or CLOCKS:
            self.clock.begin(item, test)
        if test is None:
            if state.marked_sync is not None:
                warn_at_test(item, _messages.marker_on_sync_test(item.nodeid, state.marked_sync))
            return
        if test.diagnostics is not None or test.blocked_threshold is not None:
            # the marker's, until the test's teardown ends
            self.diagnostics.for_test(test.diagnostics, test.blocked_threshold)
        if self._saved_loop is None:  # else carried over from the async test before
            self._saved_loop = _asyncio_compat.snapshot_current_loop()
        if test.error is not None:
            _refuse(test.error)
        if state.direct is not None:
            self._use_direct_loop(item, state)  # type: ignore[arg-type] # a Function

    def _use_direct_loop(self, item: pytest.Function, state: ItemState) -> None:
        """Hand the test its loop before pytest fills fixtures (see ``loops.direct``)."""
        direct = state.direct
        assert direct is not None
        provided = direct.provide(item, self.fixture_setup.debug, self.diagnostics.watch)
        if provided is None:  # the first test of a wider loop: pytest sets it up
            return
        loop, close = provided
        _compat.prefill_fixture(item, direct.name, loop)
        if close is not None:  # made now
            state.direct_loop, state.close_direct = loop, close
            in_use = self.fixture_setup.loops_in_use()
            self.left_current.close_before(item, direct.name, loop, in_use)
        if state.test is not None and state.test.virtual_clock:
            refused = self.clock.refusal(loop)
            if refused is not None:
                pytest.fail(refused, pytrace=False)
        _asyncio_compat.make_current(loop)

    def call(self, item: pytest.Function) -> bool | None:
        """Run an async test; refuse an unmarked coroutine test; leave the rest to pytest."""
        __tracebackhide__ = True  # the plugin's own frames: see ``pytest_pyfunc_call``
        running = self.fixture_setup.running
        test = running.test if running is not None and running.item is item else async_test_of(item)
        if test is None:
            if self.mode == "unset" and is_coroutine_test(item.obj):
                if not belongs_to_other_plugin(item):
                    pytest.fail(_messages.unmarked_async_test(item.nodeid), pytrace=False)
            return None
        loop: asyncio.AbstractEventLoop = item.funcargs[test.loop_fixture]  # type: ignore[assignment]
        _asyncio_compat.make_current(loop)
        started_by = self.diagnostics.started_by
        if id(loop) not in started_by.loops:  # the usual loop, of this test alone
            test.marker.run(item, test)
            return True
        started_by.note(loop, None)  # the tasks alive before are not this test's
        try:
            test.marker.run(item, test)
        finally:
            started_by.note(loop, item.nodeid)
        return True

    def finish(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """Close the test's direct loop, put the current loop back, forget the test.

        Why not always put it back: the next async test sets its own loop
        anyway, so along a run of async tests the snapshot taken before the
        first is kept and put back after the last (before a sync test, or at
        the end), instead of once per test.
        """
        __tracebackhide__ = True
        try:
            self._close_direct_loop(item)
        finally:
            saved = self._saved_loop
            sync_next = nextitem is None or async_test_of(nextitem) is None
            try:
                state = self.fixture_setup.running
                test = state.test if state is not None else None
                if saved is not None and test is not None:  # did it leave a loop current?
                    self._check_current_loop(item, test, saved)
            finally:
                if sync_next and saved is not None:
                    self._saved_loop = None
                    self._restore(saved)
                self.fixture_setup.running = None
                self.diagnostics.end_of_test()
                # Sync code next: Ctrl-C as Python handles it. And a Ctrl-C
                # the teardown deferred is raised now that it is done.
                INTERRUPTS.after_teardown(give_back=sync_next)

    def _check_current_loop(
        self, item: pytest.Item, test: AsyncTest, saved: _asyncio_compat.CurrentLoop
    ) -> None:
        """Have the diagnostics look at a current loop that is neither the one
        from before the test nor the test's own (the usual two)."""
        __tracebackhide__ = True
        current = _asyncio_compat.current_loop()
        if current is None or current is saved.loop:
            return
        funcargs: dict[str, object] = getattr(item, "funcargs", None) or {}
        if funcargs.get(test.loop_fixture) is current:
            return
        self.diagnostics.check_current_loop(item, saved)

    def _close_direct_loop(self, item: pytest.Item) -> None:
        """Close a loop :meth:`_use_direct_loop` made, after the test's fixtures."""
        __tracebackhide__ = True
        state = self.fixture_setup.running
        close = state.close_direct if state is not None else None
        if state is None or close is None:
            return
        state.close_direct = state.direct_loop = None
        try:
            close()
        finally:  # report what the loop's exception handler got while closing
            self.diagnostics.pytest_runtest_teardown(item)

    def note_session_loop(self) -> None:
        """As collection starts, after every ``pytest_sessionstart`` hook: the loop
        current now (a loop a hook made for the session is the hook's to close)."""
        self._session_loop = _asyncio_compat.snapshot_current_loop()
        self.left_current.session_loop = self._session_loop.loop

    def _restore(self, saved: _asyncio_compat.CurrentLoop) -> None:
        """Put back the current loop from before a run of async tests."""
        _asyncio_compat.restore_current_loop(self.left_current.restorable(saved))

    def end_session(self) -> None:
        """Leave the current loop as the session found it.

        After Ctrl-C pytest tears the last test down at session end, without
        our hook. And a loop that the tests or their modules made current and
        left open (``asyncio.set_event_loop(asyncio.new_event_loop())`` at a
        test module's import) is closed here: dropped unclosed, it would warn "unclosed
        event loop" wherever the garbage collector finds it. pytest-asyncio 0.21
        closed such a loop as it set up the next ``event_loop``.
        """
        running = self.fixture_setup.running
        if running is not None:
            self.finish(running.item, None)
        elif self._saved_loop is not None:  # interrupted between two async tests
            self._restore(self._saved_loop)
            self._saved_loop = None
        left = _asyncio_compat.current_loop()
        if left is not None and left is not self._session_loop.loop and not left.is_running():
            _asyncio_compat.restore_current_loop(self._session_loop)
            with contextlib.suppress(RunFailed):  # no test is left to charge a stubborn task to
                close_loop(left)


def _refuse(error: str) -> None:
    """Fail the test's setup with ``error`` alone.

    Not hidden from the traceback: with every frame hidden, pytest would add
    "All traceback entries are hidden" below the message.
    """
    pytest.fail(error, pytrace=False)
