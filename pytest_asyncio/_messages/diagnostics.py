"""Leak reports: tasks, loop exceptions, loops and child processes; the summary."""

from __future__ import annotations

from pytest_asyncio._messages.loops import shared_loop


def loop_owner(fixture: str, scope: str, node: str) -> str:
    """How a leak report names a loop: by its test for function scope, by the
    tests that share it for the plugin's loops of other loop scopes."""
    shared = shared_loop(fixture, node)
    if shared is not None:
        return shared
    if scope == "function":
        return f"the event loop {fixture!r} of test {node}"
    where = f" of {node}" if node else ""
    return f"the {scope}-scoped event loop {fixture!r}{where}"


def _pending_when_closed(tasks: list[str], owner: str, started_by: str | None) -> str:
    """``1 task still pending when <loop> was closed``, naming the test that started
    the tasks on a loop that outlived it."""
    count = f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}"
    if started_by is None:
        return f"{count} still pending when {owner} was closed"
    return (
        f"{count} started by test {started_by} still pending when {owner} "
        "was closed, after its last test"
    )


def leaked_tasks(
    owner: str, tasks: list[str], cancelled: bool, started_by: str | None = None
) -> str:
    action = (
        f"pytest-asyncio cancelled {'them' if len(tasks) != 1 else 'it'} before closing the loop"
        if cancelled
        else "the loop was already closed, so they never ran to their end"
    )
    lines = [f"{_pending_when_closed(tasks, owner, started_by)}; {action}:"]
    lines.extend(f"  {task}" for task in tasks)
    lines.append(
        "Await or cancel every task a test starts before it ends "
        "(for a background task, in the teardown of the fixture that starts it)."
    )
    return "\n".join(lines)


def stubborn_tasks(
    owner: str, grace: float, tasks: list[str], started_by: str | None = None
) -> str:
    """Tasks the plugin cancelled at loop close that went on all the same."""
    it = "it" if len(tasks) == 1 else "they"
    lines = [
        f"{_pending_when_closed(tasks, owner, started_by)}; pytest-asyncio cancelled "
        f"{'it' if it == 'it' else 'them'}, but {it} did not stop within {grace:g} s "
        "(catching asyncio.CancelledError and going on), so the loop was closed "
        f"with {'it' if it == 'it' else 'them'} still pending:",
        *(f"  {task}" for task in tasks),
        STOP_WHEN_CANCELLED,
    ]
    return "\n".join(lines)


#: What to do about a task that would not stop when cancelled.
STOP_WHEN_CANCELLED = (
    "A task must end when it is cancelled: re-raise asyncio.CancelledError "
    "after cleaning up instead of catching it and going on, and cancel or "
    "await the tasks a test starts before it ends."
)


def loop_exception(phase: str, test: str, reports: list[str]) -> str:
    count = "An exception" if len(reports) == 1 else f"{len(reports)} exceptions"
    header = (
        f"{count} reached the event loop's exception handler during {phase} of "
        f"{test}; asyncio would only have logged {'it' if len(reports) == 1 else 'them'}:"
    )
    return "\n\n".join([header, *reports])


SEVERITIES = ("report", "warn", "error", "off")


DIAGNOSTICS_TITLE = "asyncio diagnostics"


def invalid_severity(option: str, value: object) -> str:
    return (
        f"{option}: {value!r} is not a valid diagnostics severity. "
        f"Use one of: {', '.join(SEVERITIES)}."
    )


def loop_left_current(test: str) -> str:
    return (
        f"pytest-asyncio detected an unclosed event loop after {test}: the test made "
        "it the current loop (asyncio.set_event_loop) and left it open; "
        "pytest-asyncio closed it. Close every loop a test makes "
        "(loop.close(), or asyncio.run() / asyncio.Runner, which close theirs), or "
        "use the loop the plugin gives the test."
    )


def loop_left_current_before(test: str, fixture: str) -> str:
    return (
        "pytest-asyncio detected an unclosed event loop that was the current loop "
        f"when {test} set up its loop {fixture!r}: code that ran before (a sync test, "
        "a fixture or an import) made it current (asyncio.set_event_loop, or "
        "asyncio.get_event_loop() with no loop current) and left it open; "
        "pytest-asyncio closed it, as pytest-asyncio 0.15 to 0.24 did in suites "
        f"that use {fixture!r}. Close every loop you make (loop.close(), or "
        "asyncio.run() / asyncio.Runner, which close theirs)."
    )


