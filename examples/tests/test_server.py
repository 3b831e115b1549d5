"""The server's lifecycle: ports, connections, shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pytest_asyncio import PortFactory

from kvstore import KVClient, KVServer


def test_driving_the_loop_by_hand(
    event_loop: asyncio.AbstractEventLoop, unused_tcp_port: int
) -> None:
    """A sync test may run coroutines itself on the event_loop fixture."""

    async def scenario() -> str | None:
        async with KVServer(port=unused_tcp_port) as running:
            async with await KVClient.connect(running.host, unused_tcp_port) as connected:
                await connected.set("by-hand", "works")
                return await connected.get("by-hand")

    assert event_loop.run_until_complete(scenario()) == "works"


@pytest.mark.asyncio
async def test_servers_on_two_free_ports_are_independent(
    unused_tcp_port_factory: PortFactory,
) -> None:
    first_port, second_port = unused_tcp_port_factory(), unused_tcp_port_factory()
    assert first_port != second_port
    async with KVServer(port=first_port) as first, KVServer(port=second_port) as second:
        async with await KVClient.connect(first.host, first_port) as to_first:
            await to_first.set("where", "first")
        assert first.store.get("where") == "first"
        assert second.store.get("where") is None


class TestLifecycle:
    pytestmark = pytest.mark.asyncio

    @pytest.fixture
    async def own_server(self, unused_tcp_port: int) -> AsyncIterator[KVServer]:
        """A server only this test talks to (a fixture method, bound to the test's instance)."""
        async with KVServer(port=unused_tcp_port) as running:
            self.port = running.port
            yield running

    async def test_binds_the_port_it_was_given(
        self, own_server: KVServer, unused_tcp_port: int
    ) -> None:
        assert own_server.port == unused_tcp_port == self.port

    async def test_counts_connections(self, own_server: KVServer) -> None:
        async with await KVClient.connect(own_server.host, own_server.port) as connected:
            await connected.set("ping", "pong")  # one round trip: the server has seen us
            assert own_server.connections == 1
        await asyncio.sleep(0.01)
        assert own_server.connections == 0

    async def test_close_hangs_up_on_clients(self, own_server: KVServer) -> None:
        connected = await KVClient.connect(own_server.host, own_server.port)
        await connected.set("soon", "gone")
        await own_server.close()
        with pytest.raises(ConnectionError):
            await connected.get("soon")
        await connected.close()

    async def test_runs_on_the_session_loop(
        self, own_server: KVServer, event_loop: asyncio.AbstractEventLoop
    ) -> None:
        assert own_server.loop is event_loop is asyncio.get_running_loop()

    def test_default_host_is_loopback(self) -> None:
        assert KVServer().host == "127.0.0.1"
