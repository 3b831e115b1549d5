"""The report header: the plugin and its version, and the settings in force.

The mode and the default fixture loop scope are always shown; every other
setting only when it is not at its default, so a default run's header stays
one short line.
"""

from __future__ import annotations

from pytest_asyncio import _messages
from pytest_asyncio._settings import Settings


def report_header(version: str, settings: Settings, plugin_class: type, default: type) -> str:
    """The line pytest prints under its own header.

    :param plugin_class: the session's plugin class; named when it is not ``default``.
    """
    changed = changed_settings(settings)
    if plugin_class is not default:
        changed.append(("plugin class", f"{plugin_class.__module__}.{plugin_class.__qualname__}"))
    scope = settings.default_fixture_loop_scope or "(fixture's scope)"
    return _messages.report_header(version, settings.mode, scope, changed)


def changed_settings(settings: Settings) -> list[tuple[str, str]]:
    """The settings not at their default, as the header names them.

    :returns: (name, value) pairs, in the order of the options' reference.
    """
    default = Settings()
    shown: list[tuple[str, str]] = []
    if settings.default_test_loop_scope != default.default_test_loop_scope:
        shown.append(("default test loop scope", str(settings.default_test_loop_scope)))
    if settings.timeout is not None:
        shown.append(("timeout", _messages.seconds(settings.timeout)))
    if settings.debug != default.debug:
        shown.append(("debug", str(settings.debug)))
    if settings.clock != default.clock:
        shown.append(("clock", settings.clock))
    if settings.clock_threshold is not None:
        shown.append(("clock threshold", _messages.seconds(settings.clock_threshold)))
    if settings.diagnostics != default.diagnostics:
        shown.append(("diagnostics", settings.diagnostics))
    return shown
