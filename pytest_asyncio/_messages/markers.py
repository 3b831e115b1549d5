"""Misused markers and tests the plugin cannot run as written."""

from __future__ import annotations

from pytest_asyncio.loops.scopes import SCOPES


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
