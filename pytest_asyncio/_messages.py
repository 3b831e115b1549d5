"""Every text the plugin shows a user, in one module.

Tests import these builders and assert on their words, so a message changes
in exactly one spot: ``from pytest_asyncio import _messages``, then
``_messages.invalid_mode(...)``. The texts are grouped by area under comment
headings: the values a suite sets, markers, loops, async fixtures, runs that
ended badly, diagnostics, mixed loops, the virtual clock.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_asyncio._scopes import SCOPES, shared_loop_parts

# ----------------------------------------------------------------------------
# How a message shows a value the user got wrong.
# ----------------------------------------------------------------------------


def described(value: object) -> str:
    """``42 (of type int)``: the value as Python shows it, and its type, which
    tells a class from an instance of it."""
    return f"{value!r} (of type {type(value).__name__})"


# ----------------------------------------------------------------------------
# Values a suite sets: modes, scopes, timeouts, debug, the plugin class; the header.
# ----------------------------------------------------------------------------

#: The modes the plugin accepts. ``unset`` is the default, as the report header
#: shows it: ``--asyncio-mode=unset`` undoes an ini file's ``asyncio_mode = auto``.
VALID_MODES = ("auto", "strict", "unset")


def invalid_mode(value: str, option: str = "asyncio_mode") -> str:
    # pytest-asyncio 1.x's wording, word for word (its suites and users match the
    # whole line), which lists the modes a user sets: not the default, unset
    return f"{value!r} is not a valid {option}. Valid modes: auto, strict."


def invalid_scope(option: str, value: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return f"{value!r} is not a valid {option}. Valid scopes are: {', '.join(SCOPES)}."


#: The shortest timeout accepted: below a millisecond a test is cancelled
#: before the loop has run one round, which is a typo, never a limit.
MIN_TIMEOUT = 0.001


def invalid_timeout(option: str, value: object) -> str:
    return (
        f"{option}: {value!r} is not a valid timeout. Give a finite number of "
        f"seconds, at least {MIN_TIMEOUT:g} (0 means no timeout)."
    )


def invalid_debug(problem: str) -> str:
    """:param problem: pytest's own words, e.g. "invalid truth value 'maybe'"."""
    return (
        f"asyncio_debug: {problem}. Use true or false (also yes/no, on/off, 1/0), "
        "or leave it unset."
    )


def seconds(value: float) -> str:
    """A timeout or threshold as the report header shows it: ``5 s``, ``0.25 s``."""
    return f"{value:g} s"


def report_header(
    version: str, mode: str, fixture_loop_scope: str, changed: Sequence[tuple[str, str]] = ()
) -> str:
    """The line pytest prints under its own header: which plugin, which settings.

    :param changed: every other setting not at its default, as (name, value).
    """
    extras = "".join(f", {name}={value}" for name, value in changed)
    return (
        f"asyncio: pytest-asyncio {version} (class-based implementation), "
        f"mode={mode}, default fixture loop scope={fixture_loop_scope}{extras}"
    )


PLUGIN_CLASS_NAME = "pytest_asyncio_plugin_class"


def not_a_plugin_class(value: object) -> str:
    return (
        f"{PLUGIN_CLASS_NAME} must be a subclass of pytest_asyncio.AsyncioPlugin, "
        f"got {described(value)}. Name the class itself, not an instance or a module."
    )


def two_plugin_classes(values: list[object]) -> str:
    named = ", ".join(repr(value) for value in values)
    return (
        f"{PLUGIN_CLASS_NAME} names more than one class: {named}. Name one, in the "
        "rootdir conftest.py or in one plugin loaded with -p."
    )


def bad_plugin_attribute(plugin: str, attribute: str, value: object, base: type) -> str:
    return (
        f"{plugin}.{attribute} must name subclasses of pytest_asyncio.{base.__name__}, "
        f"got {described(value)}."
    )


