"""The pytest plugin: options, fixtures, and hooks that delegate to the classes.

pytest loads this module through the ``pytest11`` entry point ``asyncio``.
Its fixtures are the defaults users override; :class:`AsyncioPlugin` holds
the per-session state and is registered at configure time.
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import types
from collections.abc import Callable, Generator
from typing import Any

import pytest

import pytest_asyncio
from pytest_asyncio import _asyncio_compat, _messages, hooks
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._settings import Settings, Severity, add_options
from pytest_asyncio._warn_at_test import warn_at_test
from pytest_asyncio.clock import ClockUnsupported
from pytest_asyncio.clock.switch import SWITCH, ClockSwitch, VirtualClockFixture
from pytest_asyncio.diagnostics.hooks import DiagnosticsPlugin
from pytest_asyncio.fixture_setup import FixtureSetup, belongs_to_other_plugin
from pytest_asyncio.fixtures.async_fixtures import AsyncFixtureAdapter
from pytest_asyncio.fixtures.ports import (
    HOST,
    PortFactoryFixture,
    PortFixture,
    UdpPortFactoryFixture,
    UdpPortFixture,
    bind_free_port,
)
from pytest_asyncio.items import ASYNC_TEST, PLUGIN_NAME, is_async_test
from pytest_asyncio.loops.dependencies import LoopDependencies
from pytest_asyncio.loops.direct import DirectLoop
from pytest_asyncio.loops.factories import LoopFactories, is_implemented
from pytest_asyncio.loops.fixture import LoopFixture, no_loop_factory
from pytest_asyncio.loops.policy import event_loop_policy
from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture
from pytest_asyncio.loops.scoped import define_package_loops, scoped_loop_fixtures
from pytest_asyncio.markers.async_marker import AsyncMarker, ProcessPoolMarker

__all__ = [
    "event_loop",
    "event_loop_policy",
    "event_loop_process_pool",
    "is_async_test",
    "no_loop_factory",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_configure",
    "unused_tcp_port",
    "unused_tcp_port_factory",
    "unused_udp_port",
    "unused_udp_port_factory",
    "virtual_clock",
]

event_loop = LoopFixture.fixture()
event_loop_process_pool = ProcessPoolLoopFixture.fixture()
unused_tcp_port = PortFixture.fixture()
unused_tcp_port_factory = PortFactoryFixture.fixture()
unused_udp_port = UdpPortFixture.fixture()
unused_udp_port_factory = UdpPortFactoryFixture.fixture()
virtual_clock = VirtualClockFixture.fixture()

_SYNC_BUT_MARKED = pytest.StashKey[str]()
_DIRECT = pytest.StashKey[DirectLoop]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    plugin = AsyncioPlugin(config)
    for marker in plugin.marker_classes:
        marker.register(config)
    config.pluginmanager.register(plugin, AsyncioPlugin.plugin_name)
    config.pluginmanager.register(plugin.diagnostics, DiagnosticsPlugin.plugin_name)
    config.pluginmanager.register(_scoped_loops_holder(), "asyncio-scoped-loops")


def _scoped_loops_holder() -> types.ModuleType:
    """A module object holding the scoped loop fixtures, for pytest to collect."""
    holder = types.ModuleType("pytest_asyncio.scoped_loops")
    holder.__dict__.update(scoped_loop_fixtures())
    return holder


class AsyncioPlugin:
    """Per-session state and the hooks that need it."""

    plugin_name = PLUGIN_NAME
    marker_classes: tuple[type[AsyncMarker], ...] = (AsyncMarker, ProcessPoolMarker)

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.diagnostics = DiagnosticsPlugin(
            self.loop_of_test, self.diagnostics_severity, self._default_severity
        )
        self._settings: Settings | None = None
        self._loop_names = {LoopFixture.name, ProcessPoolLoopFixture.name}
        self._loop_names.update(scoped_loop_fixtures())
        #: The running async test's current-loop snapshot and direct loop closer.
        self._saved_loop: _asyncio_compat.CurrentLoop | None = None
        self._close_direct: Callable[[], None] | None = None
        #: Puts the virtual clock on the loops of tests that ask for it.
        self.clock = config.stash[SWITCH] = ClockSwitch()

    @property
    def settings(self) -> Settings:
        """Read lazily: other plugins rewrite ``asyncio_mode`` in their own configure."""
        if self._settings is None:
            settings = self._settings = Settings.from_config(self.config)
            self.clock.threshold = settings.clock_threshold
            self._markers = {cls.name: cls(settings) for cls in self.marker_classes}
            self._loop_factories = LoopFactories(settings, self._loop_names)
            self._loop_dependencies = LoopDependencies(
                settings.mode, settings.default_fixture_loop_scope, self._loop_names
            )
            self._fixture_setup = FixtureSetup(
                mode=settings.mode,
                debug=settings.debug,
                timeout=settings.timeout,
                adapter=AsyncFixtureAdapter(settings),
                diagnostics=self.diagnostics,
                loop_names=self._loop_names,
                plan_only=bool(getattr(self.config.option, "setupplan", False)),
            )
        return self._settings

    @property
    def fixture_setup(self) -> FixtureSetup:
        """What runs around each fixture's setup; also knows the running test."""
        self.settings  # noqa: B018 - made with the settings
        return self._fixture_setup

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Fail early on a bad option; the per-test hooks below then use
        # self._fixture_setup, made with the settings, without the properties.
        self.settings  # noqa: B018

    def pytest_report_header(self) -> str:
        settings = self.settings
        scope = settings.default_fixture_loop_scope or "(fixture's scope)"
        header = _messages.report_header(pytest_asyncio.__version__, settings.mode, scope)
        if settings.timeout is not None:
            header += f", {_messages.header_timeout(settings.timeout)}"
        return header

    # -- collection ---------------------------------------------------------

    def pytest_collectstart(self, collector: pytest.Collector) -> None:
        if isinstance(collector, pytest.Package):
            define_package_loops(collector)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        settings = self.settings
        self._loop_factories.raise_errors()
        for item in items:
            if isinstance(item, pytest.Function):
                self._classify(item, settings)

    @pytest.hookimpl(tryfirst=True)  # before pytest parametrizes fixtures; factory ids first
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Declare the parametrized loops a test will use, and parametrize async
        tests by the ``pytest_asyncio_loop_factories`` hook's factories.

        Sync tests are not parametrized by factories, as in pytest-asyncio 1.x,
        even when they use async fixtures.
        """
        definition = metafunc.definition
        self.settings  # noqa: B018 - made with the settings
        parametrized = self._loop_dependencies.parametrized(definition)
        if parametrized:  # rare: a loop with params behind it (see loop_dependencies)
            test_loop = None
            if self.would_run(definition):
                marker, mark = self._marker_of(definition)
                test_loop = marker.loop_fixture_for(mark)
            self._loop_dependencies.declare(metafunc, parametrized, test_loop)
        if not is_implemented(metafunc.config):  # nothing to parametrize by: no cost
            return
        if self.would_run(definition):
            marker, mark = self._marker_of(definition)
            self._loop_factories.parametrize(metafunc, marker.loop_fixture, mark)

    def would_run(self, item: pytest.Item) -> bool:
        """Whether :meth:`_classify` will make ``item`` an async test."""
        settings = self.settings
        if not isinstance(item, pytest.Function) or not _is_coroutine_test(item.obj):
            return False
        if self._marker_of(item)[1] is not None:
            return True
        return settings.mode == "auto" and not belongs_to_other_plugin(item)

    def _classify(self, item: pytest.Function, settings: Settings) -> None:
        marker, mark = self._marker_of(item)

        def auto(item: pytest.Function) -> bool:  # auto mode makes an unmarked item ours
            return settings.mode == "auto" and not belongs_to_other_plugin(item)

        if not _is_coroutine_test(item.obj):
            if inspect.isasyncgenfunction(item.obj) and (mark is not None or auto(item)):
                _ignore_async_generator_test(item)
            elif mark is not None and mark in item.own_markers:
                item.stash[_SYNC_BUT_MARKED] = mark.name
            return
        if mark is None:
            if not auto(item):
                return
            item.add_marker(marker.name)  # as pytest-asyncio 1.x does: hooks may look for it
        test = item.stash[ASYNC_TEST] = marker.prepare(item, mark)
        if test.error is not None or self._loop_dependencies.parametrized(item):
            return  # a parametrized loop: pytest must check what it has cached
        direct = DirectLoop.of(item, test.loop_fixture)
        if direct is not None:
            item.stash[_DIRECT] = direct

    def _marker_of(self, item: pytest.Function) -> tuple[AsyncMarker, pytest.Mark | None]:
        """The closest of our marks wins: a test's own mark beats its module's."""
        for mark in item.iter_markers():
            marker = self._markers.get(mark.name)
            if marker is not None:
                return marker, mark
        return self._markers[AsyncMarker.name], None

    # -- running ------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        __tracebackhide__ = True  # a warning raised as an error is the test's
        running = self._fixture_setup
        running.item = item
        running.test = test = item.stash.get(ASYNC_TEST, None)
        if self.clock.needed(test):
            self.clock.begin(item, test)
        if test is None:
            marker_name = item.stash.get(_SYNC_BUT_MARKED, None)
            if marker_name is not None:
                warn_at_test(item, _messages.marker_on_sync_test(item.nodeid, marker_name))
            return
        if self._saved_loop is None:  # else carried over from the async test before
            self._saved_loop = _asyncio_compat.snapshot_current_loop()
        if test.error is not None:
            pytest.fail(test.error, pytrace=False)
        direct = item.stash.get(_DIRECT, None)
        if direct is not None:
            self._use_direct_loop(item, direct)  # type: ignore[arg-type] # a Function

    def _use_direct_loop(self, item: pytest.Function, direct: DirectLoop) -> None:
        """Hand the test its loop before pytest fills fixtures (see ``direct_loop``)."""
        provided = direct.provide(item, self._fixture_setup.debug, self.diagnostics.watch)
        if provided is None:  # the first test of a wider loop: pytest sets it up
            return
        loop, close = provided
        item.funcargs[direct.name] = loop  # pytest skips fixtures already in funcargs
        if close is not None:
            self._close_direct = close
            running = self._fixture_setup
            running.direct_name, running.direct_loop = direct.name, loop
        test = self._fixture_setup.test
        if test is not None and test.virtual_clock:
            try:
                self.clock.put_on(loop)
            except ClockUnsupported as exc:
                pytest.fail(str(exc), pytrace=False)
        _asyncio_compat.make_current(loop)

    def _close_direct_loop(self, item: pytest.Item) -> None:
        """Close a loop :meth:`_use_direct_loop` made, after the test's fixtures."""
        __tracebackhide__ = True
        close = self._close_direct
        if close is None:
            return
        self._close_direct = None
        running = self._fixture_setup
        running.direct_name = running.direct_loop = None
        try:
            close()
        finally:  # report what the loop's exception handler got while closing
            self.diagnostics.pytest_runtest_teardown(item)

    def _finish_test(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
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
            try:
                if saved is not None:  # an async test: did it leave a loop current?
                    self.diagnostics.check_current_loop(item, saved)
            finally:
                if nextitem is None or ASYNC_TEST not in nextitem.stash:
                    INTERRUPTS.give_back()  # sync code next: Ctrl-C as Python handles it
                    if saved is not None:
                        self._saved_loop = None
                        _asyncio_compat.restore_current_loop(saved)
                running = self._fixture_setup
                running.item = running.test = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, None, None]:
        __tracebackhide__ = True  # errors of the test's teardown are not the plugin's
        try:
            return (yield)
        finally:
            try:
                self._finish_test(item, nextitem)
            finally:
                INTERRUPTS.raise_deferred()  # Ctrl-C during the teardown, now that it is done

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        """After Ctrl-C pytest tears the last test down here, without the hook above."""
        try:
            item = self.fixture_setup.item
            if item is not None:
                self._finish_test(item, None)
            elif self._saved_loop is not None:  # interrupted between two async tests
                _asyncio_compat.restore_current_loop(self._saved_loop)
                self._saved_loop = None
        finally:
            INTERRUPTS.end_session()

    def pytest_keyboard_interrupt(self) -> None:
        INTERRUPTS.interrupted()  # more presses must not break the teardown that follows

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        running = self._fixture_setup
        test = (
            running.test if running.item is pyfuncitem else pyfuncitem.stash.get(ASYNC_TEST, None)
        )
        if test is None:
            self._refuse_unmarked(pyfuncitem)
            return None
        loop = pyfuncitem.funcargs[test.loop_fixture]
        _asyncio_compat.make_current(loop)  # type: ignore[arg-type]
        test.marker.run(pyfuncitem, test)
        return True

    def _refuse_unmarked(self, item: pytest.Function) -> None:
        if (
            self.settings.mode == "unset"
            and _is_coroutine_test(item.obj)
            and not belongs_to_other_plugin(item)
        ):
            pytest.fail(_messages.unmarked_async_test(item.nodeid), pytrace=False)

    # -- fixtures -----------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: Any, request: pytest.FixtureRequest
    ) -> Generator[None, object, object]:
        value = yield from self._fixture_setup.around(fixturedef, request)
        test = self._fixture_setup.test
        if test is not None and test.virtual_clock and fixturedef.argname in self._loop_names:
            self.clock.put_on_fixture_loop(value, fixturedef, request)
        return value

    def pytest_fixture_post_finalizer(
        self, fixturedef: Any, request: pytest.FixtureRequest
    ) -> None:
        self._fixture_setup.post_finalizer(fixturedef, request)

    def diagnostics_severity(self) -> Severity:
        """The diagnostics severity for the running test: its marker's, else the setting."""
        test = self._fixture_setup.test if self._settings is not None else None
        if test is not None and test.diagnostics is not None:
            return test.diagnostics
        return self.settings.diagnostics

    def _default_severity(self) -> Severity:
        return self.settings.diagnostics

    def loop_of_test(self, item: pytest.Item) -> asyncio.AbstractEventLoop | None:
        """The loop the plugin runs ``item`` on; ``None`` if it is not an async test."""
        test = item.stash.get(ASYNC_TEST, None)
        loop = getattr(item, "funcargs", {}).get(test.loop_fixture) if test is not None else None
        return loop if isinstance(loop, asyncio.AbstractEventLoop) else None


def _unused_port(socket_type: socket.SocketKind) -> int:
    """A free port on 127.0.0.1; the port fixtures call it, suites may patch it (as in 1.x)."""
    return bind_free_port(HOST, socket_type)


def _is_coroutine_test(function: object) -> bool:
    if inspect.iscoroutinefunction(function):
        return True
    inner = getattr(getattr(function, "hypothesis", None), "inner_test", None)
    return inner is not None and inspect.iscoroutinefunction(inner)


def _ignore_async_generator_test(item: pytest.Function) -> None:
    """An ``async def`` with ``yield`` cannot be a test: warn, and xfail it unrun, as 1.x does."""
    message = _messages.async_generator_test(item.nodeid)
    item.warn(pytest.PytestCollectionWarning(message))
    item.add_marker(pytest.mark.xfail(run=False, reason=message))
