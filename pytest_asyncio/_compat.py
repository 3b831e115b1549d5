"""Every use of pytest internals, in one module.

pytest offers no public way to do these few things. Each was checked on
pytest 8.2, 8.3, 8.4, 9.0 and 9.2; each function's docstring names the
private attributes it uses and the versions they were checked on. Import it
as ``from pytest_asyncio import _compat``.

The module is in three parts: keeping the plugin's modules out of assertion
rewriting (which runs first, before this module imports any other module of
the plugin), reading pytest's fixture graph, and changing it.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
import types
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from typing import Any, NoReturn, cast

import pytest

# ----------------------------------------------------------------------------
# Importing the plugin's own modules as plain Python, outside assertion rewriting.
#
# pytest rewrites the ``assert`` statements of every module in the packages
# of an installed ``pytest11`` plugin (``Config._mark_plugins_for_rewrite``
# marks them on the ``AssertionRewritingHook`` in ``sys.meta_path``). A
# rewritten module is parsed and compiled on import whenever pytest has no
# rewritten bytecode cached for it, which is every run under
# ``PYTHONDONTWRITEBYTECODE``. The plugin's modules hold no ``assert`` a user
# reads (the few there state invariants), so they are imported as plain
# Python, from the bytecode their installer compiled.
#
# pytest offers no public way to take a name back: this reads the hook's
# ``_must_rewrite`` set and ``_marked_for_rewrite_cache`` dict, checked on
# pytest 8.2, 8.3, 8.4, 9.0 and 9.2. Where they are missing or of another
# type, nothing changes and the modules are rewritten as before: slower,
# never wrong. It runs before this module imports anything else of the
# package, so that nothing else of it is imported (and rewritten) first.
# ----------------------------------------------------------------------------


def import_unrewritten(package: str) -> None:
    """Take ``package`` and its submodules off every assertion rewriting hook installed.

    Called by the package's first import, so that the modules imported after
    it load as plain Python, and when a new pytest session starts in the same
    process (``pytester``'s in-process runs install a hook of their own).

    :param package: the top-level package name, ``pytest_asyncio``.
    """
    rewrite = sys.modules.get("_pytest.assertion.rewrite")
    if rewrite is None:
        return  # no pytest session has installed a rewriting hook in this process
    for finder in sys.meta_path:
        if isinstance(finder, rewrite.AssertionRewritingHook):
            _unmark(finder, package)


def _unmark(hook: object, package: str) -> None:
    found_marked = getattr(hook, "_must_rewrite", None)
    found_cache = getattr(hook, "_marked_for_rewrite_cache", None)
    if not isinstance(found_marked, set) or not isinstance(found_cache, dict):
        return
    # What they hold is checked below.
    marked = cast("set[object]", found_marked)
    cache = cast("dict[object, object]", found_cache)

    def ours(name: object) -> bool:
        return isinstance(name, str) and (name == package or name.startswith(package + "."))

    marked.difference_update([name for name in marked if ours(name)])
    for name in [name for name in cache if ours(name)]:
        del cache[name]


@contextlib.contextmanager
def outside_rewriting() -> Generator[None, None, None]:
    """Import the plugin's modules (and what they import) past pytest's
    rewriting hooks, which they would only ask to hand them back.

    Every import asks each finder in ``sys.meta_path`` in turn, and the
    ``AssertionRewritingHook`` pytest puts first spends about a tenth of a
    millisecond on each name before it declines one it does not rewrite.
    The hooks are taken out of ``sys.meta_path`` while the block runs and
    put back where they were: nothing imported meanwhile is the user's
    (the plugin imports only itself and the standard library), so nothing
    that pytest would rewrite is imported past them. Checked on pytest 8.2,
    8.3, 8.4, 9.0 and 9.2.
    """
    rewrite = sys.modules.get("_pytest.assertion.rewrite")
    kind = rewrite.AssertionRewritingHook if rewrite is not None else ()
    hooks = [(index, hook) for index, hook in enumerate(sys.meta_path) if isinstance(hook, kind)]
    for _, hook in reversed(hooks):
        sys.meta_path.remove(hook)
    try:
        yield
    finally:
        for index, hook in hooks:
            sys.meta_path.insert(index, hook)


import_unrewritten("pytest_asyncio")

from pytest_asyncio._scopes import SCOPE_ORDER, ScopeName  # noqa: E402 - after import_unrewritten

# ----------------------------------------------------------------------------
# Reading pytest's fixture graph: which definitions a test sees, requests, has cached.
# Private pytest use, checked on pytest 8.2, 8.3, 8.4, 9.0 and 9.2.
# ----------------------------------------------------------------------------


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


_VISIBLE: pytest.StashKey[dict[tuple[object, str], Sequence[Any]]] = pytest.StashKey()


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


#: A fixture name and the definitions pytest will use for it, closest last.
Closure = Mapping[str, Sequence[Any]]


def closure_of(item: pytest.Item) -> Closure:
    """The fixture definitions of a test's closure, by name, closest last
    (empty for an item that is not a test function).

    ``Function._fixtureinfo.name2fixturedefs``: pytest 8.2 to 9.2; it is the
    dict ``Metafunc._arg2fixturedefs`` is while the test is collected.
    """
    info = getattr(item, "_fixtureinfo", None)
    found: Closure = info.name2fixturedefs if info is not None else {}
    return found


def definitions_key(closure: Closure) -> tuple[tuple[Any, ...], ...]:
    """A hashable key, equal for closures of the same definitions in the same order.

    pytest keeps each name's definitions as a list or a tuple (a list for
    the names of a signature, pytest 9): pytest 8.2 to 9.2.
    """
    return tuple(map(tuple, closure.values()))


def closure_fixturedefs(metafunc: pytest.Metafunc) -> dict[str, Sequence[Any]]:
    """The fixture definitions of the test being collected, by name, closest last.

    ``Metafunc._arg2fixturedefs``: pytest 8.2 to 9.2.
    """
    found: dict[str, Sequence[Any]] = metafunc._arg2fixturedefs
    return found


# ----------------------------------------------------------------------------
# Changing pytest's fixture graph: defining, declaring and tying fixtures together.
# Private pytest use, checked on pytest 8.2, 8.3, 8.4, 9.0 and 9.2.
# ----------------------------------------------------------------------------


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


def prefill_fixture(item: pytest.Function, name: str, value: object) -> None:
    """Give the test ``value`` as fixture ``name`` before pytest sets its fixtures up,
    so that pytest does not set ``name`` up itself (the direct loop path).

    ``Function.setup()`` fills ``item.funcargs`` through
    ``TopRequest._fillfixtures``, which calls ``getfixturevalue`` only for
    the names not yet in ``item.funcargs``: pytest 8.2 to 9.2 (read on
    8.2.2, 8.4.2, 9.0.3 and 9.2.0). ``runtestprotocol`` gives the test a fresh
    ``funcargs`` dict before its setup and sets it to ``None`` after its teardown.
    """
    item.funcargs[name] = value


# ----------------------------------------------------------------------------
# Reporting a failure in the plugin's own words.
# ----------------------------------------------------------------------------


def fail_plainly(message: str) -> NoReturn:
    """Fail the running test, setup or teardown with ``message`` alone.

    ``pytest.fail(..., pytrace=False)`` shows only the message, but pytest 9
    (checked on 9.0 and 9.2) adds "All traceback entries are hidden. Pass
    ``--full-trace`` ..." below it when every frame of the failure carries
    ``__tracebackhide__``, as the plugin's frames between pytest and the
    user's code do. This frame stays visible, so the message stands alone,
    on every pytest version, whoever calls it.
    """
    pytest.fail(message, pytrace=False)


#: What pytest 9 adds below a failure whose frames are all hidden.
_HIDDEN_NOTE = "All traceback entries are hidden."


def drop_hidden_frames_note(longrepr: object) -> None:
    """Take pytest's "All traceback entries are hidden" note off a report.

    For an exception the plugin raises with its whole story in the message
    (a diagnostics error in ``error`` mode), from frames it hides. Reads the
    ``chain`` of pytest's ``ExceptionChainRepr`` and each entry's
    ``extraline``, checked on pytest 8.2, 8.4, 9.0 and 9.2; anything else
    (``--tb=native``, a string) is left as it is.
    """
    for entry in getattr(longrepr, "chain", ()):
        traceback = entry[0]
        extraline = getattr(traceback, "extraline", None)
        if isinstance(extraline, str) and extraline.startswith(_HIDDEN_NOTE):
            traceback.extraline = None
