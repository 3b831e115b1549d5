"""Loops a fixture or a loop factory provides that the plugin cannot use."""

from __future__ import annotations

from pytest_asyncio._messages._values import described
from pytest_asyncio.loops.scopes import shared_loop_parts


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
    if node is None:
        return f"the {marker} {'process-pool loop' if base.endswith('process_pool') else 'loop'}"
    loop = "the process-pool loop" if base.endswith("process_pool") else "the loop"
    if scope == "session":
        return f"{loop} shared by all tests of the session ({marker})"
    if not node:  # a package loop of tests outside any package lives with the session
        return f"{loop} shared by the tests outside any package ({marker})"
    kind = {"class": "class ", "package": "package "}.get(scope, "")
    return f"{loop} shared by the tests of {kind}{node} ({marker})"


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
