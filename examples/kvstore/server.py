"""The TCP server: one task per connection, all sharing one :class:`Store`."""

from __future__ import annotations

import asyncio
from types import TracebackType

from typing_extensions import Self

from kvstore.protocol import execute
from kvstore.store import Store


class KVServer:
    """Serves a :class:`Store` over TCP on ``host:port``.

    Use it as an async context manager, or call :meth:`start` and
    :meth:`close` yourself.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, store: Store | None = None):
        self.host = host
        self.port = port
        self.store = store if store is not None else Store()
        self._server: asyncio.Server | None = None
        #: The loop the server runs on, once started.
        self.loop: asyncio.AbstractEventLoop | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def connections(self) -> int:
        """How many clients are connected right now."""
        return len(self._writers)

    async def start(self) -> Self:
        """Bind and start accepting; with port 0 the OS picks :attr:`port`."""
        self.loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        """Stop accepting, hang up on every client, and wait until all is closed."""
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while line := await reader.readline():
                response = execute(self.store, line.decode().rstrip("\r\n"))
                writer.write(response.encode() + b"\n")
                await writer.drain()
        except ConnectionError:
            pass  # the client went away mid-request; nothing to answer
        finally:
            self._writers.discard(writer)
            writer.close()
