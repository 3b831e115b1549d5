"""Declare, while collecting, the loop fixtures a test will use, so pytest parametrizes them.

Why: the plugin finds a test's loop, and its async fixtures' loops, by name
when they run (``request.getfixturevalue``), but pytest parametrizes only
the fixtures a test declares. A user's ``event_loop`` with ``params=[...]``
(how suites for pytest-asyncio 0.21 run every test on several loops), or a
parametrized ``event_loop_policy`` (how suites for 0.23 to 1.x do), must be
in the test's fixture closure before pytest's own ``pytest_generate_tests``
reads it; otherwise pytest refuses the fixture at setup ("no parameter
defined") and collects half the tests.

Why only then: most suites have no parameter behind any loop, and their
tests get nothing added. That is decided once per module or class; each
test then costs a dict lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from pytest_asyncio import _compat
from pytest_asyncio.loops.choose import LoopChoice, LoopPlans
from pytest_asyncio.loops.fixture import POLICY_FIXTURE

#: A fixture name and the definitions pytest will use for it, closest last.
Closure = dict[str, Sequence[Any]]
#: What :meth:`LoopDependencies.of_parent` returns.
Loops = tuple[Closure, dict[str, tuple[Closure, bool]]]


class LoopDependencies:
    """The ``pytest_generate_tests`` work that declares a test's parametrized loops."""

    def __init__(self, plans: LoopPlans, loop_names: set[str]) -> None:
        """
        :param plans: the loops of each test's async fixtures (see
            :class:`~pytest_asyncio.loops.choose.LoopPlans`).
        """
        self.plans = plans
        self.loop_names = sorted(loop_names | {POLICY_FIXTURE})
        #: Per module or class: the loops' definitions as seen from there, and
        #: every loop's closure with whether a parameter is in it (empty
        #: where none is).
        self._by_parent: dict[object, Loops] = {}
        self._last: tuple[object, Loops] = (None, ({}, {}))

    def of_parent(self, node: pytest.Function) -> Loops:
        """The loops seen from where ``node`` lives, looked up once per module or class.

        :returns: the definitions of every loop fixture (and of what they
            request) visible from there, by name; and what
            :meth:`parametrized` returns.
        """
        key = node.parent
        if key is self._last[0]:  # the tests of a collector come one after another
            return self._last[1]
        found = self._by_parent.get(key)
        if found is None:
            visible = _compat.visible_closure(node, self.loop_names)  # one scan
            loops = {name: loop_closure(visible, name) for name in self.loop_names}
            if not any(parametrized for _, parametrized in loops.values()):
                loops = {}
            found = self._by_parent[key] = (visible, loops)
        self._last = (key, found)
        return found

    def parametrized(self, definition: pytest.Function) -> dict[str, tuple[Closure, bool]]:
        """The loops seen from ``definition``, if any has a parameter behind it.

        :returns: by loop fixture name, the fixtures to declare for it (the
            loop and what it requests) and whether a parameter is among them;
            empty in the common case, where there is none.
        """
        return self.of_parent(definition)[1]

    def declare(
        self,
        metafunc: pytest.Metafunc,
        loops: dict[str, tuple[Closure, bool]],
        test_loop: str | None,
        fixture_loops: dict[str, LoopChoice],
    ) -> None:
        """Add the loops the test will use to its closure, and what they request.

        All of them, not only the parametrized ones: pytest then sets them up
        after a parametrized ``event_loop_policy`` they read, so a wide loop
        made from the policy's last value is torn down with it first. As in
        pytest-asyncio 1.x, where the policy is an autouse fixture, a
        parametrized policy parametrizes every test.

        :param loops: what :meth:`parametrized` returned for the test.
        :param test_loop: the loop fixture of an async test, ``None`` for a sync one.
        :param fixture_loops: what :meth:`fixture_loops` returned for the test.
        """
        policy, parametrized = loops[POLICY_FIXTURE]
        if parametrized:
            _compat.declare_fixtures(metafunc, policy, first=POLICY_FIXTURE)
        names = [test_loop] if test_loop is not None else []
        names.extend(choice.name for choice in fixture_loops.values())
        for name in names:
            closure = loops.get(name)
            if closure is not None:
                _compat.declare_fixtures(metafunc, closure[0])

    def fixture_loops(
        self, definition: pytest.Function, test_loop: str | None
    ) -> dict[str, LoopChoice]:
        """The loop of each async fixture of the test that the plugin runs, by
        fixture name, as its plan says (the closest definition of each name).

        :param definition: the test being collected (``metafunc.definition``).
        :param test_loop: the loop fixture of an async test, ``None`` for a sync one.
        """
        plan = self.plans.for_test(definition, test_loop)
        found: dict[str, LoopChoice] = {}
        if not plan:
            return found
        for name, definitions in _compat.closure_of(definition).items():
            planned = plan.get(definitions[-1]) if definitions else None
            if planned is not None and planned.choice is not None:
                found[name] = planned.choice
        return found


def loop_closure(visible: Closure, name: str) -> tuple[Closure, bool]:
    """Fixture ``name`` and what it requests, and whether a parameter is among them.

    Follows a definition that requests the one it overrides, as pytest does.

    :param visible: what :func:`~pytest_asyncio._compat.visible_closure`
        found for every loop name, from where the test lives.
    """
    closure: Closure = {}
    parametrized = False
    pending = [name]
    while pending:
        current = pending.pop(0)
        if current in closure:
            continue
        definitions = visible.get(current)
        if not definitions:  # ``request``, or a name pytest reports itself
            continue
        closure[current] = definitions
        for fixturedef in reversed(definitions):
            parametrized = parametrized or fixturedef.params is not None
            pending.extend(fixturedef.argnames)
            if current not in fixturedef.argnames:
                break
    return closure, parametrized
