"""Which loop a test or an async fixture runs on: one decision, one entry point.

:func:`choose_loop` is asked by the marker (a test's loop, at collection),
and through :class:`LoopPlans` for each async fixture a test uses: planned
once per fixture closure at collection and kept in the test's record
(``ItemState.fixture_loops``), which the fixture driver, the declaration of
a test's parametrized loops and the loop-factory parametrization read. So
the rules live here only:

1. an explicit ``loop_scope`` (marker or ``@pytest_asyncio.fixture``) wins;
2. else the ini default, where it is not narrower than the subject's scope;
3. a function loop scope means the function-scoped loop fixture: the
   marker's own (``event_loop``, or an override of it) for a test, the
   test's loop for a function-scoped fixture;
4. a wide fixture with neither runs on an overridden ``event_loop`` at
   least as wide, else on the loop of its own scope (see
   :func:`_wide_fixture_loop`).

Which *class* makes the chosen loop is chosen here too
(:func:`loop_class_in_force`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._scopes import ScopeName, is_narrower, loop_fixture_name
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.fixtures.declare import (
    Declared,
    Handling,
    Kind,
    belongs_to_other_plugin,
    declared,
    handling,
    kind_of,
)
from pytest_asyncio.loops.fixture import LoopFixture, is_loop_class


class LoopChoice:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """The loop fixture chosen, and how long that loop lives.

    A slotted class: the marker makes one per test at collection.
    """

    __slots__ = ("name", "scope")

    #: The loop fixture's name, for ``request.getfixturevalue``.
    name: str
    #: The loop's lifetime: the chosen loop scope, or the scope of the loop
    #: fixture's definition as the node sees it (``function`` with no node).
    scope: ScopeName

    def __init__(self, name: str, scope: ScopeName) -> None:
        self.name = name
        self.scope = scope


def choose_loop(
    family: str,
    *,
    own_scope: ScopeName = "function",
    loop_scope: ScopeName | None = None,
    default: ScopeName | None = None,
    test_loop: str | None = None,
    node: pytest.Item | None = None,
    fixture: str | None = None,
) -> LoopChoice:
    """Choose the loop for a test (``fixture=None``) or an async fixture.

    :param family: the base loop fixture whose scoped loops may be chosen:
        the marker's loop fixture for a test, ``event_loop`` for a fixture.
    :param own_scope: the fixture's scope; ``function`` for a test.
    :param loop_scope: the ``loop_scope`` the marker or fixture declares.
    :param default: the ini default loop scope for tests, or for fixtures.
    :param test_loop: for a fixture, the loop fixture of the test it serves
        (``None`` for a sync test).
    :param node: the requesting test: needed for a wide fixture without a
        loop scope; given, it also resolves the lifetime of a function loop.
    :param fixture: the fixture's name, for messages.
    :raises pytest.fail.Exception: for a fixture whose ``loop_scope`` is
        narrower than its scope, or a wide fixture on a narrower plain
        ``event_loop`` override.
    """
    if fixture is not None and loop_scope is not None and is_narrower(loop_scope, own_scope):
        _compat.fail_plainly(
            _messages.loop_scope_narrower_than_scope(fixture, own_scope, loop_scope)
        )
    if loop_scope is None and default is not None and not is_narrower(default, own_scope):
        loop_scope = default
    if loop_scope is not None and loop_scope != "function":
        return LoopChoice(loop_fixture_name(family, loop_scope), loop_scope)
    if own_scope == "function":
        name = test_loop or family
        return LoopChoice(name, visible_scope(node, name) if node is not None else "function")
    assert node is not None, "a wide fixture's loop depends on the requesting test"
    return _wide_fixture_loop(fixture or "?", own_scope, node)


def _wide_fixture_loop(fixture: str, scope: ScopeName, node: pytest.Item) -> LoopChoice:
    """A wide fixture without a loop scope runs on an overridden ``event_loop``
    at least as wide, else on a loop of its own scope.

    A ``LoopFixture`` subclass says how loops are made, not how wide they
    must be: a narrower one leaves the fixture on the loop of its scope
    (which the subclass makes). A narrower plain-function override keeps
    the pytest-asyncio 0.21 rule and fails, saying what to do.
    """
    own = LoopChoice(loop_fixture_name(LoopFixture.name, scope), scope)
    definitions = _compat.visible_fixturedefs(node, LoopFixture.name)
    if len(definitions) <= 1:  # only the plugin's own event_loop
        return own
    closest = definitions[-1]
    override_scope: ScopeName = closest.scope
    if not is_narrower(override_scope, scope):
        return LoopChoice(LoopFixture.name, override_scope)
    owner = fixture_class(closest.func)
    if isinstance(owner, type) and issubclass(owner, LoopFixture):
        return own
    _compat.fail_plainly(
        _messages.fixture_wider_than_loop(fixture, scope, LoopFixture.name, override_scope)
    )


class FixtureLoop:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """What the plan says about one async fixture definition, for the tests of one closure."""

    __slots__ = ("choice", "failure", "handling", "on_test_loop")

    #: Whether the plugin runs it, refuses it or leaves it to pytest.
    handling: Handling
    #: The loop it runs on; ``None`` where it runs on none, or choosing failed.
    choice: LoopChoice | None
    #: Why it cannot run (what :func:`choose_loop` refused): it fails with
    #: this when it runs.
    failure: str | None
    #: A function-scoped fixture on the test's own loop, which it finds
    #: among the test's fixture values.
    on_test_loop: bool

    def __init__(
        self,
        handling: Handling,
        choice: LoopChoice | None = None,
        failure: str | None = None,
        on_test_loop: bool = False,
    ) -> None:
        self.handling = handling
        self.choice = choice
        self.failure = failure
        self.on_test_loop = on_test_loop


#: The plan of a test's async fixtures, by fixture definition (pytest's
#: ``FixtureDef``); sync fixtures are not in it.
FixturePlan = dict[Any, FixtureLoop]


class LoopPlans:
    """The loop of each async fixture of each test, planned once per fixture closure.

    Many tests share one plan: the tests of one module or class that use the
    same fixture definitions on the same loop (all tests of a parametrized
    function do). A test keeps a reference to its plan in its record, and the
    fixture driver looks each fixture up in it as the fixture runs.
    """

    def __init__(self, mode: str, default: ScopeName | None, loop_names: Iterable[str]) -> None:
        """
        :param mode: the ``asyncio_mode`` in force.
        :param default: the ini ``asyncio_default_fixture_loop_scope``.
        :param loop_names: the plugin's loop fixtures: never run as async fixtures.
        """
        self.mode = mode
        self.default: ScopeName | None = default
        self.loop_names = frozenset(loop_names)
        self._plans: dict[tuple[object, ...], FixturePlan] = {}
        self._kinds: dict[object, tuple[Kind, Declared | None]] = {}

    def for_test(self, item: pytest.Item, test_loop: str | None) -> FixturePlan:
        """The plan for ``item``'s async fixtures, made the first time its closure is seen.

        :param item: a test, or the definition pytest collects it from.
        :param test_loop: the loop fixture of an async test, ``None`` for a sync one.
        """
        closure = _compat.closure_of(item)
        if not closure:
            return {}
        # Where the test lives decides rule 4, and a sync test's other plugin whether it runs.
        other = test_loop is None and self.mode != "strict" and belongs_to_other_plugin(item)
        key = (item.parent, test_loop, other, _compat.definitions_key(closure))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(item, test_loop, closure)
        return plan

    def _plan(
        self, item: pytest.Item, test_loop: str | None, closure: _compat.Closure
    ) -> FixturePlan:
        plan: FixturePlan = {}
        for name, definitions in closure.items():
            if name in self.loop_names:
                continue
            for fixturedef in definitions:
                known = self._kinds.get(fixturedef)
                if known is None:
                    function = fixturedef.func
                    known = self._kinds[fixturedef] = (kind_of(function), declared(function))
                kind, declaration = known
                if kind != "sync":
                    plan[fixturedef] = self.decide(fixturedef, declaration, item, test_loop)
        return plan

    def decide(
        self,
        fixturedef: Any,
        declaration: Declared | None,
        item: pytest.Item | None,
        test_loop: str | None,
        node: pytest.Item | None = None,
    ) -> FixtureLoop:
        """Plan one async fixture definition (pytest's ``FixtureDef``) for a test.

        :param declaration: what ``@pytest_asyncio.fixture`` declared for it, if
            anything (read from the user's function: while the fixture runs,
            ``fixturedef.func`` is the plugin's stand-in).
        :param item: the test it serves, if any.
        :param test_loop: the loop fixture of an async test, ``None`` for a sync one.
        :param node: where the test lives, for a wide fixture without a loop
            scope, where there is no ``item``.
        """
        verdict = handling(declaration, self.mode, item, test_loop is not None)
        if verdict != "run":
            return FixtureLoop(verdict)
        try:
            choice = choose_loop(
                LoopFixture.name,
                own_scope=fixturedef.scope,
                loop_scope=declaration.loop_scope if declaration is not None else None,
                default=self.default,
                test_loop=test_loop,
                node=item or node,
                fixture=fixturedef.argname,
            )
        except pytest.fail.Exception as refused:
            return FixtureLoop(verdict, failure=refused.msg)
        on_test_loop = fixturedef.scope == "function" and choice.name == test_loop
        return FixtureLoop(verdict, choice, on_test_loop=on_test_loop)


#: The plugin object's classes behind its own loop fixtures, by fixture name
#: (``AsyncioPlugin.loop_class``...); written at configure time.
PLUGIN_LOOP_CLASSES: pytest.StashKey[dict[str, type[LoopFixture]]] = pytest.StashKey()


def loop_class_in_force(
    node: pytest.Item | pytest.Collector, name: str, default: type[LoopFixture]
) -> type[LoopFixture]:
    """The ``LoopFixture`` subclass behind fixture ``name`` as seen from ``node``.

    :returns: where ``name`` is a plain function (or not a subclass of
        ``default``), the plugin object's class for ``name`` if it is a
        subclass of ``default``, else ``default``.
    """
    definitions = _compat.visible_fixturedefs(node, name)
    if definitions:
        owner = fixture_class(definitions[-1].func)
        if is_loop_class(owner, default):
            return owner
    plugins = node.config.stash.get(PLUGIN_LOOP_CLASSES, None)
    fallback = plugins.get(name) if plugins is not None else None
    return fallback if is_loop_class(fallback, default) else default


def visible_scope(node: pytest.Item, name: str) -> ScopeName:
    """The scope of fixture ``name`` as ``node`` sees it (a user may widen ``event_loop``)."""
    definitions = _compat.visible_fixturedefs(node, name)
    scope: ScopeName = definitions[-1].scope if definitions else "function"
    return scope
