"""The event loop's home: which loop runs what, how loops are made and closed.

Read ``docs/architecture.rst`` for the map. This file imports nothing, so
that :mod:`pytest_asyncio.loops.scopes` stays a leaf any module may import.
"""
