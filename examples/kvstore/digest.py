"""Snapshot digests: CPU-bound work that servers push to a process pool.

Module-level functions only, so ``ProcessPoolExecutor`` workers can import them.
"""

from __future__ import annotations

import hashlib
import os


def snapshot_digest(pairs: list[tuple[str, str]], rounds: int = 2_000) -> str:
    """A slow, stretched hash of a store snapshot (think: replica consistency checks).

    :param rounds: how many times the digest is re-hashed; the CPU cost.
    :returns: a hex digest that only depends on ``pairs`` and ``rounds``.
    """
    digest = hashlib.sha256()
    for key, value in pairs:
        digest.update(f"{len(key)}:{key}{len(value)}:{value}".encode())
    result = digest.digest()
    for _ in range(rounds):
        result = hashlib.sha256(result).digest()
    return result.hex()


def worker_pid() -> int:
    """The id of the process running this call; tells a pool worker from its parent."""
    return os.getpid()
