"""Snapshot digests computed in a process pool, off the event loop."""

from __future__ import annotations

import asyncio
import os

import pytest

from kvstore import Store
from kvstore.digest import snapshot_digest, worker_pid


@pytest.mark.asyncio_process_pool
async def test_digest_is_computed_in_another_process() -> None:
    store = Store()
    for number in range(100):
        store.set(f"key{number}", f"value{number}")
    snapshot = store.snapshot()
    loop = asyncio.get_running_loop()
    pid, digest = await asyncio.gather(
        loop.run_in_executor(None, worker_pid),
        loop.run_in_executor(None, snapshot_digest, snapshot, 20_000),
    )
    assert pid != os.getpid()
    assert digest == snapshot_digest(snapshot, 20_000)


@pytest.mark.asyncio_process_pool
async def test_the_loop_is_the_process_pool_fixture(
    event_loop_process_pool: asyncio.AbstractEventLoop,
) -> None:
    assert asyncio.get_running_loop() is event_loop_process_pool
    empty = Store().snapshot()
    digest = await event_loop_process_pool.run_in_executor(None, snapshot_digest, empty, 10)
    assert digest == snapshot_digest(empty, 10)
