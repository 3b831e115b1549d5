"""Async fixtures the plugin cannot run as declared, and free ports."""

from __future__ import annotations


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
