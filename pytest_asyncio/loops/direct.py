"""A marked test's loop, handed to it without pytest's fixture machinery where that is safe.

Why: on pytest 9, setting up a function-scoped fixture costs a trivial test
about as much as creating and closing its loop, and even a cached module
loop costs more per test than running the test's coroutine. So when nothing
but the marker needs the loop fixture (neither the test's signature nor a
fixture of it names the fixture), the plugin puts the loop into
``item.funcargs`` itself before pytest fills the fixtures; pytest then skips
that name. The loop is the same one the fixture would have given:

* a function-scoped loop is made and torn down by the :class:`LoopFixture`
  subclass that the fixture name resolves to for the test, as its fixture
  would do (made before the test's setup, closed after its teardown);
* a wider loop (``loop_scope="module"``...) is the value pytest has cached
  for the scoped fixture; the first test of each scope, which finds nothing
  cached, sets the fixture up through pytest as before.

A class's ``from_request`` is the user's to call once per setup, on
pytest's fixture path: the direct path makes its own loops only where no
``from_request`` of the user's would run (a class that keeps
``LoopFixture``'s, or the process-pool class on such a loop class), and
calls the plugin's own with a read-only stand-in for the request
(:class:`RequestView`). A user's ``from_request`` may read a request only
pytest can give (a fixture value, a finalizer), for one test and not
another; begun on the direct path it could not finish there, and would be
called again.

Anything else (``--setup-show``, ``--setup-only`` or ``--setup-plan``, which
list the loop fixture's setup; a plain ``@pytest.fixture def event_loop()``,
an overridden ``event_loop_policy``, a test parametrized by the
``pytest_asyncio_loop_factories`` hook, a module where a loop has a parameter
behind it) keeps the fixture path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import pytest

from pytest_asyncio import _compat
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.loops.choose import loop_class_in_force
from pytest_asyncio.loops.fixture import (
    FACTORY_FIXTURE,
    POLICY_FIXTURE,
    LoopFixture,
    is_loop_class,
    is_policy_overridden,
    refusal,
)
from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture

_LOOP_FROM_REQUEST = LoopFixture.from_request.__func__  # type: ignore[attr-defined]

_POOL_FROM_REQUEST = ProcessPoolLoopFixture.from_request.__func__  # type: ignore[attr-defined]

_DECISIONS: pytest.StashKey[dict[tuple[object, str], DirectLoop | None]] = pytest.StashKey()

#: Watches a loop and returns the check to run right before it is torn down.
Watch = Callable[[asyncio.AbstractEventLoop, str, str, str], Callable[[], None]]


class DirectLoop:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """How a marked test gets its loop without pytest's fixture machinery."""

    __slots__ = ("fixturedef", "maker", "name")

    #: The loop fixture's name.
    name: str
    #: The fixture definition pytest would use for the test.
    fixturedef: Any
    #: The class that makes a function-scoped loop; ``None`` for a wider loop.
    maker: type[LoopFixture] | None

    def __init__(self, name: str, fixturedef: Any, maker: type[LoopFixture] | None) -> None:
        self.name = name
        self.fixturedef = fixturedef
        self.maker = maker

    @classmethod
    def of(
        cls,
        item: pytest.Function,
        name: str,
        decisions: dict[tuple[object, str], DirectLoop | None] | None = None,
        visible: Mapping[str, Sequence[Any]] | None = None,
    ) -> DirectLoop | None:
        """Decide, once at collection, whether ``item`` can get loop ``name`` directly.

        For a test that neither it nor its fixtures name ``name`` (see
        :func:`~pytest_asyncio._compat.request_fixture`).

        :param decisions: where the part that depends only on where the test
            lives is kept, by parent and loop name (the session's by default).
        :param visible: the fixture definitions seen from where the test
            lives, by name, if the caller has looked them up (see
            :func:`~pytest_asyncio._compat.visible_closure`).
        :returns: ``None`` where the fixture path must stay.
        """
        callspec = getattr(item, "callspec", None)
        if callspec is not None and FACTORY_FIXTURE in callspec.params:
            return None  # parametrized by the loop-factories hook: pytest must check its cache
        # The rest depends only on where the test lives: decided once per
        # module or class (a test naming the fixture itself, or
        # parametrizing it, is the caller's to rule out).
        if decisions is None:
            decisions = item.session.stash.setdefault(_DECISIONS, {})
        key = (item.parent, name)
        if key not in decisions:
            decisions[key] = cls._decide(item, name, visible or {})
        return decisions[key]

    @classmethod
    def _decide(
        cls, item: pytest.Function, name: str, visible: Mapping[str, Sequence[Any]]
    ) -> DirectLoop | None:
        if getattr(item.config.option, "setupshow", False):
            return None  # --setup-show/-only/-plan list the loop fixture's setup
        definitions = visible.get(name) or _compat.fixturedefs_of(item, name)
        if not definitions or definitions[-1].params is not None:
            return None
        fixturedef = definitions[-1]
        if fixturedef.scope != "function":
            return cls(name, fixturedef, None)
        maker = fixture_class(fixturedef.func)
        if not is_loop_class(maker) or _runs_users_from_request(maker, item):
            return None
        # The policy fixture LoopFixture.from_request reads cannot be
        # requested before pytest's setup.
        policies = visible.get(POLICY_FIXTURE)
        if len(policies) > 1 if policies is not None else is_policy_overridden(item):
            return None
        return cls(name, fixturedef, maker)

    def provide(self, item: pytest.Function, debug: bool, watch: Watch) -> Lent | None:
        """Hand the test its loop: in its fixture values, where pytest then
        leaves the loop fixture alone.

        Called before pytest sets up the test's fixtures.

        :returns: the loop lent to the test; ``None`` when pytest must set
            the fixture up (a wider loop with nothing cached).
        """
        if self.maker is None:
            found, value = _compat.cached_fixture_value(self.fixturedef)
            if not found or not isinstance(value, asyncio.AbstractEventLoop):
                return None
            _compat.prefill_fixture(item, self.name, value)
            return Lent(self.name, value)
        maker = self._instance(item)
        loop = maker.setup()
        problem = refusal(self.name, loop)
        if problem is not None:
            _compat.fail_plainly(problem)
        if debug:
            loop.set_debug(True)
        check = watch(loop, self.name, "function", item.nodeid)
        _compat.prefill_fixture(item, self.name, loop)
        return Lent(self.name, loop, maker, check)

    def _instance(self, item: pytest.Function) -> LoopFixture:
        """What the fixture's ``from_request`` would make: the plugin's own,
        never a user's (see :func:`_runs_users_from_request`)."""
        cls = self.maker
        assert cls is not None
        if _own_from_request(cls):
            # What LoopFixture.from_request returns where the policy is not
            # overridden (checked in of()), without its per-test lookup.
            return cls(policy=None)
        return cls.from_request(cast(pytest.FixtureRequest, RequestView(item, self.name)))


