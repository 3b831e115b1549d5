"""The client library: what applications import to talk to a :class:`KVServer`."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

from typing_extensions import Self

from kvstore.context import qualify
from kvstore.protocol import MISSING, OK, escape, unescape


class KVError(Exception):
    """The server rejected a request."""


class KVClient:
    """One connection to a server. Requests on it are answered in order.

    Keys are qualified with :data:`kvstore.context.namespace` of the task that
    sends the request.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, host: str, port: int) -> Self:
        """Open a connection to the server at ``host:port``."""
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def close(self) -> None:
        """Hang up and wait for the socket to close."""
        self._writer.close()
        with contextlib.suppress(ConnectionError):  # the server hung up first
            await self._writer.wait_closed()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def get(self, key: str) -> str | None:
        """:returns: the value under ``key``, or ``None`` if there is none."""
        answer = await self.request(f"GET {qualify(key)}")
        if answer == MISSING:
            return None
        return unescape(answer.removeprefix("VALUE "))

    async def set(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``."""
        await self.request(f"SET {qualify(key)} {escape(value)}")

    async def delete(self, key: str) -> bool:
        """:returns: whether ``key`` existed."""
        return await self.request(f"DEL {qualify(key)}") == OK

    async def keys(self, prefix: str = "") -> list[str]:
        """:returns: the stored keys starting with ``prefix``, sorted."""
        answer = await self.request(f"KEYS {qualify(prefix)}")
        return answer.removeprefix("KEYS").split()

    async def request(self, line: str) -> str:
        """Send one raw protocol line and wait for the server's answer.

        :returns: the answer line, without its newline.
        :raises KVError: if the server answers with an error.
        """
        async with self._lock:
            self._writer.write(line.encode() + b"\n")
            await self._writer.drain()
            answer = (await self._reader.readline()).decode().rstrip("\n")
        if not answer:
            raise ConnectionError("the server closed the connection")
        if answer.startswith("ERROR"):
            raise KVError(answer)
        return answer
