"""Which loop a test or an async fixture runs on: one decision, one entry point.

:func:`choose_loop` is asked by the marker (a test's loop, at collection),
and through :func:`choose_fixture_loop` by the async-fixture driver (a
fixture's loop, when it runs) and by the one collection-time walk over a
test's async fixtures (``loop_dependencies``) whose answer both the
declaration of a test's parametrized loops and the loop-factory
parametrization read. So the rules live here only:

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

from typing import Any

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._scopes import ScopeName, is_narrower, loop_fixture_name
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.fixtures.declare import Declared
from pytest_asyncio.loops.fixture import LoopFixture, is_loop_class


class LoopChoice:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """The loop fixture chosen, and how long that loop lives.

    A slotted class: the marker makes one per test at collection.
    """

    __slots__ = ("name", "per_test", "scope")

    #: The loop fixture's name, for ``request.getfixturevalue``.
    name: str
    #: The loop's lifetime: the chosen loop scope, or the scope of the loop
    #: fixture's definition as the node sees it (``function`` with no node).
    scope: ScopeName
    #: The answer depends on where the requesting test lives (rule 4), so it
    #: must not be remembered per fixture definition.
    per_test: bool

    def __init__(self, name: str, scope: ScopeName, per_test: bool = False) -> None:
        self.name = name
        self.scope = scope
        self.per_test = per_test


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
        pytest.fail(
            _messages.loop_scope_narrower_than_scope(fixture, own_scope, loop_scope),
            pytrace=False,
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
    own = LoopChoice(loop_fixture_name(LoopFixture.name, scope), scope, per_test=True)
    definitions = _compat.visible_fixturedefs(node, LoopFixture.name)
    if len(definitions) <= 1:  # only the plugin's own event_loop
        return own
    closest = definitions[-1]
    override_scope: ScopeName = closest.scope
    if not is_narrower(override_scope, scope):
        return LoopChoice(LoopFixture.name, override_scope, per_test=True)
    owner = fixture_class(closest.func)
    if isinstance(owner, type) and issubclass(owner, LoopFixture):
        return own
    pytest.fail(
        _messages.fixture_wider_than_loop(fixture, scope, LoopFixture.name, override_scope),
        pytrace=False,
    )


def choose_fixture_loop(
    fixturedef: Any,
    declaration: Declared | None,
    *,
    default: ScopeName | None,
    test_loop: str | None,
    node: pytest.Item | None,
) -> LoopChoice:
    """:func:`choose_loop` for the async fixture ``fixturedef`` (pytest's
    definition), for the driver that runs it and for the collection-time walk
    over a test's async fixtures (``LoopDependencies.fixture_loops``).

    :param declaration: what ``@pytest_asyncio.fixture`` declared for it, if
        anything (read from the user's function: while the fixture runs,
        ``fixturedef.func`` is the plugin's stand-in).
    :param default: the ini ``asyncio_default_fixture_loop_scope``.
    :param test_loop: the loop fixture of the test it serves (``None``: a sync test).
    :param node: the requesting test, for a wide fixture without a loop scope.
    """
    return choose_loop(
        LoopFixture.name,
        own_scope=fixturedef.scope,
        loop_scope=declaration.loop_scope if declaration is not None else None,
        default=default,
        test_loop=test_loop,
        node=node,
        fixture=fixturedef.argname,
    )


#: The plugin object's classes behind its own loop fixtures, by fixture name
#: (``AsyncioPlugin.loop_class``...); written at configure time.
PLUGIN_LOOP_CLASSES = pytest.StashKey[dict[str, type[LoopFixture]]]()


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
