"""The hooks the plugin offers to conftest files and other plugins.

Registered through ``pytest_addhooks`` so that pluggy checks implementations
against these signatures; as with every pytest hook, an implementation may
take any subset of the arguments (``def pytest_asyncio_loop_factories():``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import pytest

#: Makes a new, open event loop; e.g. ``asyncio.new_event_loop`` or ``uvloop.new_event_loop``.
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


@pytest.hookspec(firstresult=True)
def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, LoopFactory] | None:
    """The event loop factories to run an async test with, by name.

    Called once per async test at collection time. Each test the plugin runs
    is parametrized once per factory, with the names as test ids (hidden when
    there is only one); the test's loop, and the loops of its async fixtures,
    come from the factory. The loop scope still decides how long a loop lives.

    :param config: the pytest config.
    :param item: the test being collected (its definition: markers and
        fixture names are known, parameters are not yet).
    :returns: a non-empty mapping of non-empty names to factories, or
        ``None`` to let the next implementation decide (the plugin's own
        loops when no implementation returns a mapping).
    """


def is_implemented(config: pytest.Config) -> bool:
    """Whether any plugin or conftest implements ``pytest_asyncio_loop_factories``
    (the common case: none; ``pytest_asyncio.loop_factories`` is then never loaded)."""
    return bool(config.hook.pytest_asyncio_loop_factories.get_hookimpls())
