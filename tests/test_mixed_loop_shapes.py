"""Loop-bound objects of every kind, and inside every shape of fixture value, are named.

When a test fails with asyncio's "attached to a different loop", the report
names each fixture holding an object bound to another loop (a future,
task, queue, lock, event, condition, semaphore, stream, transport or
server), also inside a tuple, list, dict, dataclass or an object's
attributes, with both loops' scopes and what to do.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_asyncio import _messages
from pytest_asyncio.diagnostics import loop_bound, mixed_loops

if TYPE_CHECKING:
    from conftest import RunClean

SCOPES = {"_event_loop_module": "module", "event_loop": "function", "wide": "module"}


def test_a_module_connection_used_by_a_function_loop_test(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        async def echo(reader, writer):
            writer.write(await reader.readline())
            await writer.drain()
            writer.close()

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def connection():
            server = await asyncio.start_server(echo, "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            yield reader, writer
            writer.close()
            await writer.wait_closed()
            server.close()
            await server.wait_closed()

        @pytest.mark.asyncio
        async def test_talks(connection):
            reader, writer = connection
            writer.write(b"hello\\n")
            await writer.drain()
            assert await reader.readline() == b"hello\\n"

        @pytest.mark.asyncio(loop_scope="module")
        async def test_talks_on_the_fixtures_loop(connection):
            reader, writer = connection
            writer.write(b"hello\\n")
            await writer.drain()
            assert await reader.readline() == b"hello\\n"
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1, passed=1)
    module_loop = 'the loop_scope="module" loop (*)'
    test_loop = "the function-scoped loop of fixture 'event_loop' (*)"
    result.stdout.fnmatch_lines(
        [
            "E  *attached to a different loop",
            f"*{_messages.mixed_loops_title()}*",
            _literal_brackets(
                _messages.fixture_on_other_loop(
                    "connection", "a StreamReader", module_loop, test_loop, "[0]"
                )
            ),
            _literal_brackets(
                _messages.fixture_on_other_loop(
                    "connection", "a StreamWriter", module_loop, test_loop, "[1]"
                )
            ),
            _messages.mixed_loops_advice("connection", "module", "module", "function", False),
            _messages.mixed_loops_hint(),
        ]
    )
    assert "@pytest.mark.asyncio(loop_scope='module')" in result.stdout.str()


def test_a_dataclass_holding_a_queue(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import dataclasses
        import pytest
        import pytest_asyncio

        @dataclasses.dataclass
        class Service:
            name: str
            inbox: asyncio.Queue

        @pytest_asyncio.fixture(loop_scope="module")
        async def service():
            inbox = asyncio.Queue()
            waiter = asyncio.ensure_future(inbox.get())  # waiting binds it to this loop
            await asyncio.sleep(0)
            waiter.cancel()
            return Service("svc", inbox)

        @pytest.mark.asyncio
        async def test_reads_the_inbox(service):
            await asyncio.wait_for(service.inbox.get(), 1)
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E  *is bound to a different event loop",
            "fixture 'service', at .inbox (a Queue) is bound to the loop_scope=*module* loop "
            "(*), but the test runs on the function-scoped loop*",
            # a function-scoped fixture can move to the test's loop
            _messages.mixed_loops_advice("service", "function", "module", "function", True),
        ]
    )


@pytest.fixture
def loops() -> Iterator[tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]]:
    wide, test = asyncio.new_event_loop(), asyncio.new_event_loop()
    yield wide, test
    for loop in (wide, test):
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


async def _bound_primitives() -> dict[str, object]:
    """asyncio's primitives, each bound to the running loop by a waiter."""
    lock, event, condition = asyncio.Lock(), asyncio.Event(), asyncio.Condition()
    semaphore, queue = asyncio.Semaphore(0), asyncio.Queue[int]()
    await lock.acquire()
    waiters: list[asyncio.Future[Any]] = [
        asyncio.ensure_future(lock.acquire()),
        asyncio.ensure_future(event.wait()),
        asyncio.ensure_future(semaphore.acquire()),
        asyncio.ensure_future(queue.get()),
    ]

    async def wait_for_notice() -> None:
        async with condition:
            await condition.wait()

    waiters.append(asyncio.ensure_future(wait_for_notice()))
    await asyncio.sleep(0)
    for waiter in waiters:
        waiter.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    lock.release()
    task = asyncio.ensure_future(asyncio.sleep(0))
    await task
    return {
        "lock": lock,
        "event": event,
        "condition": condition,
        "semaphore": semaphore,
        "queue": queue,
        "task": task,
        "future": asyncio.get_running_loop().create_future(),
    }


