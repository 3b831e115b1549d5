"""Every text the plugin shows a user, in one place.

Tests import these builders and assert on their words, so a message changes
in exactly one spot.
"""

from __future__ import annotations

VALID_MODES = ("auto", "strict")
VALID_SCOPES = ("function", "class", "module", "package", "session")


def invalid_mode(value: str) -> str:
    return (
        f"asyncio_mode: {value!r} is not a valid mode. "
        f"Use one of: {', '.join(VALID_MODES)} (or leave it unset)."
    )


def invalid_scope(option: str, value: str) -> str:
    return f"{option}: {value!r} is not a valid loop scope. Use one of: {', '.join(VALID_SCOPES)}."


def invalid_timeout(option: str, value: object) -> str:
    return (
        f"{option}: {value!r} is not a valid timeout. "
        "Give a number of seconds (0 means no timeout)."
    )


def unknown_marker_argument(test: str, marker: str, names: list[str]) -> str:
    known = "loop_scope, timeout"
    return (
        f"{test}: @pytest.mark.{marker} got unknown keyword argument(s) "
        f"{', '.join(repr(n) for n in names)}. It accepts: {known}."
    )


def positional_marker_argument(test: str, marker: str, args: tuple[object, ...]) -> str:
    return (
        f"{test}: @pytest.mark.{marker} takes keyword arguments only, "
        f"got positional {args!r}. Write e.g. @pytest.mark.{marker}(loop_scope='module')."
    )


def marker_on_sync_test(test: str, marker: str) -> str:
    return (
        f"{test} is marked with @pytest.mark.{marker} but is not an 'async def' "
        "function; the marker has no effect on it. Remove the marker or make "
        "the test a coroutine."
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
    return "\n".join(lines)


def loop_scope_needs_loop_fixture(test: str, scope: str) -> str:
    return (
        f"{test}: no event loop of scope {scope!r} is available here. "
        "This is a bug in pytest-asyncio; please report it."
    )
