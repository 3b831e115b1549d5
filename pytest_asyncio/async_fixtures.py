"""Run users' ``async def`` and async generator fixtures on the right loop.

pytest calls fixture functions synchronously. For each async fixture
definition the plugin keeps one :class:`AsyncFixture`, and for each of its
activations hands pytest a stand-in (a function, or a generator for async
generators) that drives the user's coroutine on the loop through
:func:`pytest_asyncio._runner.run_coroutine`, so pytest's own caching,
finalizers and error reports stay in charge. An async generator runs in two
steps, each a task: setup up to its ``yield``, teardown from there to its
end; one that yields again, or will not close, is reported by the fixture's
name with what to change.

Whether an async fixture is the plugin's to run at all, and on which loop,
the test's plan says (:class:`pytest_asyncio.loops.choose.LoopPlans`).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import types
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from pytest_asyncio import _asyncio_compat, _compat, _messages
from pytest_asyncio._interrupts import INTERRUPTS
from pytest_asyncio._runner import RunFailed, run_coroutine
from pytest_asyncio._settings import Settings
from pytest_asyncio.fixtures.declare import Declared, Kind
from pytest_asyncio.loops.choose import FixtureLoop, LoopPlans

if TYPE_CHECKING:
    from pytest_asyncio.items import ItemState

_MISSING = object()


class AsyncFixture:
    """One async fixture definition, as the plugin runs it.

    pytest sets a fixture up many times from one ``FixtureDef``: what does
    not change between those activations (the stand-in's function, whether
    it is a method) is kept here, and the loop it runs on for a test is in
    the test's plan (``ItemState.fixture_loops``), so that an activation
    costs one small :class:`Activation` and a ``functools.partial``.
    """

    __slots__ = (
        "_stand_in",
        "declaration",
        "fixturedef",
        "function",
        "method",
        "name",
        "plans",
        "step_name",
        "timeout",
        "wide",
        "wide_loops",
    )

    def __init__(
        self,
        settings: Settings,
        plans: LoopPlans,
        fixturedef: Any,
        function: Callable[..., Any],
        kind: Kind,
        declaration: Declared | None,
        wide_loops: dict[Any, asyncio.AbstractEventLoop],
    ) -> None:
        """
        :param plans: where the tests' plans are made, for a fixture one
            does not name (asked for by name, or set up outside a test).
        :param function: the user's fixture function (``fixturedef.func``).
        :param kind: a coroutine or async generator function.
        :param declaration: how ``@pytest_asyncio.fixture`` declared it, if it did.
        :param wide_loops: where a wide fixture notes the loop it runs on while
            it is set up (``FixtureSetup.wide_loops``).
        """
        self.plans = plans
        self.fixturedef = fixturedef
        self.function = function
        self.declaration = declaration
        self.name: str = fixturedef.argname
        #: The limit for each step outside an async test.
        self.timeout = settings.timeout
        #: Wider than a function: torn down with its loop, should that go first.
        self.wide = fixturedef.scope != "function"
        self.wide_loops = wide_loops
        #: A fixture method, bound again to each test's own instance.
        self.method = getattr(function, "__self__", None) is not None
        #: The name of a generator's step coroutine, from its first generator.
        self.step_name: str | None = None
        generator = kind == "async generator"
        self._stand_in = _iterate_async_generator if generator else _call_coroutine

    def stand_in(
        self, request: pytest.FixtureRequest, running: ItemState | None
    ) -> Callable[..., Any] | None:
        """A sync function pytest can call in place of ``fixturedef.func``.

        :param running: the record of the test being set up, if any: its
            loop, which function-scoped fixtures share, its timeout, and the
            plan of its async fixtures.
        :returns: ``None`` when the fixture is not the plugin's to run
            (pytest then calls it as it is).
        """
        item = test = planned = None
        if running is not None:
            item, test = running.item, running.test
            plan = running.fixture_loops
            if plan is None:  # a sync test, planned as its first async fixture runs
                test_loop = test.loop_fixture if test is not None else None
                plan = running.fixture_loops = self.plans.for_test(item, test_loop)
            planned = plan.get(self.fixturedef)
            if planned is None:  # asked for by name: beyond the closure planned
                planned = plan[self.fixturedef] = self._plan(request, running)
        else:
            planned = self._plan(request, None)
        if planned.handling != "run":
            if planned.handling == "leave":
                return None
            return functools.partial(_refuse, _messages.undeclared_async_fixture(self.name, item))
        if test is not None:
            activation = Activation(self, request, planned, test.timeout, item)
        else:  # outside a test, or for a sync test (``running``)
            activation = Activation(self, request, planned, self.timeout, item, running)
        return functools.partial(self._stand_in, activation)

    def _plan(self, request: pytest.FixtureRequest, running: ItemState | None) -> FixtureLoop:
        """The plan for this fixture alone, where the test's plan has none
        (the same for every test of that plan: see ``LoopPlans``)."""
        item = test = None
        if running is not None:
            item, test = running.item, running.test
        test_loop = test.loop_fixture if test is not None else None
        node = item if item is not None else _compat.requesting_item(request)
        return self.plans.decide(self.fixturedef, self.declaration, item, test_loop, node)

    def start(self, activation: Activation) -> tuple[asyncio.AbstractEventLoop, Callable[..., Any]]:
        """The loop of one activation and the function to call on it, found
        when pytest calls the stand-in.

        Not when the stand-in is made: pytest caches and reports an error
        raised by the fixture call, while one raised from the setup hook
        would leave its fixture state corrupt.
        """
        function = self.function
        request = activation.request
        if self.method:
            function = _bind_to_instance(function, request)
        planned = activation.planned
        choice = planned.choice
        if choice is None:  # no loop it could run on: the plan says why
            _compat.fail_plainly(planned.failure or "")
        name = choice.name
        if planned.on_test_loop:  # already in the test's funcargs: skip pytest's lookup
            funcargs: dict[str, Any] = getattr(activation.item, "funcargs", None) or {}
            if name in funcargs:
                return funcargs[name], function
        loop: asyncio.AbstractEventLoop = request.getfixturevalue(name)
        if self.wide:  # a loop torn down early (a new loop factory) takes the fixture along
            _compat.finish_before(request, name, self.fixturedef)
            self._note_loop(request, loop)
        sync_test = activation.sync_test
        if sync_test is not None:
            make_current_for(sync_test, loop)
        return loop, function

    def _note_loop(self, request: pytest.FixtureRequest, loop: asyncio.AbstractEventLoop) -> None:
        """Note the loop of a wide fixture until its teardown: the later sync
        tests it serves from pytest's cache run with that loop current too."""
        fixturedef = self.fixturedef
        self.wide_loops[fixturedef] = loop
        request.addfinalizer(functools.partial(self.wide_loops.pop, fixturedef, None))


