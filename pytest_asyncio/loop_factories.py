"""Tests parametrized by the ``pytest_asyncio_loop_factories`` hook.

Why a parameter and not a setting: pytest then does the bookkeeping. Each
test gets the hidden argument ``_asyncio_loop_factory`` once per factory
(the names are the test ids), and every loop fixture declares that argument
(:func:`~pytest_asyncio.loops.fixture.factory_aware_provider`). When the
next test of a module carries another factory, pytest finishes the
parameter's old value and with it the cached module loop that depended on
it, and the new loop comes from the new factory.

Why the parameter's scope is the widest loop the test touches: a loop
fixture of scope ``session`` may only depend on a session-scoped parameter,
and pytest groups tests by a wide parameter, so a session loop is made once
per factory rather than once per test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._scopes import ScopeName, widest
from pytest_asyncio.hookspecs import LoopFactory, is_implemented
from pytest_asyncio.loops.choose import LoopChoice
from pytest_asyncio.loops.fixture import FACTORY_FIXTURE

#: The marker keyword that picks a subset of the configured factories.
SUBSET_KEYWORD = "loop_factories"


class NamedFactory:  # not a dataclass: 4x cheaper to import
    """A factory of the hook, with its name for messages; the parameter's value.

    One per name and factory (:class:`LoopFactories` keeps them), so that
    pytest sees the same parameter value for every test.
    """

    __slots__ = ("factory", "name")

    def __init__(self, name: str, factory: LoopFactory) -> None:
        self.name = name
        self.factory = factory

    def __call__(self) -> asyncio.AbstractEventLoop:
        """Make a loop, refusing anything that is not a new, open loop."""
        return self._checked(self.factory())

    def _checked(self, loop: object) -> asyncio.AbstractEventLoop:
        # ``object``: a user's factory may return anything, whatever its annotation says.
        if not isinstance(loop, asyncio.AbstractEventLoop) or loop.is_closed():
            _compat.fail_plainly(_messages.factory_not_a_loop(self.name, loop))
        return loop


def configured_factories(config: pytest.Config, item: pytest.Item) -> dict[str, LoopFactory] | None:
    """What the hook returns for ``item``, checked; ``None`` when no hook answers.

    :raises pytest.UsageError: for a result that is not a non-empty mapping
        of non-empty names to callables.
    """
    if not is_implemented(config):
        return None
    # The item's own hook relay: a conftest's implementation serves its directory only.
    result = item.ihook.pytest_asyncio_loop_factories(config=config, item=item)
    if result is None:
        return None
    if not isinstance(result, Mapping):
        raise pytest.UsageError(_messages.bad_loop_factories("it returned", result))
    answer = cast("Mapping[object, object]", result)  # what it holds is checked below
    if not answer:
        raise pytest.UsageError(_messages.bad_loop_factories("it returned nothing", answer))
    factories: dict[str, LoopFactory] = {}
    for name, factory in answer.items():
        if not isinstance(name, str) or not name:
            raise pytest.UsageError(_messages.bad_loop_factories("a name is", name))
        if not callable(factory):
            raise pytest.UsageError(_messages.bad_loop_factories(f"{name!r} is", factory))
        # What it returns is checked when it is called (NamedFactory).
        factories[name] = cast(LoopFactory, factory)
    return factories


def is_valid_subset(value: object) -> bool:
    """Whether a marker's ``loop_factories=`` value is a non-empty sequence of names."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        return False
    names = cast("Sequence[object]", value)  # what it holds is checked below
    return bool(names) and all(isinstance(name, str) and name for name in names)


