"""Collection: which tests the plugin runs, on which loop, and what it records about them.

Everything here is decided once per test, at collection, and written to the
test's :class:`~pytest_asyncio.items.ItemState`; the run-time hooks only read it.
"""

from __future__ import annotations

import inspect
import types
from typing import TYPE_CHECKING, cast, final

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._settings import Settings
from pytest_asyncio.fixtures.declare import belongs_to_other_plugin
from pytest_asyncio.hookspecs import is_implemented
from pytest_asyncio.items import STATE, ItemState
from pytest_asyncio.loop_dependencies import Closure, LoopDependencies
from pytest_asyncio.loops.choose import LoopChoice, LoopPlans
from pytest_asyncio.loops.direct import DirectLoop
from pytest_asyncio.markers import AsyncMarker

if TYPE_CHECKING:
    from pytest_asyncio.loop_factories import LoopFactories


@final
class Classifier:
    """Decides, for each collected test, whether and how the plugin runs it."""

    def __init__(
        self,
        settings: Settings,
        marker_classes: tuple[type[AsyncMarker], ...],
        loop_names: set[str],
    ) -> None:
        self.settings = settings
        self.markers = {cls.name: cls(settings) for cls in marker_classes}
        #: The marker a test with none of ours gets in auto mode.
        self.default_marker = (
            self.markers.get(AsyncMarker.name) or self.markers[marker_classes[0].name]
        )
        self.loop_names = loop_names
        #: Made when the ``pytest_asyncio_loop_factories`` hook is first found implemented.
        self.loop_factories: LoopFactories | None = None
        #: What auto mode adds to an unmarked async test, made once.
        self._auto_mark = getattr(pytest.mark, self.default_marker.name)
        #: While :meth:`classify_all` runs: each parent's closest mark of ours.
        self._parent_marks: dict[object, pytest.Mark | None] | None = None
        #: While :meth:`classify_all` runs: whether anyio's or trio's mark is on each parent.
        self._parent_other: dict[object, bool] | None = None
        #: The last module or class seen by :meth:`generate_tests`: its
        #: parametrized loops, and whether the ``pytest_asyncio_loop_factories``
        #: hook was implemented then.
        self._seen_from: tuple[object, dict[str, tuple[Closure, bool]], bool] = (None, {}, False)
        #: ``DirectLoop.of``'s decisions, by parent and loop name.
        self._direct_loops: dict[tuple[object, str], DirectLoop | None] = {}
        #: The loops of each test's async fixtures, planned once per closure.
        self.loop_plans = LoopPlans(settings.mode, settings.default_fixture_loop_scope, loop_names)
        self.loop_dependencies = LoopDependencies(self.loop_plans, loop_names)

    def classify_all(self, items: list[pytest.Item]) -> None:
        """Record what the plugin decided about every test function in ``items``."""
        if self.loop_factories is not None:
            self.loop_factories.raise_errors()
        # This hook runs last: the marks of the tests' parents no longer
        # change, so they are looked up once per module or class.
        self._parent_marks, self._parent_other = {}, {}
        try:
            for item in items:
                if isinstance(item, pytest.Function):
                    state = self.classify(item)
                    if state is not None:
                        item.stash[STATE] = state
        finally:
            self._parent_marks = self._parent_other = None

    def mark_auto(self, items: list[pytest.Item]) -> None:
        """Mark unmarked async tests in auto mode, as pytest-asyncio 1.x does,
        before ``-m`` and ``-k`` select tests and other plugins' hooks look."""
        self._parent_marks, self._parent_other = {}, {}
        try:
            for item in items:
                if isinstance(item, pytest.Function) and _kind(item.obj) is _COROUTINE:
                    own = self._own_mark(item)
                    if self._closest_mark(item, own) is None and self._auto(item):
                        self._add_auto_mark(item)
        finally:
            self._parent_marks = self._parent_other = None

    def _add_auto_mark(self, item: pytest.Function) -> None:
        # What item.add_marker() does, without its import and checks.
        item.keywords[self.default_marker.name] = self._auto_mark
        item.own_markers.append(self._auto_mark.mark)

    def generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Declare the parametrized loops a test will use, and parametrize async
        tests by the ``pytest_asyncio_loop_factories`` hook's factories.

        Sync tests are not parametrized by factories, as in pytest-asyncio 1.x,
        even when they use async fixtures.
        """
        definition = metafunc.definition
        parent = definition.parent
        if parent is not self._seen_from[0]:  # the tests of a collector come together
            self._seen_from = (
                parent,
                self.loop_dependencies.parametrized(definition),
                is_implemented(metafunc.config),  # hooks come with conftests, per directory
            )
        _, parametrized, implemented = self._seen_from
        if not parametrized and not implemented:  # the usual: nothing to declare, no cost
            return
        test_loop: LoopChoice | None = None
        mark: pytest.Mark | None = None
        if self.would_run(definition):
            marker, mark = self.marker_of(definition)
            test_loop = marker.loop_choice(mark, definition)
        if not parametrized and test_loop is None:
            return  # sync tests are not parametrized by factories
        name = test_loop.name if test_loop is not None else None
        fixture_loops = self.loop_dependencies.fixture_loops(definition, name)
        if parametrized:  # rare: a loop with params behind it (see loop_dependencies)
            self.loop_dependencies.declare(metafunc, parametrized, name, fixture_loops)
        if implemented and test_loop is not None:
            self._loop_factories().parametrize(metafunc, test_loop, fixture_loops, mark)

    def _loop_factories(self) -> LoopFactories:
        """The parametrization by loop factories, made (and its module loaded) on first use."""
        if self.loop_factories is None:
            from pytest_asyncio.loop_factories import LoopFactories

            self.loop_factories = LoopFactories(self.loop_names)
        return self.loop_factories

    def would_run(self, item: pytest.Item) -> bool:
        """Whether :meth:`classify` will make ``item`` an async test."""
        if not isinstance(item, pytest.Function) or not is_coroutine_test(item.obj):
            return False
        if self.marker_of(item)[1] is not None:
            return True
        return self._auto(item)

    def classify(self, item: pytest.Function) -> ItemState | None:
        """What the plugin does with ``item``: its record, to keep in ``item.stash``.

        :returns: ``None`` for a sync test without our marker: nothing to record.
        """
        function = item.obj
        own = self._own_mark(item)
        auto_marked = own is not None and own is self._auto_mark.mark
        if auto_marked:  # by mark_auto(): the test carries no mark of its own
            own = None
        kind = _kind(function)
        if kind is not _COROUTINE:
            if kind is _ASYNC_GENERATOR:
                if self._closest_mark(item, own) is not None or self._auto(item):
                    _ignore_async_generator_test(item)
            elif own is not None:
                return ItemState(item, marked_sync=own.name)
            return None
        state = ItemState(item)
        mark = self._closest_mark(item, own)
        if mark is None:
            if not auto_marked:  # a test added after mark_auto() ran
                if not self._auto(item):
                    return state
                self._add_auto_mark(item)
            marker = self.default_marker
        else:
            marker = self.markers[mark.name]
        test = state.test = marker.prepare(item, mark)
        name = test.loop_fixture
        visible, parametrized = self.loop_dependencies.of_parent(item)
        named = _compat.request_fixture(item, name, visible.get(name))
        state.fixture_loops = self.loop_plans.for_test(item, name)  # the closure is complete now
        if test.error is None and not named and not parametrized:
            # else pytest must set the fixture up, or check what it has cached
            state.direct = DirectLoop.of(item, name, self._direct_loops, visible)
        return state

    def marker_of(self, item: pytest.Function) -> tuple[AsyncMarker, pytest.Mark | None]:
        """The closest of our marks wins: a test's own mark beats its module's."""
        for mark in item.iter_markers():
            marker = self.markers.get(mark.name)
            if marker is not None:
                return marker, mark
        return self.default_marker, None

    def _own_mark(self, item: pytest.Function) -> pytest.Mark | None:
        """The first of our marks the test carries itself (most carry none);
        the auto mode's own only if the test has no other (a hook may add one)."""
        auto = self._auto_mark.mark
        found = None
        for mark in item.own_markers:
            if mark.name in self.markers:
                if mark is not auto:
                    return mark
                found = mark
        return found

    def _closest_mark(self, item: pytest.Function, own: pytest.Mark | None) -> pytest.Mark | None:
        """What :meth:`marker_of` finds, given the test's own mark: the parents'
        closest mark, looked up once per parent while :meth:`classify_all` runs."""
        if own is not None:
            return own
        parent = item.parent
        cache = self._parent_marks
        if parent is None or cache is None:
            return self.marker_of(item)[1]
        if parent not in cache:
            cache[parent] = next(
                (mark for mark in parent.iter_markers() if mark.name in self.markers), None
            )
        return cache[parent]

    def _auto(self, item: pytest.Function) -> bool:
        """Auto mode makes an unmarked coroutine test ours, unless another plugin's."""
        if self.settings.mode != "auto":
            return False
        parent = item.parent
        cache = self._parent_other
        if item.own_markers or parent is None or cache is None:
            return not belongs_to_other_plugin(item)
        if "anyio_backend" in item.fixturenames:
            return False
        if parent not in cache:  # a collector has no fixtures: its marks decide
            cache[parent] = belongs_to_other_plugin(cast("pytest.Item", parent))
        return not cache[parent]


