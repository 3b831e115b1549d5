"""Reading pytest's fixture graph: which definitions a test sees, requests, has cached.

Private pytest use, checked on pytest 8.2, 8.3, 8.4, 9.0 and 9.2 (see the
package docstring).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pytest


def test_argnames(item: pytest.Function) -> tuple[str, ...]:
    """The names the test function itself takes (not its fixtures' closure).

    ``Function._fixtureinfo.argnames``: pytest 8.2 to 9.2. pytest's own
    ``pytest_pyfunc_call`` uses the same attribute.
    """
    return tuple(item._fixtureinfo.argnames)


def visible_fixturedefs(node: pytest.Item | pytest.Collector, name: str) -> Sequence[Any]:
    """The fixture definitions of ``name`` visible from ``node``, closest last.

    ``Session._fixturemanager.getfixturedefs(name, node)``: pytest 8.1 to 9.2.
    """
    manager = node.session._fixturemanager
    return manager.getfixturedefs(name, node) or ()


def visible_closure(
    node: pytest.Item | pytest.Collector, names: Iterable[str]
) -> dict[str, Sequence[Any]]:
    """What :func:`visible_fixturedefs` gives for ``names`` and for every
    fixture they request, in one call (names without a definition left out).

    Follows a definition that requests the one it overrides, as pytest does.
    ``Session._fixturemanager.getfixturedefs(name, node)``: pytest 8.1 to 9.2.
    """
    manager = node.session._fixturemanager
    found: dict[str, Sequence[Any]] = {}
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        definitions = manager.getfixturedefs(name, node)
        if not definitions:  # ``request``, or a name pytest reports itself
            continue
        found[name] = definitions
        for fixturedef in reversed(definitions):
            pending.extend(fixturedef.argnames)
            if name not in fixturedef.argnames:
                break
    return found


_VISIBLE = pytest.StashKey[dict[tuple[object, str], Sequence[Any]]]()


def fixturedefs_of(item: pytest.Function, name: str) -> Sequence[Any]:
    """Like :func:`visible_fixturedefs`, from what collection recorded when it can.

    Otherwise looked up once per module or class: fixtures are defined by
    collectors, so the tests of one see the same definitions (a test's own
    parametrization is in what collection recorded).
    ``Function._fixtureinfo.name2fixturedefs``: pytest 8.2 to 9.2.
    """
    known = item._fixtureinfo.name2fixturedefs.get(name)
    if known:
        return known
    key = (item.parent, name)
    cache = item.session.stash.setdefault(_VISIBLE, {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = visible_fixturedefs(item, name)
    return found


def request_fixture(
    item: pytest.Function, name: str, definitions: Sequence[Any] | None = None
) -> bool:
    """Make ``item`` request fixture ``name``, as if its signature named it.

    Adding the name to ``item.fixturenames`` alone works, but then pytest
    looks the definitions up again at every setup; recording them now, as
    collection does for the signature's names, makes that a dict lookup.
    ``Function._fixtureinfo.names_closure`` / ``.name2fixturedefs`` and
    ``Function._request._arg2fixturedefs`` (a copy of the latter on pytest
    8): pytest 8.2 to 9.2.

    :param definitions: the definitions of ``name`` visible from the test,
        if the caller knows them (else looked up here).
    :returns: whether the test itself or one of its fixtures names the
        fixture (see :func:`requested_by_name`).
    """
    info: Any = item._fixtureinfo  # Any: pytest types the dict as a read-only Mapping
    if name not in info.names_closure:
        info.names_closure.insert(0, name)
    if definitions is None:
        definitions = fixturedefs_of(item, name)
    if definitions:  # else an unknown name: pytest reports it at setup
        info.name2fixturedefs.setdefault(name, definitions)
        arg2fixturedefs: Any = item._request._arg2fixturedefs
        arg2fixturedefs.setdefault(name, definitions)
    return requested_by_name(item, name)


def requested_by_name(item: pytest.Function, name: str) -> bool:
    """Whether the test (signature, ``usefixtures``, autouse) or one of its
    fixtures names fixture ``name``; names the plugin adds do not count.

    ``Function._fixtureinfo.initialnames`` and ``.name2fixturedefs``, and
    ``FixtureDef.argnames``: pytest 8.2 to 9.2.
    """
    info = item._fixtureinfo
    if name in info.initialnames:
        return True
    for definitions in info.name2fixturedefs.values():  # loops, not any(): once per test
        for fixturedef in definitions:
            if name in fixturedef.argnames:
                return True
    return False


def cached_fixture_value(fixturedef: Any) -> tuple[bool, object]:
    """The value pytest holds for a fixture set up and not yet torn down.

    ``FixtureDef.cached_result`` is ``(value, cache key, exception info)``
    while the fixture is active, else ``None``: pytest 8.2 to 9.2.

    :returns: ``(True, value)``, or ``(False, None)`` when nothing (or an
        error) is cached.
    """
    cached = fixturedef.cached_result
    if cached is None or cached[2] is not None:
        return False, None
    return True, cached[0]


def requesting_item(request: pytest.FixtureRequest) -> pytest.Item:
    """The test on whose behalf ``request`` sets a fixture up.

    ``FixtureRequest._pyfuncitem``: pytest 8.2 to 9.2. pytest resolves a
    fixture's arguments from this item, whatever the fixture's scope.
    """
    item: pytest.Item = request._pyfuncitem
    return item


def closure_fixturedefs(metafunc: pytest.Metafunc) -> dict[str, Sequence[Any]]:
    """The fixture definitions of the test being collected, by name, closest last.

    ``Metafunc._arg2fixturedefs``: pytest 8.2 to 9.2.
    """
    found: dict[str, Sequence[Any]] = metafunc._arg2fixturedefs
    return found