class Lent:
    """A loop handed to one test on the direct path, from its setup to its teardown."""

    __slots__ = ("check", "loop", "maker", "name")

    def __init__(
        self,
        name: str,
        loop: asyncio.AbstractEventLoop,
        maker: LoopFixture | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        #: The loop fixture's name, and the loop the test got as its value.
        self.name = name
        self.loop = loop
        #: What made the loop for this test alone, and closes it; ``None``
        #: for a wider loop, which pytest holds and closes.
        self.maker = maker
        #: The diagnostics' check, run right before the loop closes.
        self.check = check

    def close(self) -> None:
        """After the test's teardown: the diagnostics' check, then close a loop made for it."""
        __tracebackhide__ = True  # a diagnostics error is the report, not these frames
        maker, check = self.maker, self.check
        if maker is None:
            return
        try:
            if check is not None:
                check()
        finally:
            maker.teardown(self.loop)


def _own_from_request(cls: type[LoopFixture]) -> bool:
    """Whether ``cls`` keeps :meth:`LoopFixture.from_request`."""
    return cls.from_request.__func__ is _LOOP_FROM_REQUEST  # type: ignore[attr-defined]


def _runs_users_from_request(cls: type[LoopFixture], item: pytest.Function) -> bool:
    """Whether making ``cls``'s instance for ``item`` calls a ``from_request``
    of the user's: ``cls``'s own, or that of the ``event_loop`` class
    :meth:`ProcessPoolLoopFixture.from_request` builds on."""
    if _own_from_request(cls):
        return False
    if cls.from_request.__func__ is not _POOL_FROM_REQUEST:  # type: ignore[attr-defined]
        return True
    base = loop_class_in_force(item, LoopFixture.name, LoopFixture)
    return not (_own_from_request(base) or issubclass(base, ProcessPoolLoopFixture))


#: What :class:`RequestView` reads from the test.
_READABLE = frozenset(
    {"config", "session", "function", "cls", "instance", "module", "path", "keywords"}
)


class RequestView:
    """The request the plugin's own ``from_request`` gets on the direct path: read-only.

    It has what a test's request says about the test and the session;
    ``param`` is missing, as for a fixture without ``params``.
    """

    def __init__(self, item: pytest.Function, name: str) -> None:
        self.node = item
        self.fixturename = name
        self.scope = "function"

    def __getattr__(self, attribute: str) -> Any:
        if attribute in _READABLE:
            value = self.node.obj if attribute == "function" else getattr(self.node, attribute)
            return value
        raise AttributeError(attribute)
