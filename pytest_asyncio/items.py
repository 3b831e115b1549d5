"""What the plugin knows about one collected item, and the question hooks may ask.

Kept apart from the plugin module so that ``import pytest_asyncio`` loads
the public API only: pytest loads the plugin itself through its entry point.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol, final

import pytest

if TYPE_CHECKING:
    from pytest_asyncio._asyncio_compat import CurrentLoop
    from pytest_asyncio.loops.choose import FixturePlan
    from pytest_asyncio.loops.direct import DirectLoop, Lent
    from pytest_asyncio.markers import AsyncTest

#: The name the plugin object is registered under with pytest's plugin manager.
PLUGIN_NAME = "asyncio-plugin"


@final
class ItemState:  # not a dataclass: 4x cheaper to import
    """Everything the plugin decides about one test, in one place: ``item.stash[STATE]``.

    Made at collection for every test function; the last attribute is
    filled while the test runs.
    """

    __slots__ = (
        "direct",
        "fixture_loops",
        "item",
        "lent",
        "marked_sync",
        "saved_loop",
        "test",
    )

    def __init__(
        self,
        item: pytest.Item,
        test: AsyncTest | None = None,
        marked_sync: str | None = None,
        direct: DirectLoop | None = None,
    ) -> None:
        self.item = item
        #: What the plugin decided about an async test; ``None`` for one it does not run.
        self.test = test
        #: A sync test carrying one of the plugin's markers itself: the marker's name.
        self.marked_sync = marked_sync
        #: How an async test gets its loop without pytest's fixture machinery, if it can.
        self.direct = direct
        #: The loop of each of its async fixtures, planned at collection for an
        #: async test (shared with the tests of the same fixture closure);
        #: ``None`` until planned (a sync test: as its first async fixture runs).
        self.fixture_loops: FixturePlan | None = None
        #: While the test runs: the loop made for it and handed to it directly.
        self.lent: Lent | None = None
        #: A sync test whose async fixtures made their loop current: the
        #: current loop from before, put back after its teardown.
        self.saved_loop: CurrentLoop | None = None


#: The plugin's record of a test, made at collection.
STATE: pytest.StashKey[ItemState] = pytest.StashKey()


def async_test_of(item: pytest.Item) -> AsyncTest | None:
    """What the plugin decided about ``item`` if it runs it as an async test."""
    state = item.stash.get(STATE, None)
    return state.test if state is not None else None


def loop_of_test(item: pytest.Item) -> asyncio.AbstractEventLoop | None:
    """The loop the plugin runs ``item`` on; ``None`` if it is not an async test."""
    test = async_test_of(item)
    loop = getattr(item, "funcargs", {}).get(test.loop_fixture) if test is not None else None
    return loop if isinstance(loop, asyncio.AbstractEventLoop) else None


if TYPE_CHECKING:  # for the type checker only: making a Protocol class costs every import

    class _Classifier(Protocol):
        def would_run(self, item: pytest.Item) -> bool: ...


def is_async_test(item: pytest.Item) -> bool:
    """Whether the plugin runs ``item`` as an async test (for use in hooks).

    Works in a user's own ``pytest_collection_modifyitems`` too, before the
    plugin has prepared the items; markers added there are honoured.

    :param item: a collected test item.
    :returns: ``True`` for items the plugin will run on a loop.
    """
    if async_test_of(item) is not None:
        return True
    plugin: _Classifier | None = item.config.pluginmanager.get_plugin(PLUGIN_NAME)
    return plugin is not None and plugin.would_run(item)