def test_every_kind_of_loop_bound_object_is_found(
    loops: tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop],
) -> None:
    wide, test = loops
    objects = wide.run_until_complete(_bound_primitives())
    for name, value in objects.items():
        assert loop_bound.loop_of(value) is wide, name
    lines = mixed_loops.explain({"wide": objects}, test, _names(wide, test), SCOPES.get)
    for name, value in objects.items():
        kind = f"a {type(value).__name__}"
        assert any(f"at [{name!r}] ({kind}) is bound" in line for line in lines), (name, lines)


def test_streams_transports_and_servers_are_found(
    loops: tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop],
) -> None:
    wide, _test = loops

    async def connect() -> tuple[asyncio.Server, asyncio.StreamReader, asyncio.StreamWriter]:
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return server, reader, writer

    server, reader, writer = wide.run_until_complete(connect())
    try:
        for value in (server, reader, writer, writer.transport):
            assert loop_bound.loop_of(value) is wide
        paths = [path for path, _, _ in loop_bound.find_bound([server, {"io": (reader, writer)}])]
        assert paths == ["[0]", "[1]['io'][0]", "[1]['io'][1]"]
    finally:

        async def close() -> None:
            writer.close()
            server.close()
            await server.wait_closed()

        wide.run_until_complete(close())


@dataclasses.dataclass(frozen=True)
class _Slots:
    __slots__ = ("future",)
    future: asyncio.Future[None]


class _Client:
    def __init__(self, future: asyncio.Future[None]) -> None:
        self._transport = {"future": future}


def test_every_shape_of_container_is_searched(
    loops: tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop],
) -> None:
    wide, _test = loops
    future = wide.create_future()
    shapes: dict[str, object] = {
        "": future,
        "[0]": (future,),
        "[1]": [None, future],
        "['key']": {"key": future},
        "[…]": frozenset({future}),
        ".future": _Slots(future),
        "._transport['future']": _Client(future),
        ".client._transport['future']": type("Holder", (), {})(),
    }
    shapes[".client._transport['future']"].client = _Client(future)  # type: ignore[attr-defined]
    for path, shape in shapes.items():
        assert loop_bound.find_bound(shape) == [(path, future, wide)], path


def test_the_search_is_bounded_and_survives_cycles(
    loops: tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop],
) -> None:
    wide, _test = loops
    future = wide.create_future()
    deep: object = future
    for _ in range(loop_bound.MAX_DEPTH + 1):
        deep = [deep]
    assert loop_bound.find_bound(deep) == []
    wide_list = [None] * loop_bound.MAX_ENTRIES + [future]
    assert loop_bound.find_bound(wide_list) == []
    cycle: list[object] = []
    cycle.append(cycle)
    cycle.append(future)
    assert loop_bound.find_bound(cycle) == [("[1]", future, wide)]

    class Exploding:
        @property
        def __dict__(self) -> dict[str, object]:  # type: ignore[override]
            raise RuntimeError("boom")

    assert loop_bound.find_bound([Exploding(), future]) == [("[1]", future, wide)]


def test_an_unbound_primitive_and_a_mock_are_not_bound() -> None:
    from unittest import mock

    assert loop_bound.loop_of(asyncio.Event()) is None
    assert loop_bound.loop_of(mock.MagicMock()) is None
    assert loop_bound.find_bound({"m": mock.MagicMock()}) == []


def _names(wide: asyncio.AbstractEventLoop, test: asyncio.AbstractEventLoop) -> dict[int, str]:
    return {id(wide): "_event_loop_module", id(test): "event_loop"}


def _literal_brackets(pattern: str) -> str:
    """An fnmatch pattern matching ``[`` literally (keeping its ``*`` wildcards)."""
    return pattern.replace("[", "[[]")