class Activation:
    """One activation of an async fixture: what its stand-in runs with."""

    __slots__ = ("fixture", "item", "planned", "request", "sync_test", "timeout")

    def __init__(
        self,
        fixture: AsyncFixture,
        request: pytest.FixtureRequest,
        planned: FixtureLoop,
        timeout: float | None,
        item: pytest.Item | None,
        sync_test: ItemState | None = None,
    ) -> None:
        self.fixture = fixture
        self.request = request
        #: The loop it runs on, as the test's plan says.
        self.planned = planned
        #: The limit for each step (setup, teardown), or ``None``.
        self.timeout = timeout
        #: The test being set up, for messages and its loop.
        self.item = item
        #: The record of the sync test being set up, if it is one.
        self.sync_test = sync_test

    def __call__(self) -> str:
        """How messages name the fixture; only built for a message."""
        item = self.item
        return f"async fixture {self.fixture.name!r}" + (
            f" (set up for {item.nodeid})" if item else ""
        )

    def run(self, loop: asyncio.AbstractEventLoop, coro: Any, context: contextvars.Context) -> Any:
        """Run one step of the fixture (its call, or a generator step) as a task."""
        __tracebackhide__ = True
        try:
            return run_coroutine(
                loop, coro, context=context, timeout=self.timeout, description=self
            )
        except RunFailed as exc:
            report = str(exc)
        _compat.fail_plainly(report)


def _call_coroutine(activation: Activation, /, **kwargs: Any) -> Any:
    """The stand-in of an ``async def`` fixture (positional-only: a fixture
    may take an argument of any name)."""
    __tracebackhide__ = True
    loop, function = activation.fixture.start(activation)
    context = contextvars.copy_context()
    value = activation.run(loop, function(**kwargs), context)
    unpublish = _publish(context)
    if unpublish is not None:
        activation.request.addfinalizer(unpublish)
    return value


def _iterate_async_generator(activation: Activation, /, **kwargs: Any) -> Iterator[Any]:
    """The stand-in of an async generator fixture: a generator, as pytest expects."""
    __tracebackhide__ = True  # the fixture's own frames are the ones to show
    fixture = activation.fixture
    loop, function = fixture.start(activation)
    generator = function(**kwargs)
    name = fixture.step_name
    if name is None:
        name = fixture.step_name = _step_name(generator)
    context = contextvars.copy_context()
    yielded, value = activation.run(loop, _step(generator, name), context)
    if not yielded:
        _compat.fail_plainly(_messages.async_generator_did_not_yield(fixture.name))
    unpublish = _publish(context)
    try:
        yield value
    finally:
        try:
            _finish(activation, loop, context, generator, name)
        finally:
            if unpublish is not None:
                unpublish()


