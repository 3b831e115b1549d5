"""Per-task state: the namespace a client writes its keys under.

A ``ContextVar`` rather than a client attribute, so that code deep in a call
chain (or a test fixture) can pick the tenant without passing it around.
"""

from __future__ import annotations

from contextvars import ContextVar

#: The key prefix the client uses for the current task; "" for none.
namespace: ContextVar[str] = ContextVar("kvstore_namespace", default="")


def qualify(key: str) -> str:
    """Prefix ``key`` with the current namespace, if any."""
    prefix = namespace.get()
    return f"{prefix}:{key}" if prefix else key
