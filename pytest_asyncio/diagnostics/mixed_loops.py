"""Explain asyncio's "attached to a different loop" errors by fixture.

The error names a future, never the fixture that made it. When a test
fails with it, every loop-bound object among the fixture values (a loop, a
Future or Task, a server, a stream reader or writer, a transport, asyncio's
locks, events, conditions, semaphores and queues), also inside tuples,
dicts, dataclasses and objects' attributes, is compared with the test's
loop. The report gets one line per object on another loop, naming the
fixture and both loops' scopes, and says how to put them on one loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._scopes import SCOPE_ORDER
from pytest_asyncio.diagnostics import loop_bound

#: asyncio's wordings for "this object belongs to another loop" (3.10 to 3.14).
_ERROR_WORDS = (
    "attached to a different loop",
    "bound to a different event loop",
    "belongs to a different loop",
)

ScopeOf = Callable[[str], "str | None"]


def is_mixed_loop_error(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from, is asyncio's loop mix-up."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (RuntimeError, ValueError)) and any(
            words in str(exc) for words in _ERROR_WORDS
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def scope_in(item: pytest.Item, fixture: str) -> str | None:
    """The scope of fixture ``fixture`` as ``item`` sees it; ``None`` if unknown."""
    if not isinstance(item, pytest.Function):
        return None
    definitions = _compat.fixturedefs_of(item, fixture)
    return str(definitions[-1].scope) if definitions else None


def explain(
    funcargs: Mapping[str, object],
    test_loop: asyncio.AbstractEventLoop | None,
    loop_names: Mapping[int, str],
    scope_of: ScopeOf,
) -> list[str]:
    """One line per fixture value bound to another loop than ``test_loop``, then advice.

    For a test without a loop of its own (a sync test), every loop-bound
    value is listed when they do not all share one loop.

    :param loop_names: fixture names of the loops known to the plugin, by ``id``.
    :param scope_of: a fixture's scope by name, for the loops' scopes and the advice.
    """
    names = dict(loop_names)
    names.update((id(value), name) for name, value in funcargs.items() if _is_loop(value))
    scopes = _Scopes(names, scope_of)
    bound = [
        (name, path, value, loop)
        for name, fixture_value in funcargs.items()
        for path, value, loop in loop_bound.find_bound(fixture_value)
    ]
    if test_loop is None:
        if len({id(loop) for *_, loop in bound}) < 2:
            return []
        return [
            _messages.fixture_loop(name, _kind(value), scopes.describe(loop), path)
            for name, path, value, loop in bound
        ]
    test_side = scopes.describe(test_loop)
    lines: list[str] = []
    advice: dict[str, str] = {}
    for name, path, value, loop in bound:
        if loop is test_loop:
            continue
        if loop is value:
            lines.append(_messages.fixture_is_other_loop(name, _label(loop), test_side, path))
            continue
        its_loop = scopes.describe(loop)
        lines.append(_messages.fixture_on_other_loop(name, _kind(value), its_loop, test_side, path))
        advice.setdefault(name, scopes.advice(name, loop, test_loop))
    return lines + [text for text in advice.values() if text]


class _Scopes:
    """Names loops by their fixture and scope, and says how to share one."""

    def __init__(self, names: Mapping[int, str], scope_of: ScopeOf) -> None:
        self.names = names
        self.scope_of = scope_of

    def loop_scope(self, loop: asyncio.AbstractEventLoop) -> str | None:
        name = self.names.get(id(loop))
        return self.scope_of(name) if name else None

    def describe(self, loop: asyncio.AbstractEventLoop) -> str:
        name = self.names.get(id(loop))
        if not name:
            return f"the loop {_label(loop)}"
        shared = _messages.shared_loop(name, None)
        if shared is not None:
            return f"{shared} ({_label(loop)})"
        scope = self.scope_of(name)
        loop_words = f"{scope}-scoped loop" if scope else "loop"
        return f"the {loop_words} of fixture {name!r} ({_label(loop)})"

    def advice(
        self, fixture: str, loop: asyncio.AbstractEventLoop, test_loop: asyncio.AbstractEventLoop
    ) -> str:
        its_scope, test_scope = self.loop_scope(loop), self.loop_scope(test_loop)
        if its_scope is None or test_scope is None:
            return ""  # a loop the fixture made itself: only the general hint applies
        fixture_scope = self.scope_of(fixture) or "function"
        movable = SCOPE_ORDER.get(fixture_scope, 0) <= SCOPE_ORDER.get(test_scope, 0)
        return _messages.mixed_loops_advice(fixture, fixture_scope, its_scope, test_scope, movable)


def add_to_report(report: pytest.TestReport, lines: list[str], stuck: bool = False) -> None:
    """Append the explanation to the failure, under its own heading.

    :param stuck: the failure is a test that waited until its time limit:
        the other loops did not run meanwhile.
    """
    hint = _messages.stuck_on_other_loop_hint() if stuck else _messages.mixed_loops_hint()
    text = "\n".join([*lines, hint])
    title = _messages.mixed_loops_title(stuck)
    longrepr = report.longrepr
    addsection = getattr(longrepr, "addsection", None)
    if callable(addsection):  # a full traceback repr: show it right below
        addsection(title, text)
    else:  # --tb=line/no: a report section, shown with the captured output
        report.sections.append((title, text))


def _is_loop(value: object) -> bool:
    return isinstance(value, asyncio.AbstractEventLoop)


def _kind(value: object) -> str:
    return f"a {type(value).__name__}"


def _label(loop: asyncio.AbstractEventLoop) -> str:
    return f"{type(loop).__name__} at {id(loop):#x}"