def loop_left_open(fixture: str, scope: str, node: str) -> str:
    whose = (
        f"of test {node}" if scope == "function" else f"({scope} scope) of {node or 'the session'}"
    )
    return (
        "pytest-asyncio detected an unclosed event loop when tearing down the fixture "
        f"{fixture!r} {whose}: the fixture provided it and did not close it; "
        "pytest-asyncio closed it after the fixture's teardown. Call loop.close() "
        "after the fixture's yield, or make the fixture a LoopFixture subclass, "
        "which closes its loops."
    )


def leaked_processes(owner: str, processes: list[str]) -> str:
    count = f"{len(processes)} child process{'es' if len(processes) != 1 else ''}"
    lines = [
        f"{count} still running when {owner} was closed; pytest-asyncio "
        f"terminated {'them' if len(processes) != 1 else 'it'}:"
    ]
    lines.extend(f"  {process}" for process in processes)
    lines.append(
        "Wait for every process a test starts (await process.wait() or "
        "process.communicate()), or end it in the teardown of the fixture that starts it."
    )
    return "\n".join(lines)


def diagnostics_owner(fixture: str, scope: str, node: str) -> str:
    """Whom the summary charges a finding to: the test, or a wider loop's fixture."""
    shared = shared_loop(fixture, node)
    if shared is not None:
        return shared
    if scope == "function":
        return node
    return f"{node or 'the session'} ({scope}-scoped loop fixture {fixture!r})"


FINDING_KINDS = {
    "task": ("leaked task", "leaked tasks"),
    "stubborn": (
        "leaked task that would not stop when cancelled",
        "leaked tasks that would not stop when cancelled",
    ),
    "exception": ("loop exception", "loop exceptions"),
    "loop": ("event loop left open", "event loops left open"),
    "process": ("child process left running", "child processes left running"),
    "blocked": ("step that blocked the loop", "steps that blocked the loop"),
}


def finding_count(kind: str, count: int) -> str:
    """``1 leaked task``, ``2 loop exceptions``..."""
    singular, plural = FINDING_KINDS.get(kind, (kind, kind))
    return f"{count} {singular if count == 1 else plural}"


def diagnostics_totals(totals: list[tuple[str, int, int, int]]) -> str:
    """One line: per kind, how many, in how many tests and loop fixtures."""
    parts: list[str] = []
    for kind, count, tests, fixtures in totals:
        where: list[str] = []
        if tests:
            where.append(f"{tests} test{'s' if tests != 1 else ''}")
        if fixtures:
            where.append(f"{fixtures} loop fixture{'s' if fixtures != 1 else ''}")
        parts.append(f"{finding_count(kind, count)} ({', '.join(where)})")
    return f"Total: {'; '.join(parts)}."


def diagnostics_summary(severity: str) -> str:
    return (
        f"Reported only: no outcome changed (asyncio_diagnostics = {severity}). Details: -v,\n"
        f"or each test's '{DIAGNOSTICS_TITLE}' report section (-rA, --junitxml)."
    )


def blocked_loop(whose: str, seconds: float, threshold: float, where: str) -> str:
    """One step of the loop ran for ``seconds``: nothing else ran on the loop meanwhile."""
    return (
        f"{whose} blocked the event loop for at least {seconds:.2f} s in one step "
        f"(the threshold is {threshold:g} s): no other task or callback could run "
        "meanwhile. It was blocked here:\n"
        f"{where}\n"
        "Run blocking work off the loop (await asyncio.to_thread(...) or "
        "loop.run_in_executor(...)), or use an async API; if the test means it, raise "
        "the threshold (@pytest.mark.asyncio(blocked_threshold=...) or "
        "asyncio_blocked_threshold)."
    )


def blocked_owner(description: str, is_test: bool) -> str:
    """How a blocked-loop report names what ran: a test, or an async fixture."""
    return f"test {description}" if is_test else description


def invalid_blocked_threshold(option: str, value: object) -> str:
    return (
        f"{option}: {value!r} is not a number of seconds. Give the real seconds one step "
        "of the loop may run before it is reported (default 0.1), or 0 to turn the check off."
    )


def task_created_at(path: str, lineno: int) -> str:
    """Appended to a task's description: the user's line that created it."""
    return f", created at {path}:{lineno}"


#: Appended to the description of a task that runs none of the user's code.
TASK_CREATION_HINT = " (--asyncio-debug shows the line that created it)"
