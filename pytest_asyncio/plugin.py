"""The pytest plugin: options, fixtures, and hooks that delegate to the classes.

pytest loads this module through the ``pytest11`` entry point ``asyncio``.
Its fixtures are the defaults users override; :class:`AsyncioPlugin` holds
the per-session state and is registered at configure time.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import types
from collections.abc import Callable, Generator
from typing import Any, NoReturn, cast

import pytest

from pytest_asyncio import _asyncio_compat, _messages
from pytest_asyncio._settings import Settings, add_options
from pytest_asyncio.diagnostics.hooks import DiagnosticsPlugin
from pytest_asyncio.fixtures.async_fixtures import AsyncFixtureAdapter, Kind, kind_of
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.fixtures.declare import declared
from pytest_asyncio.fixtures.loop import LoopFixture, close_loop
from pytest_asyncio.fixtures.policy import event_loop_policy
from pytest_asyncio.fixtures.ports import (
    PortFactoryFixture,
    PortFixture,
    UdpPortFactoryFixture,
    UdpPortFixture,
)
from pytest_asyncio.fixtures.process_pool import ProcessPoolLoopFixture
from pytest_asyncio.fixtures.scoped_loops import define_package_loops, scoped_loop_fixtures
from pytest_asyncio.markers.async_marker import AsyncMarker, AsyncTest, ProcessPoolMarker
from pytest_asyncio.markers.direct_loop import DirectLoop

__all__ = [
    "event_loop",
    "event_loop_policy",
    "event_loop_process_pool",
    "pytest_addoption",
    "pytest_configure",
    "unused_tcp_port",
    "unused_tcp_port_factory",
    "unused_udp_port",
    "unused_udp_port_factory",
]

event_loop = LoopFixture.fixture()
event_loop_process_pool = ProcessPoolLoopFixture.fixture()
unused_tcp_port = PortFixture.fixture()
unused_tcp_port_factory = PortFactoryFixture.fixture()
unused_udp_port = UdpPortFixture.fixture()
unused_udp_port_factory = UdpPortFactoryFixture.fixture()

ASYNC_TEST = pytest.StashKey[AsyncTest]()
_SAVED_LOOP = pytest.StashKey[_asyncio_compat.CurrentLoop]()
_SYNC_BUT_MARKED = pytest.StashKey[str]()
_DIRECT = pytest.StashKey[DirectLoop]()
_CLOSE_DIRECT = pytest.StashKey[Callable[[], None]]()
_OTHER_PLUGIN_MARKERS = ("anyio", "trio")


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


def is_async_test(item: pytest.Item) -> bool:
    """Whether the plugin runs ``item`` as an async test (for use in hooks).

    Works in a user's own ``pytest_collection_modifyitems`` too, before the
    plugin has prepared the items; markers added there are honoured.

    :returns: ``True`` for items the plugin will run on a loop.
    """
    if ASYNC_TEST in item.stash:
        return True
    plugin = item.config.pluginmanager.get_plugin(AsyncioPlugin.plugin_name)
    return isinstance(plugin, AsyncioPlugin) and plugin.would_run(item)


class AsyncioPlugin:
    """Per-session state and the hooks that need it."""

    plugin_name = "asyncio-plugin"
    marker_classes: tuple[type[AsyncMarker], ...] = (AsyncMarker, ProcessPoolMarker)

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.diagnostics = DiagnosticsPlugin(self.loop_of_test)
        self._settings: Settings | None = None
        self._kinds: dict[Callable[..., Any], Kind] = {}
        self._providers: dict[Callable[..., Any], bool] = {}
        self._made_loops: dict[object, asyncio.AbstractEventLoop] = {}
        self._loop_names = {LoopFixture.name, ProcessPoolLoopFixture.name}
        self._loop_names.update(scoped_loop_fixtures())
        self._test: AsyncTest | None = None
        self._item: pytest.Item | None = None

    @property
    def settings(self) -> Settings:
        """Read lazily: other plugins rewrite ``asyncio_mode`` in their own configure."""
        if self._settings is None:
            self._settings = Settings.from_config(self.config)
            self._markers = {cls.name: cls(self._settings) for cls in self.marker_classes}
            self._adapter = AsyncFixtureAdapter(self._settings)
        return self._settings

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.settings  # noqa: B018 - fail early on a bad option

    def pytest_report_header(self) -> str:
        settings = self.settings
        scope = settings.default_fixture_loop_scope or "(fixture's scope)"
        return f"asyncio: mode={settings.mode}, default fixture loop scope={scope}"

    # -- collection ---------------------------------------------------------

    def pytest_collectstart(self, collector: pytest.Collector) -> None:
        if isinstance(collector, pytest.Package):
            define_package_loops(collector)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        settings = self.settings
        for item in items:
            if isinstance(item, pytest.Function):
                self._classify(item, settings)

    def would_run(self, item: pytest.Item) -> bool:
        """Whether :meth:`_classify` will make ``item`` an async test."""
        settings = self.settings
        if not isinstance(item, pytest.Function) or not _is_coroutine_test(item.obj):
            return False
        if self._marker_of(item)[1] is not None:
            return True
        return settings.mode == "auto" and not _belongs_to_other_plugin(item)

    def _classify(self, item: pytest.Function, settings: Settings) -> None:
        marker, mark = self._marker_of(item)
        if not _is_coroutine_test(item.obj):
            if mark is not None and mark in item.own_markers:
                item.stash[_SYNC_BUT_MARKED] = mark.name
            return
        if mark is None:
            if settings.mode != "auto" or _belongs_to_other_plugin(item):
                return
        test = item.stash[ASYNC_TEST] = marker.prepare(item, mark)
        direct = DirectLoop.of(item, test.loop_fixture) if test.error is None else None
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
        self._item = item
        self._test = test = item.stash.get(ASYNC_TEST, None)
        if test is None:
            marker_name = item.stash.get(_SYNC_BUT_MARKED, None)
            if marker_name is not None:
                item.warn(
                    pytest.PytestWarning(_messages.marker_on_sync_test(item.nodeid, marker_name))
                )
            return
        item.stash[_SAVED_LOOP] = _asyncio_compat.snapshot_current_loop()
        if test.error is not None:
            pytest.fail(test.error, pytrace=False)
        direct = item.stash.get(_DIRECT, None)
        if direct is not None:
            self._use_direct_loop(cast(pytest.Function, item), direct)

    def _use_direct_loop(self, item: pytest.Function, direct: DirectLoop) -> None:
        """Hand the test its loop before pytest fills fixtures (see ``direct_loop``)."""
        provided = direct.provide(item, self.settings.debug, self.diagnostics.watch)
        if provided is None:  # the first test of a wider loop: pytest sets it up
            return
        loop, close = provided
        item.funcargs[direct.name] = loop  # pytest skips fixtures already in funcargs
        if close is not None:
            item.stash[_CLOSE_DIRECT] = close
        _asyncio_compat.set_current_loop(loop)

    def _close_direct_loop(self, item: pytest.Item) -> None:
        """Close a loop :meth:`_use_direct_loop` made, after the test's fixtures."""
        close = item.stash.get(_CLOSE_DIRECT, None)
        if close is None:
            return
        del item.stash[_CLOSE_DIRECT]
        try:
            close()
        finally:  # report what the loop's exception handler got while closing
            self.diagnostics.pytest_runtest_teardown(item)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, None, None]:
        __tracebackhide__ = True  # errors of the test's teardown are not the plugin's
        try:
            return (yield)
        finally:
            try:
                self._close_direct_loop(item)
            finally:
                saved = item.stash.get(_SAVED_LOOP, None)
                if saved is not None:
                    _asyncio_compat.restore_current_loop(saved)
                    del item.stash[_SAVED_LOOP]  # items live all session: keep no loop alive
                self._item = self._test = None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        """After Ctrl-C pytest tears the last test down here, without the hook above."""
        item = self._item
        if item is not None:
            self._close_direct_loop(item)
        saved = item.stash.get(_SAVED_LOOP, None) if item is not None else None
        if saved is not None:
            _asyncio_compat.restore_current_loop(saved)
        self._item = self._test = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        test = pyfuncitem.stash.get(ASYNC_TEST, None)
        if test is None:
            self._refuse_unmarked(pyfuncitem)
            return None
        loop = pyfuncitem.funcargs[test.loop_fixture]
        _asyncio_compat.set_current_loop(loop)  # type: ignore[arg-type]
        test.marker.run(pyfuncitem, test)
        return True

    def _refuse_unmarked(self, item: pytest.Function) -> None:
        if (
            self.settings.mode == "unset"
            and _is_coroutine_test(item.obj)
            and not _belongs_to_other_plugin(item)
        ):
            pytest.fail(_messages.unmarked_async_test(item.nodeid), pytrace=False)

    # -- fixtures -----------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: pytest.FixtureRequest) -> Any:
        function = fixturedef.func
        direct = self._direct_loop_named(fixturedef.argname)
        if direct is not None:  # asked for by name at run time: the same loop
            fixturedef.func = functools.partial(_identity, direct)
            try:
                return (yield)
            finally:
                fixturedef.func = function
        kind = self._kinds.get(function)
        if kind is None:
            kind = self._kinds[function] = kind_of(function)
        if kind is not Kind.SYNC and self._is_undeclared_in_strict_mode(fixturedef):
            message = _messages.undeclared_async_fixture(fixturedef.argname, self._item)
            fixturedef.func = functools.partial(_refuse_fixture, message)
            try:
                return (yield)
            finally:
                fixturedef.func = function
        if kind is Kind.SYNC or not self._runs_fixture(fixturedef):
            if kind is Kind.SYNC and self._is_provider(function):
                fixturedef.func = functools.partial(function, request=request)
            try:
                if fixturedef.argname in self._loop_names:
                    return self._check_loop(fixturedef, request, (yield))
                self._make_loop_current_for(fixturedef, request)
                return (yield)
            finally:
                fixturedef.func = function
        test = self._test
        fixturedef.func = self._adapter.stand_in(
            fixturedef,
            request,
            kind,
            test_loop=test.loop_fixture if test is not None else None,
            timeout=test.timeout if test is not None else self.settings.timeout,
            test_id=self._item.nodeid if self._item is not None else None,
        )
        try:
            return (yield)
        finally:
            fixturedef.func = function

    def _direct_loop_named(self, name: str) -> asyncio.AbstractEventLoop | None:
        """The loop :meth:`_use_direct_loop` made for the running test, if it is ``name``."""
        item = self._item
        if item is None or _CLOSE_DIRECT not in item.stash or item.stash[_DIRECT].name != name:
            return None
        return cast(asyncio.AbstractEventLoop, cast(pytest.Function, item).funcargs[name])

    def _is_provider(self, function: Callable[..., Any]) -> bool:
        """Whether ``function`` comes from :meth:`Fixture.fixture`, which takes
        ``request`` from us rather than from pytest (see ``Fixture.provider``)."""
        provider = self._providers.get(function)
        if provider is None:
            provider = self._providers[function] = fixture_class(function) is not None
        return provider

    def _is_undeclared_in_strict_mode(self, fixturedef: Any) -> bool:
        """A plain async fixture that one of our tests needs, which strict mode leaves alone."""
        item = self._item
        return (
            self.settings.mode == "strict"
            and declared(fixturedef.func) is None
            and item is not None
            and ASYNC_TEST in item.stash
        )

    def _runs_fixture(self, fixturedef: Any) -> bool:
        """Whether an async fixture is ours to run (see the modes in the docs)."""
        if declared(fixturedef.func) is not None:
            return True
        if self.settings.mode == "strict":
            return False
        item = self._item
        return item is None or ASYNC_TEST in item.stash or not _belongs_to_other_plugin(item)

    def _make_loop_current_for(self, fixturedef: Any, request: pytest.FixtureRequest) -> None:
        test = self._test
        if test is not None and test.loop_fixture in fixturedef.argnames:
            _asyncio_compat.set_current_loop(request.getfixturevalue(test.loop_fixture))

    def _check_loop(
        self, fixturedef: Any, request: pytest.FixtureRequest, value: object
    ) -> asyncio.AbstractEventLoop:
        name = fixturedef.argname
        if not isinstance(value, asyncio.AbstractEventLoop):
            _refuse_loop(fixturedef, request, _messages.not_a_loop(name, value))
        if value.is_closed():
            _refuse_loop(fixturedef, request, _messages.loop_is_closed(name))
        if self.settings.debug:
            value.set_debug(True)
        self._made_loops[fixturedef] = value
        self.diagnostics.watch_loop(value, fixturedef, request)
        test = self._test
        if test is not None and test.loop_fixture == name:
            _asyncio_compat.set_current_loop(value)
        return value

    def loop_of_test(self, item: pytest.Item) -> asyncio.AbstractEventLoop | None:
        """The loop the plugin runs ``item`` on; ``None`` if it is not an async test."""
        test = item.stash.get(ASYNC_TEST, None)
        loop = getattr(item, "funcargs", {}).get(test.loop_fixture) if test is not None else None
        return loop if isinstance(loop, asyncio.AbstractEventLoop) else None

    def pytest_fixture_post_finalizer(self, fixturedef: Any) -> None:
        """Close a loop the user's fixture left open, so nothing leaks."""
        loop = self._made_loops.pop(fixturedef, None)
        if loop is not None:
            close_loop(loop)


def _refuse_loop(fixturedef: Any, request: pytest.FixtureRequest, message: str) -> NoReturn:
    """Fail a loop fixture whose value is unusable, for every test that uses it.

    pytest has already cached the value when our hook sees it; finishing the
    fixture (which runs its teardown) drops it, so the next test in its scope
    sets it up again and fails with the same message instead of running.
    """
    fixturedef.finish(request)
    pytest.fail(message, pytrace=False)


def _identity(value: object) -> object:
    return value


def _refuse_fixture(message: str, **_arguments: object) -> NoReturn:
    """Stands in for a fixture the plugin will not run, so pytest reports ``message``."""
    pytest.fail(message, pytrace=False)


def _is_coroutine_test(function: object) -> bool:
    if inspect.iscoroutinefunction(function):
        return True
    inner = getattr(getattr(function, "hypothesis", None), "inner_test", None)
    return inner is not None and inspect.iscoroutinefunction(inner)


def _belongs_to_other_plugin(item: pytest.Item) -> bool:
    """anyio and trio run their own marked tests and those tests' fixtures."""
    if "anyio_backend" in getattr(item, "fixturenames", ()):
        return True
    return any(mark.name in _OTHER_PLUGIN_MARKERS for mark in item.iter_markers())
