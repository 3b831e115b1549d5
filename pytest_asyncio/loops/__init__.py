"""The event loop's home: which loop runs what, how loops are made and closed.

Read ``docs/architecture.rst`` for the map.
"""
