"""kvstore: a tiny asyncio key-value server and its client.

The example application of this repository's plugin: ``examples/tests/``
tests it the way a real project would, using every feature the plugin offers.
"""

from kvstore.client import KVClient, KVError
from kvstore.context import namespace
from kvstore.health import HealthProbe, serve_health
from kvstore.server import KVServer
from kvstore.store import Store

__all__ = [
    "HealthProbe",
    "KVClient",
    "KVError",
    "KVServer",
    "Store",
    "namespace",
    "serve_health",
]
