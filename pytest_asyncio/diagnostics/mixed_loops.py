"""Explain asyncio's "attached to a different loop" errors by fixture.

The error names a future, never the fixture that made it. When a test
fails with it, every fixture value bound to a loop (a loop, a Future or
Task, anything with ``get_loop()``, asyncio's locks and queues) is compared
with the test's loop, and the report gets one line per value on another
loop: usually a fixture whose loop scope differs from the test's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from pytest_asyncio import _messages

#: asyncio's wordings for "this object belongs to another loop" (3.10 to 3.14).
_ERROR_WORDS = (
    "attached to a different loop",
    "bound to a different event loop",
    "belongs to a different loop",
)

# asyncio's locks and queues bind to a loop at first use and keep it in a
# private ``_loop`` attribute (None until then); they have no get_loop().
_LOOP_BOUND = (asyncio.Lock, asyncio.Event, asyncio.Condition, asyncio.Semaphore, asyncio.Queue)


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


def loop_of(value: object) -> asyncio.AbstractEventLoop | None:
    """The loop ``value`` is bound to, or ``None`` if it is not bound to one."""
    if isinstance(value, asyncio.AbstractEventLoop):
        return value
    if isinstance(value, _LOOP_BOUND):
        loop = getattr(value, "_loop", None)
    else:
        get_loop = getattr(value, "get_loop", None)
        if not callable(get_loop):
            return None
        try:
            loop = get_loop()
        except Exception:  # a get_loop() of another meaning, or a broken one
            return None
    return loop if isinstance(loop, asyncio.AbstractEventLoop) else None


def explain(
    funcargs: Mapping[str, object],
    test_loop: asyncio.AbstractEventLoop | None,
    loop_names: Mapping[int, str],
) -> list[str]:
    """One line per fixture value bound to another loop than ``test_loop``.

    For a test without a loop of its own (a sync test), every loop-bound
    value is listed when they do not all share one loop.

    :param loop_names: fixture names of the loops known to the plugin, by ``id``.
    """
    names = dict(loop_names)
    names.update((id(value), name) for name, value in funcargs.items() if _is_loop(value))
    bound = [(name, value, loop) for name, value in funcargs.items() if (loop := loop_of(value))]
    if test_loop is None:
        if len({id(loop) for _, _, loop in bound}) < 2:
            return []
        return [
            _messages.fixture_loop(name, _kind(value), _describe(loop, names))
            for name, value, loop in bound
        ]
    test_side = _describe(test_loop, names)
    return [
        _messages.fixture_is_other_loop(name, _label(loop), test_side)
        if loop is value
        else _messages.fixture_on_other_loop(name, _kind(value), _describe(loop, names), test_side)
        for name, value, loop in bound
        if loop is not test_loop
    ]


def add_to_report(report: pytest.TestReport, lines: list[str]) -> None:
    """Append the explanation to the failure, under its own heading."""
    text = "\n".join([*lines, _messages.mixed_loops_hint()])
    longrepr = report.longrepr
    addsection = getattr(longrepr, "addsection", None)
    if callable(addsection):  # a full traceback repr: show it right below
        addsection(_messages.mixed_loops_title(), text)
    else:  # --tb=line/no: a report section, shown with the captured output
        report.sections.append((_messages.mixed_loops_title(), text))


def _is_loop(value: object) -> bool:
    return isinstance(value, asyncio.AbstractEventLoop)


def _kind(value: object) -> str:
    return f"a {type(value).__name__}"


def _label(loop: asyncio.AbstractEventLoop) -> str:
    return f"{type(loop).__name__} at {id(loop):#x}"


def _describe(loop: asyncio.AbstractEventLoop, names: Mapping[int, str]) -> str:
    name = names.get(id(loop))
    return f"the loop of fixture {name!r} ({_label(loop)})" if name else f"the loop {_label(loop)}"