def is_coroutine_test(function: object) -> bool:
    """An ``async def`` test, or a Hypothesis ``@given`` wrapping one."""
    if type(function) is types.FunctionType:  # the common case, without inspect's unwrapping
        if function.__code__.co_flags & inspect.CO_COROUTINE:
            return True
        if not function.__dict__:  # no mark of inspect.markcoroutinefunction, no Hypothesis
            return False
    if inspect.iscoroutinefunction(function):
        return True
    inner = getattr(getattr(function, "hypothesis", None), "inner_test", None)
    return inner is not None and inspect.iscoroutinefunction(inner)


_COROUTINE, _ASYNC_GENERATOR = "coroutine", "async generator"


def _kind(function: object) -> str | None:
    """:func:`is_coroutine_test`, or an ``async def`` with ``yield``, in one look
    at a plain function's code flags; ``None`` for anything else."""
    if type(function) is types.FunctionType:
        flags = function.__code__.co_flags
        if flags & inspect.CO_COROUTINE:
            return _COROUTINE
        if flags & inspect.CO_ASYNC_GENERATOR:
            return _ASYNC_GENERATOR
        if not function.__dict__:  # see is_coroutine_test
            return None
    if is_coroutine_test(function):
        return _COROUTINE
    return _ASYNC_GENERATOR if inspect.isasyncgenfunction(function) else None


def _ignore_async_generator_test(item: pytest.Function) -> None:
    """An ``async def`` with ``yield`` cannot be a test: warn, and xfail it unrun, as 1.x does."""
    message = _messages.async_generator_test(item.nodeid)
    item.warn(pytest.PytestCollectionWarning(message))
    item.add_marker(pytest.mark.xfail(run=False, reason=message))
