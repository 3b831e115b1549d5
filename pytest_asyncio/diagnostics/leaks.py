"""Find tasks still pending when a loop fixture is torn down.

The check runs as a finalizer of the loop fixture, registered right after
the fixture made its loop, so pytest runs it *before* the fixture's own
teardown: the tasks are cancelled while the loop is still open, whoever
wrote the fixture (ours closes the loop afterwards; a user's fixture that
calls ``loop.close()`` itself then closes a clean loop). It runs inside the
test's teardown, where pytest captures warnings for that test.
"""

from __future__ import annotations

import asyncio

from pytest_asyncio import _messages
from pytest_asyncio._task_run import already_reported
from pytest_asyncio.diagnostics import tasks
from pytest_asyncio.diagnostics.findings import Finding
from pytest_asyncio.loops.fixture import cancel_pending_tasks
from pytest_asyncio.warnings import LeakedTaskWarning


def leaked_tasks(
    loop: asyncio.AbstractEventLoop, fixture: str, scope: str, node: str
) -> Finding | None:
    """Cancel the tasks still pending on ``loop`` and describe them.

    The tasks are described before they are cancelled (cancelling unwinds
    the frames that say where they were); the caller delivers the finding
    afterwards, so an error still leaves a clean loop behind.

    :param fixture: the loop fixture's name.
    :param scope: its scope; a function-scoped loop is named by its test.
    :param node: the node id of the test (or module, class...) it belonged to.
    :returns: ``None`` when no task was left.
    """
    pending = [
        task
        for task in tasks.pending_tasks(loop)
        if not tasks.closes_a_generator(task) and not already_reported(task)
    ]
    if not pending:
        return None
    descriptions = [tasks.describe(task) for task in pending]
    location = tasks.location(pending[0])
    can_cancel = not loop.is_closed() and not loop.is_running()
    if can_cancel:
        cancel_pending_tasks(loop)
    owner = _messages.loop_owner(fixture, scope, node)
    count = len(pending)
    return Finding(
        category=LeakedTaskWarning,
        text=_messages.leaked_tasks(owner, descriptions, can_cancel),
        owner=_messages.diagnostics_owner(fixture, scope, node),
        kind="task",
        count=count,
        of_a_test=scope == "function",
        location=location,
    )
