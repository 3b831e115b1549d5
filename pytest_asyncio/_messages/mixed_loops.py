"""Fixtures bound to another event loop than the test's, and what to do."""

from __future__ import annotations


def mixed_loops_title() -> str:
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


def mixed_loops_hint() -> str:
    return (
        "An object made on one loop cannot be awaited on another. Run the fixture "
        "and the test on the same loop: give them the same loop_scope "
        "(@pytest_asyncio.fixture(loop_scope=...), @pytest.mark.asyncio(loop_scope=...))."
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
