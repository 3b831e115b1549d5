"""The client against the session's server; every coroutine test here is marked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kvstore import KVClient, KVError, KVServer, namespace

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
async def admin(server: KVServer) -> AsyncIterator[KVClient]:
    """One connection kept open for the whole module (it runs on the session loop)."""
    async with await KVClient.connect(server.host, server.port) as connected:
        yield connected


async def test_set_then_get(client: KVClient) -> None:
    await client.set("client:greeting", "hello world")
    assert await client.get("client:greeting") == "hello world"


async def test_missing_key_is_none(client: KVClient) -> None:
    assert await client.get("client:never-written") is None


async def test_delete_reports_whether_the_key_existed(client: KVClient) -> None:
    await client.set("client:doomed", "x")
    assert await client.delete("client:doomed")
    assert not await client.delete("client:doomed")


async def test_values_may_span_lines(client: KVClient) -> None:
    await client.set("client:poem", "roses are red\nviolets are blue")
    assert await client.get("client:poem") == "roses are red\nviolets are blue"


async def test_writes_are_visible_to_other_connections(client: KVClient, admin: KVClient) -> None:
    await client.set("client:shared", "from client")
    assert await admin.get("client:shared") == "from client"


async def test_seeded_keys_are_listed(client: KVClient, seeded: dict[str, str]) -> None:
    assert await client.keys("fruit:") == sorted(seeded)


async def test_tenant_namespace_comes_from_the_fixture(
    client: KVClient, tenant: str, server: KVServer
) -> None:
    assert namespace.get() == tenant
    await client.set("plan", "gold")
    assert server.store.get(f"{tenant}:plan") == "gold"
    assert await client.keys() == [f"{tenant}:plan"]


async def test_namespace_is_reset_after_the_tenant_test() -> None:
    assert namespace.get() == ""


async def test_bad_requests_raise(client: KVClient) -> None:
    with pytest.raises(KVError):
        await client.request("FROB everything")


@pytest.mark.asyncio(timeout=5)
async def test_many_clients_at_once(server: KVServer) -> None:
    """A hang here (a lost wake-up in the server) fails after 5 s, not 30."""

    async def one_client(number: int) -> str | None:
        async with await KVClient.connect(server.host, server.port) as own:
            await own.set(f"client:many:{number}", str(number))
            return await own.get(f"client:many:{number}")

    results = await asyncio.gather(*(one_client(n) for n in range(20)))
    assert results == [str(n) for n in range(20)]


def test_sync_tests_beside_marked_ones_run_as_usual() -> None:
    assert KVClient.__name__ == "KVClient"
