"""The plugin object: which classes the plugin uses, and the hooks that need its state.

``pytest_asyncio.plugin`` (the entry point module) makes one at configure
time and registers it; a suite puts a subclass in its place by naming it as
``pytest_asyncio_plugin_class`` in its rootdir ``conftest.py`` or in a module
loaded with ``-p`` (see :doc:`/howto/subclass-plugin`).
"""

from __future__ import annotations

import types
from collections.abc import Generator
from typing import Any, ClassVar

import pytest

import pytest_asyncio
from pytest_asyncio import _messages
from pytest_asyncio._header import report_header
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._settings import Settings
from pytest_asyncio.clock.switch import SWITCH, ClockSwitch
from pytest_asyncio.collection import Classifier
from pytest_asyncio.diagnostics.observer import DiagnosticsPlugin
from pytest_asyncio.fixture_setup import FixtureSetup
from pytest_asyncio.fixtures.base import Fixture
from pytest_asyncio.fixtures.ports import (
    PortFactoryFixture,
    PortFixture,
    UdpPortFactoryFixture,
    UdpPortFixture,
)
from pytest_asyncio.items import PLUGIN_NAME, loop_of_test
from pytest_asyncio.loops.choose import PLUGIN_LOOP_CLASSES
from pytest_asyncio.loops.fixture import LoopFixture
from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture
from pytest_asyncio.loops.scoped import define_package_loops, scoped_loops
from pytest_asyncio.markers.async_marker import AsyncMarker, ProcessPoolMarker
from pytest_asyncio.running import TestRuns