def make_current_for(sync_test: ItemState, loop: asyncio.AbstractEventLoop) -> None:
    """Make ``loop`` current for the rest of a sync test, as 0.21's ``event_loop``
    and 1.x's runner did: the test's own code may drive it with
    ``asyncio.get_event_loop().run_until_complete()``. The test's teardown
    puts back the loop current before (``TestRuns.finish``).

    Called as an async fixture of the test is set up for it, and as the test
    is set up for a wide one pytest set up before (``FixtureSetup.for_sync_test``)."""
    if sync_test.saved_loop is None:
        sync_test.saved_loop = _asyncio_compat.snapshot_current_loop()
    _asyncio_compat.make_current(loop)


def _refuse(message: str, **_arguments: object) -> NoReturn:
    """Stands in for a fixture the plugin will not run, so pytest reports ``message``."""
    _compat.fail_plainly(message)


def _bind_to_instance(function: Any, request: pytest.FixtureRequest) -> Any:
    """Bind a fixture method to the test's own instance, as pytest does."""
    instance = request.instance
    owner = getattr(function, "__self__", None)
    if instance is None or owner is None or not isinstance(instance, type(owner)):
        return function
    return function.__func__.__get__(instance)


def _publish(context: contextvars.Context) -> Callable[[], None] | None:
    """Make the variables a fixture set visible to what runs after it.

    (Not ``context == copy_context()`` to tell whether it set any: that
    compares values with ``==``, and a value equal to, but not the one
    outside, must be published too.)

    :returns: a function that undoes it, for the fixture's teardown;
        ``None`` when the fixture set nothing.
    """
    tokens = [var.set(value) for var, value in context.items() if var.get(_MISSING) is not value]
    if not tokens:
        return None

    def unpublish() -> None:
        for token in reversed(tokens):
            try:
                token.var.reset(token)
            except (ValueError, RuntimeError):  # already reset, or set elsewhere
                pass

    return unpublish


def _step_name(generator: AsyncIterator[Any]) -> str:
    """The name of the generator's step coroutines: ``fixture.__anext__``."""
    qualname = getattr(generator, "__qualname__", None) or type(generator).__name__
    return f"{qualname}.__anext__"


def _step(generator: AsyncIterator[Any], name: str) -> Coroutine[Any, Any, tuple[bool, Any]]:
    """The task that runs a generator fixture up to its next ``yield`` (or its end).

    asyncio cannot make a task of ``__anext__()`` itself; the coroutine is
    named after the fixture (``name``, from :func:`_step_name`) so that a
    task's repr reads ``fixture.__anext__()``.
    """
    coro: types.CoroutineType[Any, Any, tuple[bool, Any]] = _advance(generator)  # type: ignore[assignment]
    coro.__qualname__ = coro.__name__ = name
    return coro


async def _advance(generator: AsyncIterator[Any]) -> tuple[bool, Any]:
    __tracebackhide__ = True  # the fixture's own frames follow
    try:
        return True, await generator.__anext__()
    except StopAsyncIteration:
        return False, None


def _finish(
    activation: Activation,
    loop: asyncio.AbstractEventLoop,
    context: contextvars.Context,
    generator: Any,
    coro_name: str,
) -> None:
    """Run the code after the ``yield``, in the setup's ``context``; fail if
    the generator yields again.

    A Ctrl-C that ends the step is raised once the test's teardown is done
    (see ``_interrupts``), so that the fixtures after this one still get torn down.
    """
    try:
        yielded, _ = activation.run(loop, _step(generator, coro_name), context)
    except KeyboardInterrupt:
        INTERRUPTS.defer()
        return
    if not yielded:
        return
    name = activation.fixture.name
    attempts = activation.run(loop, _close(generator), context)
    if attempts == 1:
        _compat.fail_plainly(_messages.async_generator_yielded_twice(name))
    _compat.fail_plainly(_messages.async_generator_ignored_close(name, closed=attempts > 0))


async def _close(generator: Any) -> int:
    """Close a generator that yielded again; how many tries it took, 0 if it will not.

    A generator that yields inside its ``finally`` block ignores the
    ``GeneratorExit`` of ``aclose()`` (asyncio's "async generator ignored
    GeneratorExit"); resumed once more, it ends that ``finally`` and closes.
    """
    try:
        await generator.aclose()
    except RuntimeError:  # it yielded again instead of closing
        pass
    else:
        return 1
    for attempt in (2, 3):
        try:
            await generator.__anext__()
        except (GeneratorExit, StopAsyncIteration):
            return attempt
    return 0
