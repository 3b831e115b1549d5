"""Changing pytest's fixture graph: defining, declaring and tying fixtures together.

Private pytest use, checked on pytest 8.2, 8.3, 8.4, 9.0 and 9.2 (see the
package docstring).
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from pytest_asyncio.loops.scopes import SCOPE_ORDER, ScopeName


def register_node_fixture(
    node: pytest.Collector, name: str, function: Callable[..., Any], scope: ScopeName
) -> None:
    """Define fixture ``name`` for ``node`` and everything below it.

    ``FixtureManager._register_fixture``: pytest 8.1 to 9.2; from 9.1 on it
    takes the node itself (``node=``) and deprecates ``nodeid=``.
    """
    manager = node.session._fixturemanager
    register = manager._register_fixture
    if "node" in inspect.signature(register).parameters:
        register(name=name, func=function, scope=scope, node=node)
    else:
        register(name=name, func=function, scope=scope, nodeid=node.nodeid)


def add_to_closure(metafunc: pytest.Metafunc, name: str) -> None:
    """Make the test being collected request fixture ``name``, so it can be parametrized.

    ``Metafunc.fixturenames`` is the test's ``names_closure`` list itself
    (``parametrize`` refuses names not in it): pytest 8.2 to 9.2.
    """
    if name not in metafunc.fixturenames:  # first: set up before the fixtures it may finish
        metafunc.fixturenames.insert(0, name)


def finish_before(request: pytest.FixtureRequest, name: str, fixturedef: Any) -> None:
    """Tear ``fixturedef`` down whenever fixture ``name``, which it got by
    ``request.getfixturevalue``, is torn down (pytest does so for declared
    arguments only), e.g. a module loop finished early by a new loop factory.

    ``FixtureRequest._get_active_fixturedef`` (cached after getfixturevalue)
    and ``FixtureDef.addfinalizer`` / ``.finish(request)``: pytest 8.2 to 9.2.
    """
    dependency = request._get_active_fixturedef(name)
    dependency.addfinalizer(functools.partial(fixturedef.finish, request=request))


def finish_with(request: pytest.FixtureRequest, name: str) -> None:
    """Tear the fixture ``request`` is setting up down whenever fixture
    ``name``, which it got by ``request.getfixturevalue``, is torn down.

    ``SubRequest._fixturedef``: pytest 8.2 to 9.2 (see :func:`finish_before`).
    """
    own = getattr(request, "_fixturedef", None)
    if own is not None:
        finish_before(request, name, own)


def report_defined_at(function: Callable[..., Any], filename: str, lineno: int) -> None:
    """Make pytest report ``function`` as a fixture defined at ``filename:lineno``.

    For a fixture :meth:`Fixture.fixture` builds, that is the line that
    called it (``event_loop = MyLoop.fixture()``), not the plugin's source.
    pytest finds a fixture's location through ``inspect.unwrap`` (its
    ``get_real_func``) and then ``__code__.co_filename`` and
    ``co_firstlineno``: ``getlocation()`` for ``--fixtures`` and
    ``--fixtures-per-test``, ``getfslineno()`` for fixture errors. So
    ``function.__wrapped__`` gets a stand-in: ``function``'s code with only
    its file and first line changed, so the signature pytest reads through
    ``__wrapped__`` stays the same. The stand-in never runs (pytest calls
    the function it registered, found through ``__pytest_wrapped__`` on
    8.x and ``_fixture_function`` on 9.x); ``function`` keeps its own code,
    so tracebacks through the fixture show the plugin's real lines.
    Checked on pytest 8.2 to 9.2; before 9.2 ``--fixtures`` prints
    ``co_firstlineno + 1`` (the ``def`` line of a decorated fixture), so
    there the line after the assignment.
    """
    code = function.__code__.replace(co_filename=filename, co_firstlineno=lineno)
    stand_in = types.FunctionType(
        code,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    function.__wrapped__ = stand_in  # type: ignore[attr-defined]


def declare_fixtures(
    metafunc: pytest.Metafunc, closure: dict[str, Sequence[Any]], first: str | None = None
) -> None:
    """Add fixtures (with their definitions) to the closure of the test being
    collected, as if it requested them, so that pytest parametrizes them.

    Each goes where pytest would have sorted it (after the names of a scope
    at least as wide); ``first`` goes first, as an autouse fixture would.
    ``Metafunc.fixturenames`` is ``names_closure`` and
    ``Metafunc._arg2fixturedefs`` is ``name2fixturedefs``: pytest 8.2 to 9.2.
    They go into ``FunctionDefinition._fixtureinfo.initialnames`` (a frozen dataclass's
    tuple) too, or pytest prunes them from a parametrized test's closure.
    """
    names = metafunc.fixturenames
    known: dict[str, Sequence[Any]] = metafunc._arg2fixturedefs
    info = metafunc.definition._fixtureinfo  # kept through pytest's pruning of parametrized tests
    added = tuple(name for name in closure if name not in names)
    if added:
        object.__setattr__(info, "initialnames", (*info.initialnames, *added))
    for name in added:
        definitions = closure[name]
        known.setdefault(name, definitions)
        if name == first:
            names.insert(0, name)
            continue
        width = _scope_width(definitions)
        at = len(names)
        while at > 0 and _scope_width(known.get(names[at - 1], ())) < width:
            at -= 1
        names.insert(at, name)


def _scope_width(definitions: Sequence[Any]) -> int:
    return SCOPE_ORDER.get(definitions[-1].scope, 0) if definitions else 0
