"""Property tests: whatever text goes in comes back out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvstore import KVClient, KVServer

keys = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=20)
values = st.text(max_size=200)


@pytest.mark.asyncio
@settings(max_examples=50, deadline=None)
@given(key=keys, value=values)
async def test_any_text_round_trips(server: KVServer, key: str, value: str) -> None:
    async with await KVClient.connect(server.host, server.port) as connected:
        await connected.set(f"prop:{key}", value)
        assert await connected.get(f"prop:{key}") == value
