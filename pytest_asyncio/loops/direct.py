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

A subclass that overrides ``from_request`` (``ProcessPoolLoopFixture`` does)
is called once per setup, whichever path the loop takes. The first test of
each module or class gets its loop through pytest's fixture path, where the
plugin watches what ``from_request`` asks of the request
(:class:`WatchedRequest`). If it only read the config or the test, the later
tests there get their loops directly, and ``from_request`` a read-only
stand-in for the request (:class:`RequestView`); if it asked for a fixture
value, a finalizer or anything else only pytest's fixture machinery can
give, they keep the fixture path.

Anything else (``--setup-show``, ``--setup-only`` or ``--setup-plan``, which
list the loop fixture's setup; a plain ``@pytest.fixture def event_loop()``,
an overridden ``event_loop_policy``, a test parametrized by the
``pytest_asyncio_loop_factories`` hook, a module where a loop has a parameter
behind it) keeps the fixture path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, cast

import pytest

from pytest_asyncio import _compat
from pytest_asyncio.fixtures.base import fixture_class
from pytest_asyncio.loops.fixture import (
    FACTORY_FIXTURE,
    POLICY_FIXTURE,
    LoopFixture,
    is_loop_class,
    is_policy_overridden,
    refusal,
)

_LOOP_FROM_REQUEST = LoopFixture.from_request.__func__  # type: ignore[attr-defined]

_DECISIONS = pytest.StashKey[dict[tuple[object, str], "DirectLoop | None"]]()
#: By module or class and loop fixture name, what an overridden ``from_request``
#: did on the fixture path: ``True`` if it read only what :class:`RequestView`
#: gives, ``False`` if it asked for more.
_READS_ONLY = pytest.StashKey[dict[tuple[object, str], bool]]()

#: Watches a loop and returns the check to run right before it is torn down.
Watch = Callable[[asyncio.AbstractEventLoop, str, str, str], Callable[[], None]]


class DirectLoop(NamedTuple):  # not a dataclass: 4x cheaper to import
    """How a marked test gets its loop without pytest's fixture machinery."""

    #: The loop fixture's name.
    name: str
    #: The fixture definition pytest would use for the test.
    fixturedef: Any
    #: The class that makes a function-scoped loop; ``None`` for a wider loop.
    maker: type[LoopFixture] | None

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
        if not is_loop_class(maker):
            return None
        # The policy fixture LoopFixture.from_request reads cannot be
        # requested before pytest's setup; an overridden from_request gets a
        # RequestView and may still send a test back (see provide()).
        policies = visible.get(POLICY_FIXTURE)
        if len(policies) > 1 if policies is not None else is_policy_overridden(item):
            return None
        return cls(name, fixturedef, maker)

    def provide(
        self, item: pytest.Function, debug: bool, watch: Watch
    ) -> tuple[asyncio.AbstractEventLoop, Callable[[], None] | None] | None:
        """Hand the test its loop: in its fixture values, where pytest then
        leaves the loop fixture alone.

        Called before pytest sets up the test's fixtures.

        :returns: the loop and what closes it (``None`` for a wider loop's);
            ``None`` when pytest must set the fixture up (nothing cached).
        """
        if self.maker is None:
            found, value = _compat.cached_fixture_value(self.fixturedef)
            if not found or not isinstance(value, asyncio.AbstractEventLoop):
                return None
            _compat.prefill_fixture(item, self.name, value)
            return value, None
        maker = self._instance(item)
        if maker is None:  # its from_request needs pytest's fixture machinery
            return None
        loop = maker.setup()
        problem = refusal(self.name, loop)
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        if debug:
            loop.set_debug(True)
        check = watch(loop, self.name, "function", item.nodeid)
        _compat.prefill_fixture(item, self.name, loop)

        def close() -> None:
            __tracebackhide__ = True  # a diagnostics error is the report, not these frames
            try:
                check()
            finally:
                maker.teardown(loop)

        return loop, close

    def _instance(self, item: pytest.Function) -> LoopFixture | None:
        """What the fixture's ``from_request`` would make, or ``None`` where
        pytest's fixture path must call it (see :meth:`watched`)."""
        cls = self.maker
        assert cls is not None
        if _own_from_request(cls):
            # What LoopFixture.from_request returns where the policy is not
            # overridden (checked in of()), without its per-test lookup.
            return cls(policy=None)
        learned = item.session.stash.setdefault(_READS_ONLY, {})
        key = (item.parent, self.name)
        if not learned.get(key, False):  # not seen yet, or it asks for fixtures
            return None
        try:
            return cls.from_request(cast(pytest.FixtureRequest, RequestView(item, self.name)))
        except NeedsFixtures:  # it read only for an earlier test: asked now, the fixture path
            learned[key] = False
            return None

    def watched(self, request: pytest.FixtureRequest) -> pytest.FixtureRequest:
        """The request to pass on pytest's fixture path to the loop's provider.

        The first time an overridden ``from_request`` is called for a module
        or class, a :class:`WatchedRequest`, which notes whether it asks for
        more than :class:`RequestView` gives; else ``request`` itself.
        """
        cls = self.maker
        if cls is None or request.fixturename != self.name or _own_from_request(cls):
            return request
        learned = request.session.stash.setdefault(_READS_ONLY, {})
        key = (request.node.parent, self.name)
        if key in learned:
            return request
        learned[key] = True

        def asked() -> None:
            learned[key] = False

        return cast(pytest.FixtureRequest, WatchedRequest(request, asked))


def _own_from_request(cls: type[LoopFixture]) -> bool:
    """Whether ``cls`` keeps :meth:`LoopFixture.from_request`."""
    return cls.from_request.__func__ is _LOOP_FROM_REQUEST  # type: ignore[attr-defined]


class NeedsFixtures(Exception):
    """An overridden ``from_request`` asked :class:`RequestView` for more than it gives."""


#: What :class:`RequestView` reads from the test.
_READABLE = frozenset(
    {"config", "session", "function", "cls", "instance", "module", "path", "keywords"}
)
#: What an overridden ``from_request`` may read and still get a :class:`RequestView`.
_GIVEN = _READABLE | {"node", "fixturename", "scope", "param"}


class RequestView:
    """The request an overridden ``from_request`` gets on the direct path: read-only.

    It has what a test's request says about the test and the session;
    ``param`` is missing, as for a fixture without ``params``; anything else
    (``getfixturevalue``, ``addfinalizer``...) raises :class:`NeedsFixtures`,
    and the test takes the fixture path.
    """

    def __init__(self, item: pytest.Function, name: str) -> None:
        self.node = item
        self.fixturename = name
        self.scope = "function"

    def __getattr__(self, attribute: str) -> Any:
        if attribute in _READABLE:
            value = self.node.obj if attribute == "function" else getattr(self.node, attribute)
            return value
        if attribute == "param":
            raise AttributeError(attribute)
        raise NeedsFixtures(attribute)


class WatchedRequest:
    """pytest's request for a loop fixture, passed on whole; notes an attribute
    read that :class:`RequestView` would not give (``param`` aside: the
    fixture has no ``params``)."""

    __slots__ = ("_asked", "_request")

    def __init__(self, request: pytest.FixtureRequest, asked: Callable[[], None]) -> None:
        self._request = request
        self._asked = asked

    def __getattr__(self, attribute: str) -> Any:
        if attribute not in _GIVEN:
            self._asked()
        return getattr(self._request, attribute)
