"""Report exceptions that asyncio hands to a loop's exception handler.

asyncio cannot raise an exception from a ``call_soon`` callback or from a
task nobody awaits into the test; it passes it to the loop's exception
handler, whose default only logs it. The plugin installs a handler on every
loop a loop fixture provides (once per loop, at setup, so a test pays
nothing extra) that logs them as asyncio would and records them. The plugin
turns the records into findings (see ``findings``) at the end of each test
phase (setup, call, teardown), as pytest does for unraisable exceptions:
raising from inside the handler would not work, since asyncio swallows
whatever a handler raises.

A loop whose exception handler the user already set keeps it: their
handler decides what an exception means.
"""

from __future__ import annotations

import asyncio
import traceback
from typing import Any

from pytest_asyncio import _messages
from pytest_asyncio.diagnostics.findings import Finding
from pytest_asyncio.warnings import LoopExceptionWarning

_CONTEXT_SHOWN_AS_IS = ("message", "exception", "source_traceback")


class Record:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """One exception the handler received, formatted when it arrived."""

    __slots__ = ("context", "exception", "loop", "summary", "trace")

    loop: asyncio.AbstractEventLoop
    context: dict[str, Any]
    exception: BaseException
    #: asyncio's message and the context's other entries (handle, task...).
    summary: str
    trace: str

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        context: dict[str, Any],
        exception: BaseException,
        summary: str,
        trace: str,
    ) -> None:
        self.loop = loop
        self.context = context
        self.exception = exception
        self.summary = summary
        self.trace = trace

    @classmethod
    def of(
        cls, loop: asyncio.AbstractEventLoop, context: dict[str, Any], exception: BaseException
    ) -> Record:
        """Format the context now: the objects in it may change or die later."""
        lines = [str(context.get("message") or "Unhandled exception in event loop")]
        lines.extend(
            f"{key}: {value!r}" for key, value in context.items() if key not in _CONTEXT_SHOWN_AS_IS
        )
        trace = "".join(traceback.format_exception(exception)).rstrip()
        return cls(loop, context, exception, "\n".join(lines), trace)


class LoopExceptionCollector:
    """The exception handler of the plugin's loops, and the queue it fills."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        #: The loop whose leftover tasks the plugin is cancelling right now.
        self.cancelling: asyncio.AbstractEventLoop | None = None
        #: Wider loops torn down in the running test phase, by ``id``: their
        #: fixture, its scope and the node it belonged to.
        self.closed_owners: dict[int, tuple[str, str, str]] = {}

    def handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """The exception handler: log as asyncio does, and record exceptions.

        Logging stays, so suites that assert on asyncio's log (``caplog``)
        keep working. A ``CancelledError`` that arrives while the plugin
        cancels a loop's leftover tasks is not recorded: it only repeats
        that a leaked task was cancelled, which the leak report says.
        """
        loop.default_exception_handler(context)
        exception = context.get("exception")
        if isinstance(exception, BaseException):
            if loop is self.cancelling and isinstance(exception, asyncio.CancelledError):
                return
            self.records.append(Record.of(loop, context, exception))

    def flush(self, phase: str, test: str) -> list[Finding]:
        """One finding per owner for everything recorded since the last flush.

        Exceptions from a wider loop torn down in this phase are charged to
        that loop's fixture, not to the test whose teardown closed it.

        :param phase: ``setup``, ``call`` or ``teardown``, for the message.
        :param test: the test's node id.
        """
        records, self.records = self.records, []
        closed, self.closed_owners = self.closed_owners, {}
        by_owner: dict[str, list[Record]] = {}
        for record in records:
            closed_by = closed.get(id(record.loop))
            owner = _messages.diagnostics_owner(*closed_by) if closed_by is not None else test
            by_owner.setdefault(owner, []).append(record)
        return [_finding(phase, owner, group, owner == test) for owner, group in by_owner.items()]

    def drop_leftovers(self) -> None:
        """Forget what arrived after the last test phase; it was logged already."""
        self.records = []
        self.closed_owners = {}


def _finding(phase: str, owner: str, records: list[Record], of_a_test: bool) -> Finding:
    reports = [f"{record.summary}\n{record.trace}" for record in records]
    stack = traceback.extract_tb(records[-1].exception.__traceback__)
    location = (stack[-1].filename, stack[-1].lineno or 1) if stack else (__file__, 1)
    count = len(records)
    short = _messages.loop_exception(phase, owner, [records[0].summary]) if count == 1 else None
    return Finding(
        category=LoopExceptionWarning,
        text=_messages.loop_exception(phase, owner, reports),
        owner=owner,
        kind="exception",
        count=count,
        of_a_test=of_a_test,
        location=location,
        cause=records[-1].exception,
        short_text=short,
    )
