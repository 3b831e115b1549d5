"""Loops a fixture or a loop factory provides that the plugin cannot use."""

from __future__ import annotations

from pytest_asyncio._messages._values import described


def not_a_loop(fixture: str, value: object) -> str:
    return (
        f"The fixture {fixture!r} must provide an asyncio event loop, but it "
        f"returned {described(value)}. Make it return "
        "or yield an asyncio.AbstractEventLoop, e.g. asyncio.new_event_loop()."
    )


def loop_is_closed(fixture: str) -> str:
    return (
        f"The fixture {fixture!r} provided an event loop that is already "
        "closed. Return a fresh loop, and close it only after the yield."
    )


def loop_closed_by_user(fixture: str) -> str:
    return (
        f"The event loop of the fixture {fixture!r} was closed before the "
        "fixture's teardown: something called loop.close() on it (the test, "
        "a fixture, or code they call). Tasks, async generators and the "
        "executor of that loop were not cleaned up. Leave closing to the "
        f"fixture {fixture!r}."
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