def plugin_class_too_late(named: object, in_use: type) -> str:
    return (
        f"{PLUGIN_CLASS_NAME} = {named!r} comes too late: the session already runs with "
        f"{in_use.__module__}.{in_use.__qualname__}. Name the class in the rootdir "
        "conftest.py or in a plugin loaded with -p, which pytest reads before it configures."
    )


# ----------------------------------------------------------------------------
# Misused markers and tests the plugin cannot run as written.
# ----------------------------------------------------------------------------


def invalid_marker_scope(test: str, marker: str, value: object) -> str:
    return (
        f"{test}: mark.{marker} got an unexpected loop scope value {value!r}. "
        f"Valid scopes are: {', '.join(SCOPES)}."
    )


_MARKER_KEYWORDS = "'loop_scope', 'loop_factories', 'timeout', 'clock' and 'diagnostics'"


def unknown_marker_argument(test: str, marker: str, names: list[str]) -> str:
    # starts with pytest-asyncio 1.x's wording, then says which ones were wrong
    return (
        f"{test}: mark.{marker} accepts only keyword arguments {_MARKER_KEYWORDS}; "
        f"unknown: {', '.join(repr(n) for n in names)}."
    )


def positional_marker_argument(test: str, marker: str, args: tuple[object, ...]) -> str:
    return (
        f"{test}: mark.{marker} accepts only keyword arguments {_MARKER_KEYWORDS}; "
        f"got positional {args!r}. Write e.g. @pytest.mark.{marker}(loop_scope='module')."
    )


