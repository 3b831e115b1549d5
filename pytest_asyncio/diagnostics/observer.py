"""The diagnostics as a pytest plugin object: loops are watched, findings delivered.

:class:`~pytest_asyncio.plugin.AsyncioPlugin` registers one
:class:`DiagnosticsPlugin` at configure time and hands it every loop a loop
fixture provides (ours, and users' overrides alike). Everything per test is
a few attribute reads unless something went wrong. What becomes of a
finding is the severity's business (see ``findings``).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Generator
from typing import Any

import pytest

from pytest_asyncio import _asyncio_compat, _compat, _messages, _tasks
from pytest_asyncio._asyncio_compat import NEVER_AWAITED
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._runner import CANNOT_WAKE, STUCK_RUNS, NeverWoke, cancel_pending_tasks
from pytest_asyncio._settings import Severity
from pytest_asyncio._watchdog import WATCHDOG, Blocked
from pytest_asyncio.clock import threads
from pytest_asyncio.diagnostics import children, loops, summary
from pytest_asyncio.diagnostics.findings import Finding, Findings
from pytest_asyncio.diagnostics.leaks import StartedBy, cancel_quietly, leaked_tasks, never_awaited
from pytest_asyncio.diagnostics.loop_exceptions import LoopExceptionCollector
from pytest_asyncio.errors import DiagnosticError
from pytest_asyncio.warnings import BlockedLoopWarning, DiagnosticWarning, NeverWakesWarning

LoopOfTest = Callable[[pytest.Item], "asyncio.AbstractEventLoop | None"]


class DiagnosticsPlugin:
    """Leaked tasks, loops and processes; swallowed loop exceptions; mixed loops."""

    plugin_name = "asyncio-diagnostics"

    def __init__(self, loop_of_test: LoopOfTest) -> None:
        """:param loop_of_test: the loop an item runs on, ``None`` for a sync test."""
        self.loop_of_test = loop_of_test
        #: The configured severity (read at session start), for the summary.
        self.configured: Severity = "report"
        #: The severity in force now: the running test's marker's, else the
        #: configured one. Set as each test starts, so that watching a loop
        #: costs one attribute read.
        self.current: Severity = "report"
        self.watchdog = WATCHDOG  # samples the loop thread's stack during runs
        self.findings = Findings(self._current)
        self.exceptions = LoopExceptionCollector()
        self.summary = summary.Summary()
        #: Fixture names of the loops alive now, by ``id(loop)``.
        self.loop_names: dict[int, str] = {}
        #: Which test started each task on a loop that several tests share.
        self.started_by = StartedBy()
        #: After Ctrl-C, tasks are left pending by design: cancel them quietly.
        self.interrupted = False
        #: Findings made where raising is unsafe, for the end of the test phase.
        self.deferred: list[Finding] = []
        self.sections = summary.Sections()
        #: Each test function that ran, by file and name, to its test's node id.
        self.test_functions: dict[tuple[str, str], str] = {}
        self._noting = False  # coroutines never awaited, this session
        self._outer: tuple[float | None, float | None] = (None, None)
        self._threshold: float | None = None  # the configured one, in force
        self._outer_threads: frozenset[threading.Thread] = frozenset()  # an outer session's
        self._outer_severity: Callable[[], Severity] = CANNOT_WAKE.severity

    def _current(self) -> Severity:
        return self.current

    def configure(self, severity: Severity, blocked_threshold: float | None) -> None:
        """Take the configured severity and blocked-loop threshold (at session start)."""
        self.configured = severity
        INTERRUPTS.stuck = None  # an earlier session's, in the same process
        self._outer_threads = threads.note_session_start()  # none could wake a test's loop
        self._outer_severity = CANNOT_WAKE.severity  # an outer session's (pytester)
        CANNOT_WAKE.severity = self._current  # read only when a test can never wake
        watchdog = self.watchdog
        self._outer = (watchdog.configured, watchdog.threshold)  # an outer session's (pytester)
        watchdog.configured = blocked_threshold
        self.for_test(None, None)
        self._threshold = watchdog.threshold
        self._noting = severity != "off"
        if self._noting:
            NEVER_AWAITED.start()

    def for_test(self, severity: Severity | None, blocked_threshold: float | None) -> None:
        """A test marker's severity and threshold (``None``: the configured ones)."""
        self.current = severity or self.configured
        self.watchdog.for_test(blocked_threshold, self.current == "off")

    def end_of_test(self) -> None:
        """Back to the configured severity and threshold."""
        self.current = self.configured
        self.watchdog.threshold = self._threshold

    def watch_loop(
        self, loop: asyncio.AbstractEventLoop, fixturedef: Any, request: pytest.FixtureRequest
    ) -> None:
        """Watch a loop a loop fixture just provided, until that fixture's teardown.

        Call it after the fixture function ran: the finalizer registered here
        then runs before the fixture's own teardown, while the loop is open.
        """
        request.addfinalizer(
            self.watch(loop, fixturedef.argname, fixturedef.scope, request.node.nodeid)
        )

    def watch(
        self, loop: asyncio.AbstractEventLoop, fixture: str, scope: str, node: str
    ) -> Callable[[], None]:
        """Watch ``loop``, provided as fixture ``fixture`` of ``scope`` for ``node``.

        With diagnostics ``off`` for the running test nothing is watched;
        the check only cancels the loop's tasks, quietly.

        :returns: the check to run right before the loop is torn down.
        """
        if self.current == "off":
            return functools.partial(cancel_quietly, loop)
        if loop.get_exception_handler() is None:  # unless the user set one
            loop.set_exception_handler(self.exceptions.handle)
        _tasks.record_creation(loop)
        self.loop_names[id(loop)] = fixture
        if scope != "function":
            self.started_by.share(loop)
        return functools.partial(self._before_loop_teardown, loop, fixture, scope, node)

    def _before_loop_teardown(
        self, loop: asyncio.AbstractEventLoop, fixture: str, scope: str, node: str
    ) -> None:
        __tracebackhide__ = True
        self.loop_names.pop(id(loop), None)
        self.started_by.forget(loop)
        if scope != "function":  # what its closing logs is charged to its fixture
            self.exceptions.closed_owners[id(loop)] = (fixture, scope, node)
        if _asyncio_compat.loop_is_idle(loop):
            return  # nothing left on it: the usual end of a test
        if self.interrupted:
            children.end_live_children(loop)
            cancel_pending_tasks(loop)
            return
        found: list[Finding] = []
        processes = loops.leaked_processes(loop, fixture, scope, node)
        if processes is not None:
            found.append(processes)
        self.exceptions.cancelling = loop
        try:
            found += leaked_tasks(loop, fixture, scope, node, self.started_by)
        finally:
            self.exceptions.cancelling = None
        self.deliver(found)

    def deliver(self, found: list[Finding]) -> None:
        """Deliver every finding; in ``error`` mode raise the first error after all."""
        __tracebackhide__ = True
        first: BaseException | None = None
        for finding in found:
            try:
                self.findings.deliver(finding)
            except Exception as error:  # the finding as an error, or a warning turned one
                first = first or error
        if first is not None:
            raise first

    def check_current_loop(self, item: pytest.Item, saved_loop: object) -> None:
        """Close and report a loop the test left open as the current loop."""
        __tracebackhide__ = True
        if self.interrupted:
            return
        finding = loops.left_current(item, saved_loop, self.loop_names)
        if finding is not None and self.current != "off":
            self.deliver([finding])

    def defer(self, finding: Callable[[], Finding]) -> None:
        """Deliver a finding at the end of the test phase (unless diagnostics are off).

        For findings made where raising is unsafe: ``pytest_fixture_post_finalizer``
        must not raise (pytest 8.2 would keep the fixture cached), nor the
        setup of a loop pytest has already cached.

        :param finding: makes the finding, called only if it is delivered.
        """
        if self.current != "off" and not self.interrupted:
            self.deferred.append(finding())

    def pytest_keyboard_interrupt(self) -> None:
        # pytest tears the remaining fixtures down after this hook, in
        # pytest_sessionfinish, outside any test: a report there would be
        # no test's, and an error would crash the session.
        self.interrupted = True

    # pytest reports unraisable exceptions the same way: trylast, so the
    # phase's own work is done, and an error fails that phase.

    # Each checks first that the phase left anything to say, the usual answer.

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        code = getattr(getattr(item, "obj", None), "__code__", None)
        if code is not None:  # a coroutine it creates is charged back to it
            self.test_functions[(code.co_filename, code.co_name)] = item.nodeid
        if self._phase_left_something():
            self._end_of_phase("setup", item)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_call(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if self._phase_left_something():
            self._end_of_phase("the call", item)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if self._phase_left_something():
            self._end_of_phase("teardown", item)

    def _phase_left_something(self) -> bool:
        caught = self.exceptions
        return bool(
            caught.records
            or self.deferred
            or caught.closed_owners
            or self.watchdog.found
            or CANNOT_WAKE.found
            or NEVER_AWAITED.found
        )

    def _end_of_phase(self, phase: str, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if self.watchdog.found:
            self.deferred.extend(blocked_loops(self.watchdog.take(), item.nodeid))
        if CANNOT_WAKE.found:
            records, CANNOT_WAKE.found = CANNOT_WAKE.found, []
            self.deferred.extend(never_woke(record, item.nodeid) for record in records)
        if NEVER_AWAITED.found:
            dropped, NEVER_AWAITED.found = NEVER_AWAITED.found, []
            for record in dropped:
                finding = never_awaited(record, self.test_functions, item.nodeid)
                if finding is not None:
                    self.deferred.append(finding)
        if not (self.exceptions.records or self.deferred):
            self.exceptions.closed_owners.clear()
            return
        found, self.deferred = self.deferred, []
        if self.exceptions.records:
            found.extend(self.exceptions.flush(phase, item.nodeid))
        self.deliver(found)

    def pytest_sessionfinish(self) -> None:
        self.exceptions.drop_leftovers()
        self.deferred = []
        self.watchdog.found = []
        CANNOT_WAKE.found = []
        threads.restore_session(self._outer_threads)
        CANNOT_WAKE.severity = self._outer_severity
        if self._noting:
            NEVER_AWAITED.stop()
            self._noting = False
        self.test_functions.clear()
        self.watchdog.configured, self.watchdog.threshold = self._outer

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        self.sections.place(item, report, self.findings)
        stuck = bool(STUCK_RUNS)  # timed out: was it waiting on another loop's fixture?
        if stuck:
            STUCK_RUNS.clear()
        if report.failed and call.excinfo is not None:
            if isinstance(call.excinfo.value, (DiagnosticError, DiagnosticWarning)):
                # the message tells the whole story; the plugin's frames are hidden
                _compat.drop_hidden_frames_note(report.longrepr)
            # Imported here: only a failed test is looked at for mixed loops.
            from pytest_asyncio.diagnostics import mixed_loops

            if stuck or mixed_loops.is_mixed_loop_error(call.excinfo.value):
                funcargs: dict[str, object] = getattr(item, "funcargs", {})
                lines = mixed_loops.explain(
                    funcargs,
                    self.loop_of_test(item),
                    self.loop_names,
                    functools.partial(mixed_loops.scope_in, item),
                )
                if lines:
                    mixed_loops.add_to_report(report, lines, stuck)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if getattr(report, summary.ATTRIBUTE, None):  # ours, or a worker's
            self.summary.collect(report)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        self.summary.write(terminalreporter, self.configured)
        stuck, INTERRUPTS.stuck = INTERRUPTS.stuck, None
        if stuck is not None:  # Ctrl-C: what the interrupted test was waiting on
            terminalreporter.write_sep("=", _messages.INTERRUPTED_TITLE)
            terminalreporter.write_line(_messages.interrupted_while_waiting(*stuck))


def blocked_loops(found: list[Blocked], test: str) -> list[Finding]:
    """The findings for steps that blocked a loop during a phase of ``test``."""
    findings: list[Finding] = []
    for blocked in found:
        owner = blocked.owner
        whose = _messages.blocked_owner(
            owner if isinstance(owner, str) else str(owner()),  # type: ignore[operator]
            isinstance(owner, str),
        )
        text = _messages.blocked_loop(whose, blocked.seconds, blocked.threshold, blocked.where())
        findings.append(Finding(BlockedLoopWarning, text, test, "blocked", blocked.location()))
    return findings


def never_woke(record: NeverWoke, test: str) -> Finding:
    """The finding for a run whose loop found that nothing could ever wake it."""
    text = _messages.never_woke(record.description, record.where)
    return Finding(NeverWakesWarning, text, test, "never_wakes", record.location)
