"""The UDP health endpoint, bound to a free UDP port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kvstore import HealthProbe, KVClient, KVServer, serve_health


@pytest.fixture
async def probe(server: KVServer, unused_udp_port: int) -> AsyncIterator[HealthProbe]:
    transport = await serve_health(server.store, "127.0.0.1", unused_udp_port)
    try:
        yield HealthProbe("127.0.0.1", unused_udp_port)
    finally:
        transport.close()


@pytest.mark.asyncio
async def test_ping_reports_the_store_counters(probe: HealthProbe, client: KVClient) -> None:
    before = await probe.ping()
    await client.set("health:key", "value")
    after = await probe.ping()
    assert after["writes"] == before["writes"] + 1
    assert after["keys"] >= 1
