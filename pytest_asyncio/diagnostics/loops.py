"""Loops and child processes a test or fixture left behind, charged to it.

An event loop nobody closes is closed by the garbage collector, which warns
``ResourceWarning: unclosed event loop`` during some later, unrelated test
(an error under ``-W error``). The plugin closes such a loop at the end of
the test that left it, and says so:

* a loop an async test made the current one (``asyncio.set_event_loop``)
  and left open, found when the test ends (the plugin snapshots and puts
  back the current loop around async tests anyway);
* a loop a plain ``event_loop`` override yielded and never closed, found
  after that fixture's teardown;
* in a suite written for pytest-asyncio 0.15 to 0.24, a loop others left
  current and open, closed as the next async test's ``event_loop`` is set
  up, as those versions did (see ``pytest_asyncio.left_current``).

Child processes are ended before their loop is torn down (see ``children``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from pytest_asyncio import _asyncio_compat, _messages
from pytest_asyncio._runner import close_loop
from pytest_asyncio.diagnostics import children
from pytest_asyncio.diagnostics.findings import Finding
from pytest_asyncio.warnings import LeakedLoopWarning, LeakedProcessWarning


def leaked_processes(
    loop: asyncio.AbstractEventLoop, fixture: str, scope: str, node: str
) -> Finding | None:
    """End the child processes still running on ``loop``, and describe them.

    :param fixture: the loop fixture's name; ``scope`` and ``node`` as for leaked tasks.
    """
    live = children.live_children(loop)
    if not live:
        return None
    described = [children.describe(transport) for transport in live]
    children.end_children(loop, live)
    return Finding(
        category=LeakedProcessWarning,
        text=_messages.leaked_processes(_messages.loop_owner(fixture, scope, node), described),
        owner=_messages.diagnostics_owner(fixture, scope, node),
        kind="process",
        count=len(live),
        of_a_test=scope == "function",
        location=(__file__, 1),
    )


def left_current(item: pytest.Item, saved: Any, loop_names: Mapping[int, str]) -> Finding | None:
    """Close the loop an async test left as the current loop, if it is its own.

    Left alone: no current loop, a closed one, the loop current before the
    tests ran, a loop fixture's loop, and any fixture value of the test.

    :param saved: the current-loop snapshot taken before the test ran.
    """
    current = _asyncio_compat.snapshot_current_loop().loop
    if current is None or current.is_closed():
        return None
    if current is getattr(saved, "loop", None) or id(current) in loop_names:
        return None
    funcargs: Mapping[str, object] = getattr(item, "funcargs", None) or {}
    if any(value is current for value in funcargs.values()):
        return None
    close_loop(current)
    return Finding(
        category=LeakedLoopWarning,
        text=_messages.loop_left_current(item.nodeid),
        owner=item.nodeid,
        kind="loop",
        location=_location(item),
    )


def left_open(
    loop: asyncio.AbstractEventLoop, fixturedef: Any, request: pytest.FixtureRequest
) -> Finding:
    """Describe a loop fixture's loop its teardown left open (already closed)."""
    scope = fixturedef.scope
    node = request.node
    return Finding(
        category=LeakedLoopWarning,
        text=_messages.loop_left_open(fixturedef.argname, scope, node.nodeid),
        owner=_messages.diagnostics_owner(fixturedef.argname, scope, node.nodeid),
        kind="loop",
        of_a_test=scope == "function",
        location=_location(node),
    )


def left_by_others(item: pytest.Item, fixture: str) -> Finding:
    """Describe the loop left current that the setup of ``item``'s loop
    ``fixture`` closed (already closed; see ``pytest_asyncio.left_current``)."""
    return Finding(
        category=LeakedLoopWarning,
        text=_messages.loop_left_current_before(item.nodeid, fixture),
        owner=item.nodeid,
        kind="loop",
        location=_location(item),
    )


def _location(node: Any) -> tuple[str, int]:
    """The test's (or module's) file and line, where a warning points."""
    path = getattr(node, "path", None)
    location = getattr(node, "location", None)
    lineno = location[1] if location and isinstance(location[1], int) else 0
    return (str(path) if path is not None else __file__, lineno + 1)
