"""The pytest plugin: options, the default fixtures, and the plugin object.

pytest loads this module through the ``pytest11`` entry point ``asyncio``.
At configure time it makes the plugin object
(:class:`~pytest_asyncio.AsyncioPlugin`, or the subclass a suite names as
``pytest_asyncio_plugin_class``) and registers the default fixtures that
object's classes make; users override them the plain pytest way.
"""

from __future__ import annotations

import socket
import types

import pytest

from pytest_asyncio import _compat

# What the plugin uses, past pytest's rewriting hooks (see _compat.outside_rewriting).
with _compat.outside_rewriting():
    from pytest_asyncio import _messages, hookspecs
    from pytest_asyncio._options import add_options
    from pytest_asyncio.asyncio_plugin import AsyncioPlugin, named_plugin_class
    from pytest_asyncio.clock_switch import VirtualClockFixture
    from pytest_asyncio.items import is_async_test
    from pytest_asyncio.loops.fixture import FACTORY_FIXTURE, LoopFixture, event_loop_policy
    from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture
    from pytest_asyncio.loops.scoped import scoped_loops

__all__ = [
    "_unused_port",  # suites written for pytest-asyncio 0.21 to 1.x patch it
    "event_loop_policy",
    "is_async_test",
    "no_loop_factory",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_configure",
    "virtual_clock",
]

virtual_clock = VirtualClockFixture.fixture()


#: The plugin's fixtures made by the plugin object's classes, for pytest to collect.
FIXTURES_PLUGIN_NAME = "asyncio-fixtures"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    plugin = plugin_class(config)(config)
    plugin.register()
    config.pluginmanager.register(default_fixtures(plugin), FIXTURES_PLUGIN_NAME)


def plugin_class(config: pytest.Config) -> type[AsyncioPlugin]:
    """The plugin class for the session: :class:`AsyncioPlugin`, or the subclass
    a conftest or ``-p`` plugin registered so far names.

    :raises pytest.UsageError: for a value that is not a subclass, or two
        different classes.
    """
    named: list[object] = []
    for plugin in config.pluginmanager.get_plugins():
        value = named_plugin_class(plugin)
        if value is not None and value not in named:
            named.append(value)
    if not named:
        return AsyncioPlugin
    if len(named) > 1:
        raise pytest.UsageError(_messages.two_plugin_classes(named))
    chosen = named[0]
    if not (isinstance(chosen, type) and issubclass(chosen, AsyncioPlugin)):
        raise pytest.UsageError(_messages.not_a_plugin_class(named[0]))
    chosen.check()
    return chosen


def default_fixtures(plugin: AsyncioPlugin) -> types.ModuleType:
    """A module object holding the fixtures ``plugin``'s classes make, for pytest to collect.

    The loop fixtures keep their names whatever the classes' ``name``: the
    markers and the scoped loops find them by these names.
    """
    holder = types.ModuleType(__name__)
    fixtures = holder.__dict__
    fixtures[LoopFixture.name] = plugin.loop_class.fixture(LoopFixture.name)
    process_pool = ProcessPoolLoopFixture.name
    fixtures[process_pool] = plugin.process_pool_class.fixture(process_pool)
    for port in plugin.port_classes:
        fixtures[port.name] = port.fixture()
    for name, (provider, scope) in scoped_loops().items():
        fixtures[name] = provider.fixture(name=name, scope=scope)
    return holder


def _unused_port(socket_type: socket.SocketKind) -> int:
    """A free port on 127.0.0.1; the port fixtures call it, suites may patch it (as in 1.x)."""
    from pytest_asyncio.fixtures.free_ports import HOST, bind_free_port  # with the first port

    return bind_free_port(HOST, socket_type)


@pytest.fixture(scope="session", name=FACTORY_FIXTURE)
def no_loop_factory() -> None:
    """No loop factory: what loop fixtures get unless the test is parametrized."""
    return None
