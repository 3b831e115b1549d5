"""What the plugin does as pytest sets up each fixture, sync or async.

pytest calls every fixture function itself; around each call the plugin
swaps ``fixturedef.func`` for the activation: an async fixture gets a sync
stand-in that runs it on the right loop, a loop fixture's value is checked
and watched, a :class:`~pytest_asyncio.Fixture` provider gets its request.

Why a plan per fixture definition: this hook runs for every fixture of the
session, so what does not change between activations (the function's
kind, its declaration, whether it is a loop fixture) is worked out once.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, Any, NoReturn, cast, final

import pytest

from pytest_asyncio import _asyncio_compat, _compat
from pytest_asyncio._runner import close_loop
from pytest_asyncio._settings import Settings
from pytest_asyncio.diagnostics import loops as leaks
from pytest_asyncio.diagnostics.observer import DiagnosticsPlugin
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.fixtures.declare import Declared, Kind, declared, kind_of
from pytest_asyncio.items import ItemState
from pytest_asyncio.loops.choose import LoopPlans
from pytest_asyncio.loops.fixture import refusal

if TYPE_CHECKING:
    from pytest_asyncio.async_fixtures import AsyncFixture

#: Called with the test, its loop fixture's name, the loop just set up and
#: the loops in use (see ``pytest_asyncio.left_current``).
TestLoopMade = Callable[
    [pytest.Item, str, asyncio.AbstractEventLoop, Iterable[asyncio.AbstractEventLoop]], None
]


class Plan:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """What the plugin decided once about one fixture definition."""

    __slots__ = ("adapted", "declaration", "function", "is_loop", "kind", "provider")

    #: The fixture function the plan is for (pytest's ``fixturedef.func``).
    function: Callable[..., Any]
    kind: Kind
    declaration: Declared | None
    #: Made by :meth:`Fixture.fixture`: takes ``request`` from the plugin.
    provider: bool
    #: One of the plugin's loop fixture names: its value is checked and watched.
    is_loop: bool
    #: What the stand-ins of an async fixture share; ``None`` for a sync one.
    adapted: AsyncFixture | None

    def __init__(
        self,
        function: Callable[..., Any],
        kind: Kind,
        declaration: Declared | None,
        provider: bool,
        is_loop: bool,
        adapted: AsyncFixture | None = None,
    ) -> None:
        self.function = function
        self.kind = kind
        self.declaration = declaration
        self.provider = provider
        self.is_loop = is_loop
        self.adapted = adapted


@final
class FixtureSetup:
    """The ``pytest_fixture_setup`` work of :class:`~pytest_asyncio.AsyncioPlugin`."""

    def __init__(
        self,
        settings: Settings,
        diagnostics: DiagnosticsPlugin,
        loop_names: set[str],
        plan_only: bool = False,
        plans: LoopPlans | None = None,
    ) -> None:
        """
        :param plans: where the tests' async fixtures are planned (collection's);
            by default one of its own.
        """
        #: ``--setup-plan``: pytest caches ``None`` for every fixture and runs nothing.
        self.plan_only = plan_only
        self.settings = settings
        self.diagnostics = diagnostics
        self.loop_names = loop_names
        self.plans = plans or LoopPlans(
            settings.mode, settings.default_fixture_loop_scope, loop_names
        )
        #: Told each time pytest sets up the loop of the running async test
        #: (by :class:`~pytest_asyncio.asyncio_plugin.TestRuns`, which sets it).
        self.test_loop_made: TestLoopMade = _nothing_to_do
        self._plans: dict[object, Plan] = {}
        self._made_loops: dict[object, asyncio.AbstractEventLoop] = {}
        #: The record of the test being set up, run or torn down (``item.stash``).
        self.running: ItemState | None = None
        #: The wide async fixtures set up and not yet torn down, by definition,
        #: with the loop each runs on: pytest hands their value to later tests
        #: without calling them (see :meth:`for_sync_test`).
        self.wide_loops: dict[Any, asyncio.AbstractEventLoop] = {}

    def plan(self, fixturedef: Any) -> Plan:
        function = fixturedef.func
        plan = self._plans.get(fixturedef)
        if plan is None or plan.function is not function:
            kind = kind_of(function)
            declaration = declared(function)
            plan = self._plans[fixturedef] = Plan(
                function=function,
                kind=kind,
                declaration=declaration,
                provider=fixture_class(function) is not None,
                is_loop=fixturedef.argname in self.loop_names,
                adapted=None
                if kind == "sync"
                else self._adapt(fixturedef, function, kind, declaration),
            )
        return plan

    def _adapt(
        self,
        fixturedef: Any,
        function: Callable[..., Any],
        kind: Kind,
        declaration: Declared | None,
    ) -> AsyncFixture:
        """What an async fixture's stand-ins share, made once per fixture definition."""
        # Imported here: a session without async fixtures never loads it.
        from pytest_asyncio.async_fixtures import AsyncFixture

        return AsyncFixture(
            self.settings, self.plans, fixturedef, function, kind, declaration, self.wide_loops
        )

    def for_sync_test(self, state: ItemState) -> None:
        """Before a sync test's fixtures, while wide async fixtures are set up:
        the loop of one in its closure is made current for the test, as the
        fixture's stand-in does when it runs (``async_fixtures.make_current_for``),
        since pytest hands the test the value it cached instead.

        Of two on different loops, the one set up last wins, as with stand-ins.
        """
        closure = _compat.closure_of(state.item)
        found = None
        for fixturedef, loop in self.wide_loops.items():
            if (
                fixturedef in closure.get(fixturedef.argname, ())
                and _compat.cached_fixture_value(fixturedef)[0]
                and not loop.is_closed()
            ):
                found = loop
        if found is not None:
            # Loaded already: the fixture's stand-in came from it.
            from pytest_asyncio.async_fixtures import make_current_for

            make_current_for(state, found)

    def around(
        self, fixturedef: Any, request: pytest.FixtureRequest
    ) -> Generator[None, object, object]:
        """The body of the ``pytest_fixture_setup`` wrapper."""
        __tracebackhide__ = True
        if self.plan_only:  # no fixture function runs: nothing to adapt or check
            return (yield)
        function = fixturedef.func
        running = self.running  # read once: this hook runs for every fixture
        lent = running.lent if running is not None else None  # see loops.direct
        direct_loop = lent.loop if lent is not None and lent.name == fixturedef.argname else None
        if direct_loop is not None:  # asked for by name at run time
            fixturedef.func = functools.partial(_identity, direct_loop)
        else:
            plan = self._plans.get(fixturedef)
            if plan is None or plan.function is not function:
                plan = self.plan(fixturedef)
            adapted = plan.adapted
            stand_in = adapted.stand_in(request, running) if adapted is not None else None
            if stand_in is not None:
                fixturedef.func = stand_in
            else:
                if plan.provider:
                    fixturedef.func = functools.partial(function, request=request)
                try:
                    if plan.is_loop:
                        return self._check_loop(fixturedef, request, (yield))
                    test = running.test if running is not None else None
                    if test is not None and test.loop_fixture in fixturedef.argnames:
                        # a sync fixture that takes the test's loop runs with it current
                        loop = request.getfixturevalue(test.loop_fixture)
                        _asyncio_compat.set_current_loop(loop)
                    return (yield)
                finally:
                    fixturedef.func = function
        try:
            return (yield)
        finally:
            fixturedef.func = function

    def _check_loop(
        self, fixturedef: Any, request: pytest.FixtureRequest, value: object
    ) -> asyncio.AbstractEventLoop:
        name = fixturedef.argname
        refused = refusal(name, value)
        if refused is not None:
            _refuse_loop(fixturedef, request, refused)
        value = cast(asyncio.AbstractEventLoop, value)
        if self.settings.debug:
            value.set_debug(True)
        self._made_loops[fixturedef] = value
        self.diagnostics.watch_loop(value, fixturedef, request)
        running = self.running
        test = running.test if running is not None else None
        if running is not None and test is not None and test.loop_fixture == name:
            self.test_loop_made(running.item, name, value, self._made_loops.values())
            _asyncio_compat.set_current_loop(value)
        return value

    def loops_in_use(self) -> Iterable[asyncio.AbstractEventLoop]:
        """The loops of loop fixtures set up and not yet torn down."""
        return self._made_loops.values()

    def post_finalizer(self, fixturedef: Any, request: pytest.FixtureRequest) -> None:
        """Close a loop the user's fixture left open, so nothing leaks, and report it."""
        __tracebackhide__ = True
        loop = self._made_loops.pop(fixturedef, None)
        if loop is not None and not loop.is_closed():
            close_loop(loop)
            self.diagnostics.defer(functools.partial(leaks.left_open, loop, fixturedef, request))


def _nothing_to_do(*_arguments: object) -> None:
    """What :attr:`FixtureSetup.test_loop_made` does until it is set."""


def _refuse_loop(fixturedef: Any, request: pytest.FixtureRequest, message: str) -> NoReturn:
    """Fail a loop fixture whose value is unusable, for every test that uses it.

    pytest has already cached the value when our hook sees it; finishing the
    fixture (which runs its teardown) drops it, so the next test in its scope
    sets it up again and fails with the same message instead of running.
    """
    fixturedef.finish(request)
    _compat.fail_plainly(message)


def _identity(value: object, **_arguments: object) -> object:
    return value
