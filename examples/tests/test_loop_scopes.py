"""A module with a loop of its own: its server and tests share one module-scoped loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from pytest_asyncio import PortFactory

from kvstore import KVClient, KVServer

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_server(unused_tcp_port_factory: PortFactory) -> AsyncIterator[KVServer]:
    async with KVServer(port=unused_tcp_port_factory()) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def module_client(module_server: KVServer) -> AsyncIterator[KVClient]:
    """Function-scoped, but on the module's loop, where its server lives."""
    async with await KVClient.connect(module_server.host, module_server.port) as connected:
        yield connected


async def test_the_server_runs_on_this_tests_loop(module_server: KVServer) -> None:
    assert module_server.loop is asyncio.get_running_loop()


async def test_a_function_scoped_client_shares_it(
    module_client: KVClient, module_server: KVServer
) -> None:
    await module_client.set("counter", "1")
    assert await module_client.get("counter") == "1"
    assert module_server.store.get("counter") == "1"


async def test_this_is_not_the_session_loop(event_loop: asyncio.AbstractEventLoop) -> None:
    assert asyncio.get_running_loop() is not event_loop
