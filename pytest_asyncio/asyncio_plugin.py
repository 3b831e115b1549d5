"""The plugin object: which classes the plugin uses, and the hooks that need its state.

The per-test work of the hooks (setup, call and teardown of each test) is
:class:`TestRuns`, below.

``pytest_asyncio.plugin`` (the entry point module) makes one at configure
time and registers it; a suite puts a subclass in its place by naming it as
``pytest_asyncio_plugin_class`` in its rootdir ``conftest.py`` or in a module
loaded with ``-p`` (see :doc:`/howto/subclass-plugin`).
"""

from __future__ import annotations

import asyncio
import contextlib
import linecache
import types
import warnings
from collections.abc import Generator
from typing import Any, ClassVar, final

import pytest

import pytest_asyncio
from pytest_asyncio import _asyncio_compat, _compat, _messages
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._runner import RunFailed, close_loop
from pytest_asyncio._settings import Mode, Settings
from pytest_asyncio.clock.live import CLOCKS
from pytest_asyncio.clock_switch import SWITCH, ClockSwitch
from pytest_asyncio.collection import Classifier, is_coroutine_test
from pytest_asyncio.diagnostics.observer import DiagnosticsPlugin
from pytest_asyncio.fixture_setup import FixtureSetup
from pytest_asyncio.fixtures.base import Fixture
from pytest_asyncio.fixtures.declare import belongs_to_other_plugin
from pytest_asyncio.fixtures.ports import (
    PortFactoryFixture,
    PortFixture,
    UdpPortFactoryFixture,
    UdpPortFixture,
)
from pytest_asyncio.items import (
    PLUGIN_NAME,
    STATE,
    ItemState,
    async_test_of,
    loop_of_test,
)
from pytest_asyncio.left_current import LeftCurrentLoops
from pytest_asyncio.loops.choose import PLUGIN_LOOP_CLASSES
from pytest_asyncio.loops.fixture import LoopFixture
from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture
from pytest_asyncio.loops.scoped import define_package_loops, scoped_loops
from pytest_asyncio.markers import AsyncMarker, AsyncTest, ProcessPoolMarker


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
            settings=settings,
            diagnostics=self.diagnostics,
            loop_names=self.loop_names,
            plan_only=bool(getattr(self.config.option, "setupplan", False)),
            plans=self._classifier.loop_plans,
        )
        self._runs = TestRuns(settings.mode, self._fixture_setup, self.diagnostics, self.clock)

    def pytest_report_header(self) -> str:
        # Imported here: a run with -q shows no header and never needs it.
        from pytest_asyncio._header import report_header

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


# -- the per-test work of the hooks --------------------------------------------


@final
class TestRuns:
    """Per-test setup and teardown around pytest's own, for the plugin object.

    It reads what collection recorded in the test's
    :class:`~pytest_asyncio.items.ItemState`, hands a test its loop directly
    where collection found that safe, and puts the current loop back afterwards.
    """

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
            if self.fixture_setup.wide_loops:  # empty for most: one attribute check
                self.fixture_setup.for_sync_test(state)
            if state.marked_sync is not None:
                warn_at_test(item, _messages.marker_on_sync_test(item.nodeid, state.marked_sync))
            return
        if test.diagnostics is not None or test.blocked_threshold is not None:
            # the marker's, until the test's teardown ends
            self.diagnostics.for_test(test.diagnostics, test.blocked_threshold)
        if self._saved_loop is None:  # else carried over from the async test before
            self._saved_loop = _asyncio_compat.snapshot_current_loop()
        if test.error is not None:
            _compat.fail_plainly(test.error)
        if state.direct is not None:
            self._use_direct_loop(item, state)  # type: ignore[arg-type] # a Function

    def _use_direct_loop(self, item: pytest.Function, state: ItemState) -> None:
        """Hand the test its loop before pytest fills fixtures (see ``loops.direct``)."""
        direct = state.direct
        assert direct is not None
        lent = direct.provide(item, self.fixture_setup.settings.debug, self.diagnostics.watch)
        if lent is None:  # the first test of a wider loop: pytest sets it up
            return
        loop = lent.loop
        if lent.maker is not None:  # made now, for this test
            state.lent = lent
            in_use = self.fixture_setup.loops_in_use()
            self.left_current.close_before(item, direct.name, loop, in_use)
        if state.test is not None and state.test.virtual_clock:
            refused = self.clock.refusal(loop)
            if refused is not None:
                _compat.fail_plainly(refused)
        _asyncio_compat.make_current(loop)

    def call(self, item: pytest.Function) -> bool | None:
        """Run an async test; refuse an unmarked coroutine test; leave the rest to pytest."""
        __tracebackhide__ = True  # the plugin's own frames: see ``pytest_pyfunc_call``
        running = self.fixture_setup.running
        test = running.test if running is not None and running.item is item else async_test_of(item)
        if test is None:
            if self.mode == "unset" and is_coroutine_test(item.obj):
                if not belongs_to_other_plugin(item):
                    _compat.fail_plainly(_messages.unmarked_async_test(item.nodeid))
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
                self._restore_after_sync_test()
                self.fixture_setup.running = None
                self.diagnostics.end_of_test()
                # Sync code next: Ctrl-C as Python handles it. And a Ctrl-C
                # the teardown deferred is raised now that it is done.
                INTERRUPTS.after_teardown(give_back=sync_next)

    def _restore_after_sync_test(self) -> None:
        """Put back the loop current before a sync test whose async fixtures
        made theirs current (see ``async_fixtures``)."""
        state = self.fixture_setup.running
        if state is not None and state.saved_loop is not None:
            saved, state.saved_loop = state.saved_loop, None
            self._restore(saved)

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
        lent = state.lent if state is not None else None
        if state is None or lent is None:
            return
        state.lent = None
        try:
            lent.close()
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


def warn_at_test(item: pytest.Item, message: str) -> None:
    """Warn with ``message`` at ``item``'s ``def`` line (its first decorator's, if any).

    Why not ``item.warn()``: under ``-W error`` (or ``filterwarnings = error``)
    the warning is raised inside the plugin's hook, and pytest's report then
    shows the plugin's source line above the message. Raised as here, the
    report shows the user's test instead: its file, its line and the source
    around it, as for an error in the test itself.

    :param item: the test the warning is about.
    :param message: the text of the :class:`pytest.PytestWarning`.
    """
    __tracebackhide__ = True
    filename, line, _ = item.location  # as pytest's item.warn(): relative, 0-based
    lineno = (line or 0) + 1
    try:
        warnings.warn_explicit(pytest.PytestWarning(message), None, filename, lineno)
    except pytest.PytestWarning as error:  # turned into an error by a filter
        _raise_at(error.with_traceback(None), str(item.path), lineno)


def _raise_at(error: BaseException, path: str, lineno: int) -> None:
    """Raise ``error`` from a frame at ``path:lineno``, the test's own source line.

    The frame's code is a ``raise`` statement compiled under the test file's
    name, preceded by blank lines to land on ``lineno``; it spans at least
    the length of that source line, so pytest draws no column markers under
    the user's code. Nothing of the user's module runs.
    """
    __tracebackhide__ = True
    width = len(linecache.getline(path, lineno).strip())
    statement = "raise (error" + " " * max(0, width - len("raise (error)")) + ")"
    code = compile("\n" * (lineno - 1) + statement, path, "exec")
    exec(code, {"error": error})  # runs only the raise statement compiled above