def scope_and_loop_scope(test: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return (
        f'{test}: An asyncio pytest marker defines both "scope" and "loop_scope", '
        'but it should only use "loop_scope".'
    )


def marker_on_sync_test(test: str, marker: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return (
        f"The test {test} is marked with '@pytest.mark.{marker}' but it is not an "
        f"async function. Please remove the {marker} mark; it has no effect on it."
    )


def async_generator_test(test: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return (
        f"Tests based on asynchronous generators are not supported. {test} will be "
        "ignored. Write it as an 'async def' function without 'yield'."
    )


def unmarked_async_test(test: str) -> str:
    return (
        f"{test} is an 'async def' test but is not marked to run on a loop, so "
        "it would never be awaited. Add @pytest.mark.asyncio to it (or "
        "'pytestmark = pytest.mark.asyncio' to its module), or set "
        "'asyncio_mode = auto' in your pytest configuration."
    )


# ----------------------------------------------------------------------------
# Loops a fixture or a loop factory provides that the plugin cannot use.
# ----------------------------------------------------------------------------


def shared_loop(fixture: str, node: str | None) -> str | None:
    """How a message names one of the plugin's private loop fixtures: by the
    ``loop_scope`` the user wrote and the tests that share the loop.

    :param fixture: a loop fixture's name.
    :param node: the node id of the class, module, package or session the loop
        belongs to; ``None`` when not known.
    :returns: ``None`` for any other fixture, which messages name as it is.
    """
    parts = shared_loop_parts(fixture)
    if parts is None:
        return None
    base, scope = parts
    marker = f'loop_scope="{scope}"'
    loop = "process-pool loop" if base.endswith("process_pool") else "loop"
    if node is None:
        return f"the {marker} {loop}"
    if scope == "session":
        return f"the {loop} shared by all tests of the session ({marker})"
    if not node:  # a package loop of tests outside any package lives with the session
        return f"the {loop} shared by the tests outside any package ({marker})"
    kind = {"class": "class ", "package": "package "}.get(scope, "")
    return f"the {loop} shared by the tests of {kind}{node} ({marker})"


def not_a_loop(fixture: str, value: object) -> str:
    made_by = _made_by(fixture)
    if made_by is not None:
        return (
            f"{made_by} must return an asyncio event loop, but it returned "
            f"{described(value)}. Return e.g. asyncio.new_event_loop()."
        )
    return (
        f"The fixture {fixture!r} must provide an asyncio event loop, but it "
        f"returned {described(value)}. Make it return "
        "or yield an asyncio.AbstractEventLoop, e.g. asyncio.new_event_loop()."
    )


def loop_is_closed(fixture: str) -> str:
    made_by = _made_by(fixture)
    if made_by is not None:
        return f"{made_by} returned a closed event loop. Return a new, open loop."
    return (
        f"The fixture {fixture!r} provided an event loop that is already "
        "closed. Return a fresh loop, and close it only after the yield."
    )


def _made_by(fixture: str) -> str | None:
    """Who made the loop of one of the plugin's shared loop fixtures, in the user's words."""
    parts = shared_loop_parts(fixture)
    if parts is None:
        return None
    return (
        f"Making {shared_loop(fixture, None)}: new_loop() of the LoopFixture "
        f"subclass behind {parts[0]!r}"
    )


def loop_closed_by_user(fixture: str, shared: str | None = None) -> str:
    """:param shared: the loop's description when it is one of the plugin's
    loops of a wider loop scope (:func:`shared_loop`), which no user fixture owns."""
    which = shared or f"The event loop of the fixture {fixture!r}"
    owner = "pytest-asyncio" if shared else f"the fixture {fixture!r}"
    return (
        f"{which[0].upper()}{which[1:]} was closed before {owner} closed it: "
        "something called loop.close() on it (the test, "
        "a fixture, or code they call). Tasks, async generators and the "
        f"executor of that loop were not cleaned up. Leave closing to {owner}."
    )


_FACTORIES_HOOK = "pytest_asyncio_loop_factories"


def bad_loop_factories(problem: str, value: object) -> str:
    # starts with pytest-asyncio 1.x's wording, which users search for
    return (
        f"{_FACTORIES_HOOK} must return a non-empty mapping of factory names "
        f"(non-empty strings) to callables that make an event loop, or None; {problem}: "
        f"{described(value)}. Return e.g. "
        "{'default': asyncio.new_event_loop}."
    )


def unavailable_loop_factory(name: str, configured: list[str]) -> str:
    # pytest-asyncio 1.x's wording: a skip reason users search for
    return f"Loop factory {name!r} is not available. Available factories: {', '.join(configured)}."


def bad_loop_factories_argument(test: str, marker: str, value: object) -> str:
    # starts with pytest-asyncio 1.x's wording, which users search for
    return (
        f"{test}: mark.{marker} 'loop_factories' must be a non-empty sequence of "
        f"strings (factory names), got {value!r}. Write e.g. loop_factories=['uvloop']."
    )


def loop_factories_without_hook(test: str, marker: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return (
        f"{test}: mark.{marker} 'loop_factories' requires at least one "
        f"{_FACTORIES_HOOK} hook implementation."
    )


def factory_not_a_loop(name: str, value: object) -> str:
    return (
        f"The loop factory {name!r} of the {_FACTORIES_HOOK} hook must return a "
        f"new, open asyncio event loop, but it returned {described(value)}. "
        "Return e.g. asyncio.new_event_loop() or "
        "uvloop.new_event_loop()."
    )


# ----------------------------------------------------------------------------
# Async fixtures the plugin cannot run as declared, and free ports.
# ----------------------------------------------------------------------------


def fixture_wider_than_loop(fixture: str, fixture_scope: str, loop: str, loop_scope: str) -> str:
    return (
        f"The async fixture {fixture!r} has scope {fixture_scope!r}, but the "
        f"loop it runs on, the fixture {loop!r}, has the narrower scope "
        f"{loop_scope!r}: the loop would be closed while the fixture's value "
        f"is still in use. Give {loop!r} a scope of at least {fixture_scope!r} "
        f"(e.g. @pytest.fixture(scope={fixture_scope!r}) on your {loop!r} "
        f"override), or narrow {fixture!r}, or declare it with "
        f"@pytest_asyncio.fixture(scope={fixture_scope!r}, "
        f"loop_scope={fixture_scope!r})."
    )


def loop_scope_narrower_than_scope(fixture: str, scope: str, loop_scope: str) -> str:
    return (
        f"The async fixture {fixture!r} has scope {scope!r} but "
        f"loop_scope={loop_scope!r}: a fixture cannot outlive its loop. "
        f"Use loop_scope={scope!r} or wider."
    )


def async_generator_did_not_yield(fixture: str) -> str:
    return (
        f"The async generator fixture {fixture!r} finished without yielding "
        "a value. An async generator fixture must yield exactly once."
    )


def async_generator_yielded_twice(fixture: str) -> str:
    return (
        f"The async generator fixture {fixture!r} yielded more than once. "
        "An async generator fixture must yield exactly once; put the code "
        "after the first yield in a try/finally instead of yielding again."
    )


def async_generator_ignored_close(fixture: str, closed: bool) -> str:
    outcome = "" if closed else " It is still not closed after three tries; it was left as it is."
    return (
        f"The async generator fixture {fixture!r} yielded more than once, and yielded "
        "again when the plugin closed it (a yield in its finally block, or after "
        f"catching GeneratorExit: asyncio's 'async generator ignored GeneratorExit').{outcome} "
        "An async generator fixture must yield exactly once: put the cleanup after "
        "the yield, in a try/finally, and do not yield in it."
    )


def undeclared_async_fixture(fixture: str, test: object) -> str:
    name = getattr(test, "nodeid", "the test")
    return (
        f"{name} requests the async fixture {fixture!r}, which asyncio_mode=strict "
        "does not run because it is declared with plain @pytest.fixture. Declare it "
        "with @pytest_asyncio.fixture, or set asyncio_mode = auto."
    )


def no_unused_port(kind: str, host: str, attempts: int) -> str:
    return (
        f"no unused {kind} port found on {host}: the operating system offered "
        f"only ports already handed out in this run, {attempts} times in a row. "
        "Too many ports are in use; free some, or draw fewer in one session."
    )


# ----------------------------------------------------------------------------
# A test or fixture whose run on its loop ended badly: time limit, stop, cancel, close.
# ----------------------------------------------------------------------------


def test_timed_out(
    what: str, timeout: float, where: str, others: list[str], refused: str = "", verdict: str = ""
) -> str:
    lines = [f"{what} timed out after {timeout:g} s and was cancelled."]
    if where:
        lines += ["It was waiting here:", where.rstrip()]
    if verdict:
        lines.append(verdict)
    if refused:
        lines.append(refused)
    if others:
        lines.append("Other tasks still pending on the loop:")
        lines.extend(f"  {task}" for task in others)
    lines.append(
        "Raise the limit with @pytest.mark.asyncio(timeout=SECONDS), --asyncio-timeout "
        "or the ini option asyncio_timeout (0 means no limit)."
    )
    return "\n".join(lines)


# What a stuck task waits on, one line a link of its chain of awaits
# (timeouts, pytest-timeout, Ctrl-C, a test that can never wake).

#: The asyncio methods a chain of awaits can end in, and what that means.
CHAIN_LEAVES = {
    "Event.wait": "an asyncio.Event that is not set",
    "Condition.wait": "an asyncio.Condition nobody notified",
    "Lock.acquire": "an asyncio.Lock held elsewhere",
    "Semaphore.acquire": "an asyncio.Semaphore with no slot free",
    "Queue.get": "an asyncio.Queue with nothing to get",
    "Queue.put": "a full asyncio.Queue",
    "Queue.join": "an asyncio.Queue with items not yet marked done",
    "Barrier.wait": "an asyncio.Barrier not yet full",
    "StreamReader._wait_for_data": "a read from a stream",
    "FlowControlMixin._drain_helper": "a write to a stream whose buffer is full",
    "sleep": "a timer",
}

#: A task the chain reached before, or past the depth a report shows.
CHAIN_CUT = "(not followed: shown above, or too deep)"


def chain_task(name: str) -> str:
    return f"-> awaits task {name!r}:"


def chain_gather(pending: int, children: int) -> str:
    return f"-> awaits gather(), {pending} of its {children} children pending:"


def chain_waits_for_all(function: str, pending: int) -> str:
    return f"-> awaits asyncio's {function}(), which waits for {pending} pending:"


def chain_leaf(known: str, method: str, peer: str = "") -> str:
    """:param known: a key of :data:`CHAIN_LEAVES`, or an asyncio function's name."""
    what = CHAIN_LEAVES.get(known)
    if what is None:
        return f"-> waits inside {method}()"
    if peer:
        what += f" connected to {peer}"
    return f"-> waits on {what} ({method})"


def waits_on(waits: list[str], verdict: str = "") -> str:
    """A note under pytest-timeout's failure: the traceback shows the test's
    frames; this, what its innermost ``await`` waits on, and whether
    anything could have woken it (:func:`wake_verdict`)."""
    lines = ["asyncio: the test's await was waiting on:", *waits]
    return "\n".join([*lines, verdict] if verdict else lines)


INTERRUPTED_TITLE = "asyncio: where Ctrl-C found the test"


def interrupted_while_waiting(what: str, chain: str) -> str:
    return f"{what} was interrupted while waiting here:\n{chain}"


def chain_future(kind: str) -> str:
    return f"-> waits on an asyncio.{kind} that is not done"


#: What could still have woken a loop, as a timeout's report says it.
_WAKERS = {
    "callbacks": "callbacks ready to run",
    "timer": "a timer",
    "signal": "a signal handler",
    "io": "I/O (a socket, a pipe or a child process registered with the loop)",
    "thread": "a thread of the test's, or executor work in progress",
}

#: Nothing could ever wake the loop: the words of the report and the finding.
NOTHING_COULD_WAKE = (
    "Nothing could ever have woken it: its loop had no callback ready, no timer, "
    "no socket, pipe or signal handler registered, and no executor work or thread "
    "that could hand it work."
)


def wake_verdict(waker: str | None) -> str:
    """The timeout report's line on whether anything could have woken the loop.

    :param waker: a key of ``_WAKERS``, ``None`` for nothing, ``"unknown"``
        for a loop the plugin cannot look into (no line then).
    """
    if waker is None:
        return NOTHING_COULD_WAKE
    what = _WAKERS.get(waker)
    return f"It was still waiting on {what}." if what else ""


def never_wakes(what: str, where: str, refused: str = "") -> str:
    lines = [f"{what} can never wake, so it was cancelled at once. It waits here:", where.rstrip()]
    lines.append(NOTHING_COULD_WAKE)
    if refused:
        lines.append(refused)
    lines.append(NEVER_WAKES_HINT)
    return "\n".join(lines)


def never_woke(what: str, where: str) -> str:
    """The finding of ``report`` and ``warn`` mode: the run went on waiting."""
    lines = [f"{what} can never wake. It waits here:", where.rstrip()]
    return "\n".join([*lines, NOTHING_COULD_WAKE, NEVER_WAKES_HINT])


NEVER_WAKES_HINT = (
    "Set the event, feed the queue or complete the future from code that runs "
    "(a task, a callback, a fixture's task on the same loop), or bound the wait "
    "with asyncio.timeout() or asyncio.wait_for() if the answer may never come."
)


def loop_stopped(what: str, refused: str = "") -> str:
    text = (
        f"The event loop stopped before {what} finished: something called "
        "loop.stop() on it (the test, a fixture, or code they call), so the "
        f"plugin cancelled {what}. The plugin starts and stops its loops "
        "itself; remove the loop.stop() call."
    )
    return f"{text}\n{refused}" if refused else text


def task_cancelled(what: str) -> str:
    return (
        f"{what} ended with asyncio.CancelledError, though the plugin did not "
        "cancel it (the traceback shows where it reached your code). Catch "
        "the cancellation, or let the task you awaited finish."
    )


def loop_closed_early(what: str) -> str:
    return (
        f"{what} cannot run: its event loop is already closed. Something closed "
        "it (loop.close() in the test, a fixture, or code they call) while it "
        "was still in use. Leave closing to the loop fixture, which closes the "
        "loop after every test and fixture using it has finished."
    )


def loop_already_running(what: str) -> str:
    return (
        f"{what} cannot run: its event loop is already running, and a loop "
        "cannot be run from inside itself. Do not request async fixtures "
        "with request.getfixturevalue() from async code; request them as "
        "arguments instead."
    )


def refused_to_stop(grace: float, where: str) -> str:
    lines = [
        f"It did not stop within {grace:g} s of being cancelled (it catches "
        "asyncio.CancelledError and goes on), so it was left running on its "
        "loop; let a cancelled task end (re-raise asyncio.CancelledError)."
    ]
    if where:
        lines += ["It was last suspended here:", where.rstrip()]
    return "\n".join(lines)


def tasks_refused_to_stop(owner: str, grace: float, tasks: list[str]) -> str:
    lines = [
        f"Closing {owner}: {len(tasks)} task(s) did not stop within {grace:g} s "
        "of being cancelled, so the loop was closed with them still pending:",
        *(f"  {task}" for task in tasks),
        STOP_WHEN_CANCELLED,
    ]
    return "\n".join(lines)


# ----------------------------------------------------------------------------
# Leak reports: tasks, loop exceptions, loops and child processes; the summary.
# ----------------------------------------------------------------------------


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
    lines = [
        f"{_pending_when_closed(tasks, owner, started_by)}; {action}:",
        *(f"  {task}" for task in tasks),
        "Await or cancel every task a test starts before it ends "
        "(for a background task, in the teardown of the fixture that starts it).",
    ]
    return "\n".join(lines)


def stubborn_tasks(
    owner: str, grace: float, tasks: list[str], started_by: str | None = None
) -> str:
    """Tasks the plugin cancelled at loop close that went on all the same."""
    it, they = ("it", "it") if len(tasks) == 1 else ("them", "they")
    lines = [
        f"{_pending_when_closed(tasks, owner, started_by)}; pytest-asyncio cancelled "
        f"{it}, but {they} did not stop within {grace:g} s "
        "(catching asyncio.CancelledError and going on), so the loop was closed "
        f"with {it} still pending:",
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
        f"terminated {'them' if len(processes) != 1 else 'it'}:",
        *(f"  {process}" for process in processes),
        "Wait for every process a test starts (await process.wait() or "
        "process.communicate()), or end it in the teardown of the fixture that starts it.",
    ]
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
    "never_wakes": ("wait that could never end", "waits that could never end"),
    "never_awaited": ("coroutine never awaited", "coroutines never awaited"),
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


# ----------------------------------------------------------------------------
# Fixtures bound to another event loop than the test's, and what to do.
# ----------------------------------------------------------------------------


def mixed_loops_title(stuck: bool = False) -> str:
    if stuck:
        return "asyncio: fixtures bound to another event loop, which did not run meanwhile"
    return "asyncio: fixtures bound to another event loop"


def _fixture_part(fixture: str, path: str) -> str:
    """``fixture 'conn'``, or ``fixture 'conn', at [0]`` for a part of its value."""
    return f"fixture {fixture!r}, at {path}" if path else f"fixture {fixture!r}"


def fixture_on_other_loop(
    fixture: str, kind: str, its_loop: str, test_loop: str, path: str = ""
) -> str:
    return (
        f"{_fixture_part(fixture, path)} ({kind}) is bound to {its_loop}, "
        f"but the test runs on {test_loop}"
    )


def fixture_loop(fixture: str, kind: str, its_loop: str, path: str = "") -> str:
    return f"{_fixture_part(fixture, path)} ({kind}) is bound to {its_loop}"


def fixture_is_other_loop(fixture: str, its_loop: str, test_loop: str, path: str = "") -> str:
    return (
        f"{_fixture_part(fixture, path)} is another event loop, {its_loop}, "
        f"than the test's, {test_loop}"
    )


_SAME_LOOP = (
    "Run the fixture and the test on the same loop: give them the same loop_scope "
    "(@pytest_asyncio.fixture(loop_scope=...), @pytest.mark.asyncio(loop_scope=...))."
)


def mixed_loops_hint() -> str:
    return f"An object made on one loop cannot be awaited on another. {_SAME_LOOP}"


def stuck_on_other_loop_hint() -> str:
    return (
        "While the test runs on its loop, the loop of these fixtures does not run: "
        "a server, task or stream of theirs makes no progress, and the test, if it "
        f"waits for one of them, waits until its time limit. {_SAME_LOOP}"
    )


def mixed_loops_advice(
    fixture: str, fixture_scope: str, its_loop_scope: str, test_loop_scope: str, movable: bool
) -> str:
    """How to put fixture ``fixture`` and the test on one loop.

    :param movable: whether the fixture's scope fits the test's loop scope.
    """
    test_side = (
        f"To share one loop, run the test on the {its_loop_scope}-scoped loop: "
        f"@pytest.mark.asyncio(loop_scope={its_loop_scope!r})"
    )
    if movable:
        return (
            f"{test_side}; or run {fixture!r} on the test's loop: "
            f"@pytest_asyncio.fixture(loop_scope={test_loop_scope!r})."
        )
    return (
        f"{test_side}. ({fixture!r} has scope {fixture_scope!r}, wider than the "
        f"test's {test_loop_scope}-scoped loop, so it cannot run on that loop.)"
    )


# ----------------------------------------------------------------------------
# The virtual clock: its option values and its misuse.
# ----------------------------------------------------------------------------

VALID_CLOCKS = ("real", "virtual")


def invalid_clock(option: str, value: object) -> str:
    return f"{option}: {value!r} is not a valid clock. Use one of: {', '.join(VALID_CLOCKS)}."


def invalid_clock_threshold(value: object) -> str:
    return (
        f"asyncio_clock_threshold: {value!r} is not a valid threshold. Give the real "
        "seconds a virtual-clock loop looks for I/O before jumping, 0 or more (e.g. 0.01)."
    )


def clock_unsupported(loop_class: type) -> str:
    name = f"{loop_class.__module__}.{loop_class.__qualname__}"
    return (
        f"The virtual clock cannot run on a loop of class {name}: it needs one of "
        "asyncio's own selector event loops (asyncio.SelectorEventLoop, what "
        "asyncio.new_event_loop() makes on Linux and macOS). Run this test on such "
        "a loop, or leave the clock real for it (@pytest.mark.asyncio(clock='real'))."
    )


def clock_installed_twice(loop_class: type) -> str:
    return f"This {loop_class.__qualname__} already has a virtual clock; use VirtualClock.of(loop)."


def clock_negative_advance(seconds: float) -> str:
    return f"VirtualClock.advance() moves time forward only; got {seconds!r} seconds."


def clock_not_driving() -> str:
    return (
        "VirtualClock.advance() must be awaited on the clock's own loop while its "
        "time is virtual (in the test that asked for the virtual clock)."
    )


def clock_fixture_needs_async_test(test: str) -> str:
    return (
        f"{test} requests the 'virtual_clock' fixture, which is the clock of an "
        "async test's loop, but the plugin does not run this test on a loop. Make "
        "it an 'async def' test marked with @pytest.mark.asyncio."
    )


def clock_fixture_with_real_clock(test: str) -> str:
    return (
        f"{test} requests the 'virtual_clock' fixture but its marker says "
        "clock='real'. Drop clock='real' (the fixture turns the virtual clock on), "
        "or do not request the fixture."
    )


# ----------------------------------------------------------------------------
# A coroutine created and dropped without being awaited.
# ----------------------------------------------------------------------------


def never_awaited(
    name: str, created: tuple[str, int], creator: str, dropped: tuple[str, int], running: str
) -> str:
    """A coroutine ``name`` created at ``created`` by test ``creator`` was
    dropped at ``dropped`` during test ``running`` without being awaited."""
    during = "" if running == creator else f" during test {running}"
    return (
        f"coroutine '{name}' created at {created[0]}:{created[1]} in test {creator}"
        f" was never awaited; it was dropped at {dropped[0]}:{dropped[1]}{during}.\n"
        "Await it where it is created (or hand it to asyncio.create_task()); "
        "call its close() if it is not meant to run."
    )
