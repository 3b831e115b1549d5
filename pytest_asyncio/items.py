"""Questions a user's hook may ask about a collected item.

Kept apart from the plugin module so that ``import pytest_asyncio`` loads
the public API only: pytest loads the plugin itself through its entry point.
"""

from __future__ import annotations

from typing import Protocol

import pytest

from pytest_asyncio.markers.async_marker import AsyncTest

#: What the plugin decided about an async test, stored on the item at collection.
ASYNC_TEST = pytest.StashKey[AsyncTest]()
#: The name the plugin object is registered under with pytest's plugin manager.
PLUGIN_NAME = "asyncio-plugin"


class _Classifier(Protocol):
    def would_run(self, item: pytest.Item) -> bool: ...


def is_async_test(item: pytest.Item) -> bool:
    """Whether the plugin runs ``item`` as an async test (for use in hooks).

    Works in a user's own ``pytest_collection_modifyitems`` too, before the
    plugin has prepared the items; markers added there are honoured.

    :param item: a collected test item.
    :returns: ``True`` for items the plugin will run on a loop.
    """
    if ASYNC_TEST in item.stash:
        return True
    plugin: _Classifier | None = item.config.pluginmanager.get_plugin(PLUGIN_NAME)
    return plugin is not None and plugin.would_run(item)
