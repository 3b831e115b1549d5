"""The diagnostics as a pytest plugin object: loops are watched, reports made.

:class:`~pytest_asyncio.plugin.AsyncioPlugin` registers one
:class:`DiagnosticsPlugin` at configure time and hands it every loop a loop
fixture provides (ours, and users' overrides alike). Everything per test is
a few attribute reads unless something went wrong.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Generator
from typing import Any

import pytest

from pytest_asyncio.diagnostics import mixed_loops
from pytest_asyncio.diagnostics.leaks import report_leaked_tasks
from pytest_asyncio.diagnostics.loop_exceptions import LoopExceptionCollector
from pytest_asyncio.fixtures.loop import cancel_pending_tasks

LoopOfTest = Callable[[pytest.Item], "asyncio.AbstractEventLoop | None"]


class DiagnosticsPlugin:
    """Leaked tasks, swallowed loop exceptions and mixed-loop failures."""

    plugin_name = "asyncio-diagnostics"

    def __init__(self, loop_of_test: LoopOfTest) -> None:
        """:param loop_of_test: the loop an item runs on, ``None`` for a sync test."""
        self.loop_of_test = loop_of_test
        self.exceptions = LoopExceptionCollector()
        #: Fixture names of the loops alive now, by ``id(loop)``.
        self.loop_names: dict[int, str] = {}
        #: After Ctrl-C, tasks are left pending by design: cancel them quietly.
        self.interrupted = False

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

        :returns: the check to run right before the loop is torn down.
        """
        self.exceptions.watch(loop)
        self.loop_names[id(loop)] = fixture
        return functools.partial(self._before_loop_teardown, loop, fixture, scope, node)

    def _before_loop_teardown(
        self, loop: asyncio.AbstractEventLoop, fixture: str, scope: str, node: str
    ) -> None:
        __tracebackhide__ = True
        self.loop_names.pop(id(loop), None)
        if self.interrupted:
            cancel_pending_tasks(loop)
        else:
            report_leaked_tasks(loop, fixture, scope, node)

    def pytest_keyboard_interrupt(self) -> None:
        # pytest tears the remaining fixtures down after this hook, in
        # pytest_sessionfinish, outside any test: a warning there would be
        # no test's, and under -W error would crash the session.
        self.interrupted = True

    # pytest reports unraisable exceptions the same way: trylast, so the
    # phase's own work is done, and a warning turned error fails that phase.

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if self.exceptions.records:
            self.exceptions.flush("setup", item.nodeid)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_call(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if self.exceptions.records:
            self.exceptions.flush("the call", item.nodeid)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if self.exceptions.records:
            self.exceptions.flush("teardown", item.nodeid)

    def pytest_sessionfinish(self) -> None:
        self.exceptions.drop_leftovers()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.failed and call.excinfo is not None:
            if mixed_loops.is_mixed_loop_error(call.excinfo.value):
                funcargs: dict[str, object] = getattr(item, "funcargs", {})
                lines = mixed_loops.explain(
                    funcargs,
                    self.loop_of_test(item),
                    self.loop_names,
                    functools.partial(mixed_loops.scope_in, item),
                )
                if lines:
                    mixed_loops.add_to_report(report, lines)
        return report
