"""Fixtures shared by the kvstore tests.

The whole session runs on one event loop (uvloop where installed, as in
production), so the session-wide server below can live on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from pytest_asyncio import LoopFixture, PortFactory

from kvstore import KVClient, KVServer, namespace

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # the async_generator package ships no type hints; these are its shapes

    def async_generator(function: F) -> F: ...

    async def yield_(value: object) -> None: ...

else:
    from async_generator import async_generator, yield_


def _uvloop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # e.g. on Windows: fall back to asyncio's own loop
        return None
    return uvloop.new_event_loop


class KVLoop(LoopFixture):
    """One loop for the session; the plugin closes it at the end."""

    scope = "session"

    def new_loop(self) -> asyncio.AbstractEventLoop:
        factory = _uvloop_factory()
        return factory() if factory is not None else asyncio.new_event_loop()


# Overrides the plugin's function-scoped event_loop for every test below.
event_loop = KVLoop.fixture()


@pytest.fixture(scope="session")
async def server(unused_tcp_port_factory: PortFactory) -> AsyncIterator[KVServer]:
    """One server for the session, on a port nobody else uses."""
    async with KVServer(port=unused_tcp_port_factory()) as running:
        yield running


@pytest.fixture
async def client(server: KVServer) -> AsyncIterator[KVClient]:
    """A fresh connection per test, closed afterwards."""
    async with await KVClient.connect(server.host, server.port) as connected:
        yield connected


@pytest.fixture
async def tenant() -> str:
    """Switch the client to a tenant's namespace for one test (a context variable)."""
    name = "tenant-a"
    namespace.set(name)
    return name


@pytest.fixture
@async_generator
async def seeded(client: KVClient) -> None:
    """Three fruit keys, written before the test and removed after it.

    Written with the async_generator package, as suites from Python 3.5 days were.
    """
    fruit = {"fruit:apple": "red", "fruit:banana": "yellow", "fruit:cherry": "dark red"}
    for key, value in fruit.items():
        await client.set(key, value)
    await yield_(fruit)
    for key in fruit:
        await client.delete(key)
