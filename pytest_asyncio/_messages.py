"""Every text the plugin shows a user, in one place.

Tests import these builders and assert on their words, so a message changes
in exactly one spot.
"""

from __future__ import annotations

VALID_MODES = ("auto", "strict")
VALID_SCOPES = ("function", "class", "module", "package", "session")


def invalid_mode(value: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return f"{value!r} is not a valid asyncio_mode. Valid modes: {', '.join(VALID_MODES)}."


def invalid_scope(option: str, value: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return f"{value!r} is not a valid {option}. Valid scopes are: {', '.join(VALID_SCOPES)}."


def invalid_marker_scope(test: str, marker: str, value: object) -> str:
    return (
        f"{test}: mark.{marker} got an unexpected loop scope value {value!r}. "
        f"Valid scopes are: {', '.join(VALID_SCOPES)}."
    )


def invalid_timeout(option: str, value: object) -> str:
    return (
        f"{option}: {value!r} is not a valid timeout. "
        "Give a number of seconds (0 means no timeout)."
    )


_MARKER_KEYWORDS = "'loop_scope', 'loop_factories' and 'timeout'"


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


def not_a_loop(fixture: str, value: object) -> str:
    return (
        f"The fixture {fixture!r} must provide an asyncio event loop, but it "
        f"returned {value!r} (of type {type(value).__name__}). Make it return "
        "or yield an asyncio.AbstractEventLoop, e.g. asyncio.new_event_loop()."
    )


def loop_is_closed(fixture: str) -> str:
    return (
        f"The fixture {fixture!r} provided an event loop that is already "
        "closed. Return a fresh loop, and close it only after the yield."
    )


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


def test_timed_out(what: str, timeout: float, where: str, others: list[str]) -> str:
    lines = [f"{what} timed out after {timeout:g} s and was cancelled."]
    if where:
        lines.append("It was waiting here:")
        lines.append(where.rstrip())
    if others:
        lines.append("Other tasks still pending on the loop:")
        lines.extend(f"  {task}" for task in others)
    lines.append(
        "Raise the limit with @pytest.mark.asyncio(timeout=SECONDS), --asyncio-timeout "
        "or the ini option asyncio_timeout (0 means no limit)."
    )
    return "\n".join(lines)


def loop_scope_needs_loop_fixture(test: str, scope: str) -> str:
    return (
        f"{test}: no event loop of scope {scope!r} is available here. "
        "This is a bug in pytest-asyncio; please report it."
    )


def loop_stopped(what: str) -> str:
    return (
        f"The event loop stopped before {what} finished: something called "
        "loop.stop() on it (the test, a fixture, or code they call), so the "
        f"plugin cancelled {what}. The plugin starts and stops its loops "
        "itself; remove the loop.stop() call."
    )


def task_cancelled(what: str) -> str:
    return (
        f"{what} ended with asyncio.CancelledError, though the plugin did not "
        "cancel it (see the traceback above for where it came from). Catch "
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


def loop_closed_by_user(fixture: str) -> str:
    return (
        f"The event loop of the fixture {fixture!r} was closed before the "
        "fixture's teardown: something called loop.close() on it (the test, "
        "a fixture, or code they call). Tasks, async generators and the "
        "executor of that loop were not cleaned up. Leave closing to the "
        f"fixture {fixture!r}."
    )


# -- diagnostics: leaked tasks, swallowed loop exceptions, mixed loops -------


def loop_owner(fixture: str, scope: str, node: str) -> str:
    """How a leak report names a loop: by its test for function scope."""
    if scope == "function":
        return f"the event loop {fixture!r} of test {node}"
    where = f" of {node}" if node else ""
    return f"the {scope}-scoped event loop {fixture!r}{where}"


def leaked_tasks(owner: str, tasks: list[str], cancelled: bool) -> str:
    count = f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}"
    action = (
        f"pytest-asyncio cancelled {'them' if len(tasks) != 1 else 'it'} before closing the loop"
        if cancelled
        else "the loop was already closed, so they never ran to their end"
    )
    lines = [f"{count} still pending when {owner} was closed; {action}:"]
    lines.extend(f"  {task}" for task in tasks)
    lines.append(
        "Await or cancel every task a test starts before it ends "
        "(for a background task, in the teardown of the fixture that starts it)."
    )
    return "\n".join(lines)


def loop_exception(phase: str, test: str, reports: list[str]) -> str:
    count = "An exception" if len(reports) == 1 else f"{len(reports)} exceptions"
    header = (
        f"{count} reached the event loop's exception handler during {phase} of "
        f"{test}; asyncio would only have logged {'it' if len(reports) == 1 else 'them'}:"
    )
    return "\n\n".join([header, *reports])


def mixed_loops_title() -> str:
    return "asyncio: fixtures bound to another event loop"


def fixture_on_other_loop(fixture: str, kind: str, its_loop: str, test_loop: str) -> str:
    return f"fixture {fixture!r} ({kind}) is bound to {its_loop}, but the test runs on {test_loop}"


def fixture_loop(fixture: str, kind: str, its_loop: str) -> str:
    return f"fixture {fixture!r} ({kind}) is bound to {its_loop}"


def fixture_is_other_loop(fixture: str, its_loop: str, test_loop: str) -> str:
    return f"fixture {fixture!r} is another event loop, {its_loop}, than the test's, {test_loop}"


def mixed_loops_hint() -> str:
    return (
        "An object made on one loop cannot be awaited on another. Run the fixture "
        "and the test on the same loop: give them the same loop_scope "
        "(@pytest_asyncio.fixture(loop_scope=...), @pytest.mark.asyncio(loop_scope=...))."
    )


def no_unused_port(kind: str, host: str, attempts: int) -> str:
    return (
        f"no unused {kind} port found on {host}: the operating system offered "
        f"only ports already handed out in this run, {attempts} times in a row. "
        "Too many ports are in use; free some, or draw fewer in one session."
    )


def undeclared_async_fixture(fixture: str, test: object) -> str:
    name = getattr(test, "nodeid", "the test")
    return (
        f"{name} requests the async fixture {fixture!r}, which asyncio_mode=strict "
        "does not run because it is declared with plain @pytest.fixture. Declare it "
        "with @pytest_asyncio.fixture, or set asyncio_mode = auto."
    )


_FACTORIES_HOOK = "pytest_asyncio_loop_factories"


def bad_loop_factories(problem: str, value: object) -> str:
    # starts with pytest-asyncio 1.x's wording, which users search for
    return (
        f"{_FACTORIES_HOOK} must return a non-empty mapping of factory names "
        f"(non-empty strings) to callables that make an event loop, or None; {problem}: "
        f"{value!r} (of type {type(value).__name__}). Return e.g. "
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
        f"new, open asyncio event loop, but it returned {value!r} (of type "
        f"{type(value).__name__}). Return e.g. asyncio.new_event_loop() or "
        "uvloop.new_event_loop()."
    )


# -- telling this implementation from pytest-asyncio 0.x/1.x; upstream wording -------


def report_header(version: str, mode: str, fixture_loop_scope: str) -> str:
    """The line pytest prints under its own header: which plugin, which settings."""
    return (
        f"asyncio: pytest-asyncio {version} (class-based implementation), "
        f"mode={mode}, default fixture loop scope={fixture_loop_scope}"
    )
