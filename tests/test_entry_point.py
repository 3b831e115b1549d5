"""Installing the package is enough: pytest finds the plugin by its entry point."""

from __future__ import annotations

import importlib
from importlib import metadata

import pytest


def test_the_distribution_declares_the_pytest11_entry_point() -> None:
    entry_points = metadata.distribution("pytest-asyncio").entry_points
    plugins = {ep.name: ep.value for ep in entry_points if ep.group == "pytest11"}
    assert plugins == {"asyncio": "pytest_asyncio.plugin"}


def test_the_plugin_module_imports_directly() -> None:
    """Real suites write ``import pytest_asyncio.plugin`` (or list it in pytest_plugins)."""
    plugin = importlib.import_module("pytest_asyncio.plugin")
    assert callable(plugin.pytest_configure)
    assert callable(plugin.pytest_addoption)


def test_pytest_loads_the_plugin_without_being_told(pytester: pytest.Pytester) -> None:
    """A fresh interpreter, no ``-p``, no conftest: the marker and fixtures exist."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_runs(event_loop):
            assert asyncio.get_running_loop() is event_loop

        def test_registered(pytestconfig):
            import pytest_asyncio.plugin
            assert pytestconfig.pluginmanager.get_plugin("asyncio") is pytest_asyncio.plugin
        """
    )
    # Other installed plugins are switched off only for speed (importing
    # hypothesis takes seconds); ours still loads by its entry point alone.
    others = ("hypothesispytest", "xdist", "xdist.looponfail", "anyio", "cacheprovider")
    switched_off = [arg for name in others for arg in ("-p", f"no:{name}")]
    result = pytester.runpytest_subprocess("-W", "error", "--strict-markers", *switched_off)
    result.assert_outcomes(passed=2)


def test_markers_are_listed_for_strict_markers(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.asyncio(loop_scope=None, timeout=None, loop_factories=None, "
            "clock=None, diagnostics=None, blocked_threshold=None): *event_loop*",
            "@pytest.mark.asyncio_process_pool(loop_scope=None, timeout=None, "
            "loop_factories=None, clock=None, diagnostics=None, "
            "blocked_threshold=None): *process pool*",
        ]
    )
