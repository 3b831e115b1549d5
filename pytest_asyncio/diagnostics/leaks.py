"""Find tasks still pending when a loop fixture is torn down.

The check runs as a finalizer of the loop fixture, registered right after
the fixture made its loop, so pytest runs it *before* the fixture's own
teardown: the tasks are cancelled while the loop is still open, whoever
wrote the fixture (ours closes the loop afterwards; a user's fixture that
calls ``loop.close()`` itself then closes a clean loop). It runs inside the
test's teardown, where pytest captures warnings for that test.

A task that will not stop when cancelled (it catches ``CancelledError`` and
goes on) is a leaked task too, reported as such: the loop is closed with it
still pending, and no wait or error of the loop's own follows.

On a loop shared by several tests, a task is charged to the test whose
call started it, when the diagnostics noted one (see ``StartedBy``).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable

from pytest_asyncio import _asyncio_compat, _messages, _runner, _tasks
from pytest_asyncio._asyncio_compat import Unawaited
from pytest_asyncio._runner import cancel_pending_tasks
from pytest_asyncio.diagnostics.findings import Finding
from pytest_asyncio.warnings import LeakedTaskWarning, NeverAwaitedWarning

#: The test a task was started by, ``None`` when it is no test's (see :class:`StartedBy`).
Starter = Callable[[asyncio.Task[object]], "str | None"]


class StartedBy:
    """Which test's call started each task on the loops shared by several tests.

    The tasks alive on the test's loop are noted before its call (as no
    test's) and after it (as the test's, unless noted before): a task the
    call started and left pending. Both notes cost one attribute read when
    no task is alive on any loop, the usual case.
    """

    def __init__(self) -> None:
        #: The shared loops alive now, by ``id(loop)``: the test runs note
        #: tasks around the calls of tests on these loops only.
        self.loops: set[int] = set()
        self._starters: weakref.WeakKeyDictionary[asyncio.Task[object], str | None] = (
            weakref.WeakKeyDictionary()
        )

    def share(self, loop: asyncio.AbstractEventLoop) -> None:
        """``loop`` is shared by several tests: note who starts its tasks."""
        self.loops.add(id(loop))

    def forget(self, loop: asyncio.AbstractEventLoop) -> None:
        """``loop`` is being torn down."""
        self.loops.discard(id(loop))

    def note(self, loop: asyncio.AbstractEventLoop, test: str | None) -> None:
        """Note the tasks alive on ``loop`` not noted yet as started by ``test``."""
        if _asyncio_compat.no_task_alive():
            return
        starters = self._starters
        for task in asyncio.all_tasks(loop):
            if task not in starters:
                starters[task] = test

    def __call__(self, task: asyncio.Task[object]) -> str | None:
        """The node id of the test whose call started ``task``, if one did."""
        return self._starters.get(task)


def cancel_quietly(loop: asyncio.AbstractEventLoop) -> None:
    """A loop's check when diagnostics are off: its tasks are cancelled, and
    one that will not stop is left pending on the closed loop without a word."""
    if not _asyncio_compat.loop_is_idle(loop):
        _runner.unreported_refusals(cancel_pending_tasks(loop))


def leaked_tasks(
    loop: asyncio.AbstractEventLoop,
    fixture: str,
    scope: str,
    node: str,
    started_by: Starter,
) -> list[Finding]:
    """Cancel the tasks still pending on ``loop`` and describe them.

    The tasks are described before they are cancelled (cancelling unwinds
    the frames that say where they were); the caller delivers the findings
    afterwards, so an error still leaves a clean loop behind.

    :param fixture: the loop fixture's name.
    :param scope: its scope; a function-scoped loop is named by its test.
    :param node: the node id of the test (or module, class...) it belonged to.
    :param started_by: the test that started a task, for a shared loop.
    :returns: one finding per test that started tasks (and one for the rest),
        and per way they ended (stopped when cancelled, or not); none when
        no task was left.
    """
    pending = [
        task
        for task in _tasks.pending_tasks(loop)
        if not _tasks.closes_a_generator(task) and not _runner.already_reported(task)
    ]
    if not pending:
        return []
    descriptions = {task: _tasks.describe(task) for task in pending}
    locations = {descriptions[task]: _tasks.location(task) for task in pending}
    can_cancel = not loop.is_closed() and not loop.is_running()
    refused: set[asyncio.Task[object]] = set()
    if can_cancel:
        refused = set(_runner.unreported_refusals(cancel_pending_tasks(loop)))
    groups: dict[tuple[str | None, bool], list[str]] = {}
    for task in pending:
        groups.setdefault((started_by(task), task in refused), []).append(descriptions[task])
    where = _LoopClosed(fixture, scope, node, can_cancel)
    return [
        where.finding(starter, stubborn, described, locations[described[0]])
        for (starter, stubborn), described in groups.items()
    ]


class _LoopClosed:
    """The loop whose closing found the tasks: builds one finding per group."""

    def __init__(self, fixture: str, scope: str, node: str, cancelled: bool) -> None:
        self.owner = _messages.loop_owner(fixture, scope, node)
        self.charged = _messages.diagnostics_owner(fixture, scope, node)
        self.of_a_test = scope == "function"
        self.cancelled = cancelled

    def finding(
        self, starter: str | None, stubborn: bool, described: list[str], location: tuple[str, int]
    ) -> Finding:
        """The tasks ``described``, started by test ``starter`` (``None``: by no
        test known), that stopped when cancelled or (``stubborn``) did not."""
        if stubborn:
            grace = _runner.CANCEL_GRACE
            text = _messages.stubborn_tasks(self.owner, grace, described, starter)
        else:
            text = _messages.leaked_tasks(self.owner, described, self.cancelled, starter)
        return Finding(
            category=LeakedTaskWarning,
            text=text,
            owner=starter or self.charged,
            kind="stubborn" if stubborn else "task",
            count=len(described),
            of_a_test=starter is not None or self.of_a_test,
            location=location,
        )


def never_awaited(
    dropped: Unawaited, tests: dict[tuple[str, str], str], running: str
) -> Finding | None:
    """The finding for a coroutine dropped unawaited during a phase of test ``running``.

    It is charged to the test whose function created it (``tests`` maps each
    test function that ran, by file and name, to its test), so one that the
    garbage collector frees during a later test is charged back; one created
    elsewhere (a helper, a fixture) to the test running when it was dropped.

    :returns: ``None`` for a coroutine the plugin made, or made before the session.
    """
    if dropped.created is None:
        return None
    filename, lineno, function = dropped.created
    if filename.startswith(_tasks.PLUGIN_DIR):
        return None
    creator = tests.get((filename, function), running)
    short = _tasks.short_path
    text = _messages.never_awaited(
        dropped.name,
        (short(filename), lineno),
        creator,
        (short(dropped.dropped[0]), dropped.dropped[1]),
        running,
    )
    return Finding(NeverAwaitedWarning, text, creator, "never_awaited", (filename, lineno))