class AsyncioPlugin:
    """The plugin object pytest-asyncio registers for the session.

    Subclass it to change the classes behind the plugin's own fixtures and
    markers for the whole session, and name the subclass as
    ``pytest_asyncio_plugin_class`` in the rootdir ``conftest.py``::

        class UvloopPlugin(pytest_asyncio.AsyncioPlugin):
            loop_class = UvloopLoop

        pytest_asyncio_plugin_class = UvloopPlugin

    A fixture that a test module or ``conftest.py`` defines still overrides
    the plugin's, as pytest's rules say.

    The class attributes are the override points; the ``pytest_*`` methods
    are the plugin's pytest hooks, not meant to be overridden.

    :param config: the pytest config of the session.
    """

    #: The loop class behind the default ``event_loop`` fixture, and so behind
    #: every loop the plugin makes where ``event_loop`` is not overridden
    #: (every ``loop_scope``, async fixtures' loops, process-pool loops).
    loop_class: ClassVar[type[LoopFixture]] = LoopFixture
    #: The class behind the default ``event_loop_process_pool`` fixture.
    process_pool_class: ClassVar[type[ProcessPoolLoopFixture]] = ProcessPoolLoopFixture
    #: The markers the plugin registers and runs tests by; the first is the
    #: one auto mode uses unless one is named ``asyncio``.
    marker_classes: ClassVar[tuple[type[AsyncMarker], ...]] = (AsyncMarker, ProcessPoolMarker)
    #: The classes behind the port fixtures, each named by its ``name``.
    port_classes: ClassVar[tuple[type[Fixture[Any]], ...]] = (
        PortFixture,
        PortFactoryFixture,
        UdpPortFixture,
        UdpPortFactoryFixture,
    )

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.diagnostics = DiagnosticsPlugin(loop_of_test)
        #: The options, read once at session start: other plugins may still
        #: rewrite ``asyncio_mode`` in their own ``pytest_configure``.
        self.settings: Settings | None = None
        self._too_late: str | None = None  # why a plugin class named in collection is refused
        self.loop_names = {LoopFixture.name, ProcessPoolLoopFixture.name}
        self.loop_names.update(scoped_loops())
        config.stash[PLUGIN_LOOP_CLASSES] = {
            LoopFixture.name: self.loop_class,
            ProcessPoolLoopFixture.name: self.process_pool_class,
        }
        #: Puts the virtual clock on the loops of tests that ask for it.
        self.clock = config.stash[SWITCH] = ClockSwitch()

    # Made at session start, with the settings.
    _classifier: Classifier
    _fixture_setup: FixtureSetup
    _runs: TestRuns

    @classmethod
    def check(cls) -> None:
        """Refuse class attributes that do not name the classes they must.

        :raises pytest.UsageError: naming the attribute and what it holds.
        """
        wanted: list[tuple[str, object, type]] = [
            ("loop_class", cls.loop_class, LoopFixture),
            ("process_pool_class", cls.process_pool_class, ProcessPoolLoopFixture),
        ]
        markers = cls.marker_classes or (None,)  # at least one: auto mode needs it
        wanted += [("marker_classes", marker, AsyncMarker) for marker in markers]
        wanted += [("port_classes", port, Fixture) for port in cls.port_classes]
        for attribute, value, base in wanted:
            if not (isinstance(value, type) and issubclass(value, base)):
                message = _messages.bad_plugin_attribute(cls.__name__, attribute, value, base)
                raise pytest.UsageError(message)

    def register(self) -> None:
        """Register the markers, this object and its diagnostics with pytest."""
        for marker in self.marker_classes:
            marker.register(self.config)
        self.config.pluginmanager.register(self, PLUGIN_NAME)
        self.config.pluginmanager.register(self.diagnostics, DiagnosticsPlugin.plugin_name)

    @pytest.hookimpl(tryfirst=True)  # before the terminal reporter asks for the header
    def pytest_sessionstart(self) -> None:
        """Read the options once, failing early on a bad one, and build what uses them."""
        settings = self.settings = Settings.from_config(self.config)
        self.clock.threshold = settings.clock_threshold
        self.diagnostics.configure(settings.diagnostics, settings.blocked_threshold)
        self._classifier = Classifier(settings, self.marker_classes, self.loop_names)
        self._fixture_setup = FixtureSetup(
            mode=settings.mode,
            debug=settings.debug,
            timeout=settings.timeout,
            settings=settings,
            diagnostics=self.diagnostics,
            loop_names=self.loop_names,
            plan_only=bool(getattr(self.config.option, "setupplan", False)),
        )
        self._runs = TestRuns(settings.mode, self._fixture_setup, self.diagnostics, self.clock)

    def pytest_report_header(self) -> str:
        settings = self.settings or Settings()
        return report_header(pytest_asyncio.__version__, settings, type(self), AsyncioPlugin)

    def pytest_plugin_registered(self, plugin: object) -> None:
        """A plugin class named too late (a conftest below the rootdir) is refused,
        once collection ends if collection loaded it: pytest shows a usage error
        raised by a collector as a collection error, in pluggy's frames."""
        named = named_plugin_class(plugin)
        if named is not None and named is not type(self):
            refusal = _messages.plugin_class_too_late(named, type(self))
            if self.settings is None:  # still configuring: pytest shows it as it is
                raise pytest.UsageError(refusal)
            self._too_late = self._too_late or refusal

    # -- collection ---------------------------------------------------------

    def pytest_collectstart(self, collector: pytest.Collector) -> None:
        if isinstance(collector, pytest.Package):
            define_package_loops(collector)
        elif isinstance(collector, pytest.Session):  # after every pytest_sessionstart
            self._runs.note_session_loop()

    @pytest.hookimpl(wrapper=True)
    def pytest_collection_modifyitems(
        self, items: list[pytest.Item]
    ) -> Generator[None, None, None]:
        if self._too_late is not None:
            raise pytest.UsageError(self._too_late)
        # Auto mode marks async tests first, as 1.x does: -m and -k select by it.
        if self._classifier.settings.mode == "auto":
            self._classifier.mark_auto(items)
        result = yield
        # The rest after every other hook: they may add marks, or deselect.
        self._classifier.classify_all(items)
        return result

    @pytest.hookimpl(tryfirst=True)  # before pytest parametrizes fixtures; factory ids first
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        # First, before the classifier adds any loop to the test's closure:
        self._runs.left_current.note(metafunc.definition, self._classifier.loop_dependencies)
        self._classifier.generate_tests(metafunc)

    def would_run(self, item: pytest.Item) -> bool:
        """Whether collection makes ``item`` an async test (for ``is_async_test``)."""
        return self._classifier.would_run(item)

    # -- running ------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        __tracebackhide__ = True  # a warning raised as an error is the test's
        self._runs.setup(item)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, None, None]:
        __tracebackhide__ = True  # errors of the test's teardown are not the plugin's
        try:
            return (yield)
        finally:
            self._runs.finish(item, nextitem)  # raises a Ctrl-C the teardown deferred

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        try:
            if self.settings is not None:
                self._runs.end_session()
        finally:
            INTERRUPTS.end_session()

    def pytest_keyboard_interrupt(self) -> None:
        INTERRUPTS.interrupted()  # more presses must not break the teardown that follows

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool | None:
        __tracebackhide__ = True  # what escapes a test's run (pytest-timeout) is the user's
        return self._runs.call(pyfuncitem)

    # -- fixtures -----------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> Generator[None, object, object]:
        __tracebackhide__ = True  # a fixture's failure shows the user's frames
        value = yield from self._fixture_setup.around(fixturedef, request)
        running = self._fixture_setup.running
        test = running.test if running is not None else None
        if test is not None and test.virtual_clock and fixturedef.argname in self.loop_names:
            self.clock.put_on_fixture_loop(value, fixturedef, request)
        return value

    def pytest_fixture_post_finalizer(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> None:
        self._fixture_setup.post_finalizer(fixturedef, request)


def named_plugin_class(plugin: object) -> object | None:
    """What a plugin module names as ``pytest_asyncio_plugin_class``, if anything."""
    if isinstance(plugin, types.ModuleType):
        return plugin.__dict__.get(_messages.PLUGIN_CLASS_NAME)
    return None