def selected_factories(
    factories: dict[str, LoopFactory], mark: pytest.Mark | None
) -> dict[str, LoopFactory | None] | None:
    """The factories the test's ``loop_factories=[...]`` picks, in its order; all by default.

    :returns: ``None`` for a malformed selection (the marker fails the test
        at setup); ``None`` as the factory of a name the hook did not return
        (that variant is skipped, so a factory can be left out on a platform).
    """
    if mark is None or mark.kwargs.get(SUBSET_KEYWORD) is None:
        return dict(factories)
    wanted = mark.kwargs[SUBSET_KEYWORD]
    if not is_valid_subset(wanted):
        return None
    return {name: factories.get(name) for name in wanted}


def _unavailable() -> asyncio.AbstractEventLoop:  # the value of a skipped variant
    raise AssertionError("a skipped loop factory variant was set up")


class LoopFactories:
    """The ``pytest_generate_tests`` work: parametrize the tests that use our loops."""

    def __init__(self, loop_names: set[str]) -> None:
        self.loop_names = loop_names
        #: Usage errors found while collecting, raised together afterwards.
        self.errors: dict[str, None] = {}
        # One parameter value per factory: pytest before 8.3 compares cache keys with ``is``.
        self._values: dict[tuple[str, int], NamedFactory] = {}

    def raise_errors(self) -> None:
        """Stop the run with every usage error found, once collection is done.

        Raised here rather than from ``pytest_generate_tests``, where pytest
        would turn it into a collection error with the plugin's traceback.
        """
        if self.errors:
            raise pytest.UsageError("\n".join(self.errors))

    def parametrize(
        self,
        metafunc: pytest.Metafunc,
        test_loop: LoopChoice,
        fixture_loops: dict[str, LoopChoice],
        mark: pytest.Mark | None,
    ) -> None:
        """Parametrize an async test once per configured factory, if the hook gives any.

        :param test_loop: the loop the test runs on, as its marker chose it.
        :param fixture_loops: the loops its async fixtures run on, by fixture
            name (see ``LoopDependencies.fixture_loops``).
        :param mark: the test's asyncio marker, if it has one.
        """
        scope = self._widest_loop_scope(metafunc, test_loop, fixture_loops)
        definition = metafunc.definition
        try:
            configured = configured_factories(metafunc.config, definition)
        except pytest.UsageError as error:
            self.errors[str(error)] = None
            return
        if configured is None:
            return
        factories = selected_factories(configured, mark)
        if factories is None:
            return
        # Names stay as they were with one factory configured (not merely selected).
        hidden = getattr(pytest, "HIDDEN_PARAM", None)  # pytest 8.4+
        one = len(configured) == 1 and len(factories) == 1  # not with a skipped unknown name
        ids: list[Any] = [hidden] if one and hidden is not None else []
        _compat.add_to_closure(metafunc, FACTORY_FIXTURE)
        metafunc.parametrize(
            FACTORY_FIXTURE,
            [self._param(name, factory, configured) for name, factory in factories.items()],
            ids=ids or list(factories),
            scope=scope,
        )

    def _param(self, name: str, factory: LoopFactory | None, configured: dict[str, Any]) -> Any:
        if factory is not None:
            return self._value(name, factory)
        reason = _messages.unavailable_loop_factory(name, list(configured))
        return pytest.param(self._value(name, _unavailable), marks=pytest.mark.skip(reason=reason))

    def _value(self, name: str, factory: LoopFactory) -> NamedFactory:
        value = self._values.get((name, id(factory)))
        if value is None or value.factory is not factory:
            value = self._values[(name, id(factory))] = NamedFactory(name, factory)
        return value

    def _widest_loop_scope(
        self,
        metafunc: pytest.Metafunc,
        test_loop: LoopChoice,
        fixture_loops: dict[str, LoopChoice],
    ) -> ScopeName:
        """The widest scope among the loops the test and its fixtures run on."""
        scopes: list[ScopeName] = [test_loop.scope]
        scopes.extend(choice.scope for choice in fixture_loops.values())
        for name, definitions in _compat.closure_fixturedefs(metafunc).items():
            if definitions and name in self.loop_names:
                scopes.append(definitions[-1].scope)
        return widest(scopes)
