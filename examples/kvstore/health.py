"""A UDP health endpoint: load balancers send ``PING`` and get counters back."""

from __future__ import annotations

import asyncio
from typing import cast

from kvstore.store import Store


class _HealthProtocol(asyncio.DatagramProtocol):
    def __init__(self, store: Store) -> None:
        self.store = store
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's UDP transport quacks like a DatagramTransport without subclassing it.
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if self.transport is None:
            return
        if data.strip() == b"PING":
            s = self.store
            reply = f"PONG keys={len(s)} reads={s.reads} writes={s.writes}"
            self.transport.sendto(reply.encode(), addr)


async def serve_health(store: Store, host: str, port: int) -> asyncio.DatagramTransport:
    """Answer ``PING`` datagrams on ``host:port``; close the transport to stop."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _HealthProtocol(store), local_addr=(host, port)
    )
    return transport


class _ProbeProtocol(asyncio.DatagramProtocol):
    def __init__(self, answer: asyncio.Future[bytes]) -> None:
        self.answer = answer

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if not self.answer.done():
            self.answer.set_result(data)


class HealthProbe:
    """What a load balancer does: ping the endpoint and parse the counters."""

    def __init__(self, host: str, port: int, timeout: float = 2.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout

    async def ping(self) -> dict[str, int]:
        """:returns: the counters the server reported, e.g. ``{"keys": 3, ...}``."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[bytes] = loop.create_future()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _ProbeProtocol(answer), remote_addr=(self.host, self.port)
        )
        try:
            transport.sendto(b"PING")
            data = await asyncio.wait_for(answer, self.timeout)
        finally:
            transport.close()
        _, *fields = data.decode().split()
        return {name: int(value) for name, value in (f.split("=") for f in fields)}
