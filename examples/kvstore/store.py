"""The in-memory store behind the server: plain synchronous code."""

from __future__ import annotations

from collections.abc import Iterator


class Store:
    """A mapping of text keys to text values that counts its operations.

    The counters let the health endpoint report activity without touching
    the data itself.
    """

    def __init__(self) -> None:
        self._data: dict[str, str] = {}
        self.reads = 0
        self.writes = 0

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._data))

    def get(self, key: str) -> str | None:
        """:returns: the value stored under ``key``, or ``None``."""
        self.reads += 1
        return self._data.get(key)

    def set(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing what was there."""
        self.writes += 1
        self._data[key] = value

    def delete(self, key: str) -> bool:
        """:returns: whether ``key`` existed."""
        self.writes += 1
        return self._data.pop(key, None) is not None

    def snapshot(self) -> list[tuple[str, str]]:
        """Every pair, sorted by key: a stable input for :mod:`kvstore.digest`."""
        return sorted(self._data.items())
