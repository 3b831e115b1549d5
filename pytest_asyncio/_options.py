"""The plugin's command-line options and ini keys, as pytest's ``--help`` lists them.

``_settings`` reads and checks their values.
"""

from __future__ import annotations

import pytest


def add_options(parser: pytest.Parser) -> None:
    """Declare the command-line options and ini keys."""
    _add_command_line_options(parser.getgroup("asyncio"))
    _add_ini_keys(parser)


def _add_command_line_options(group: pytest.OptionGroup) -> None:
    group.addoption(
        "--asyncio-mode",
        dest="asyncio_mode",
        default=None,
        metavar="MODE",
        help="'auto': run every async def test and fixture; 'strict': only marked "
        "tests and @pytest_asyncio.fixture fixtures. Overrides the ini value.",
    )
    group.addoption(
        "--asyncio-debug",
        dest="asyncio_debug",
        action="store_true",
        default=None,
        help="Run every event loop in asyncio debug mode.",
    )
    group.addoption(
        "--asyncio-timeout",
        dest="asyncio_timeout",
        default=None,
        metavar="SECONDS",
        help="Fail any async test (and its async fixtures) running longer than this.",
    )
    group.addoption(
        "--asyncio-clock",
        dest="asyncio_clock",
        default=None,
        metavar="CLOCK",
        help="'virtual': async tests wait for timers in no time; 'real' (default).",
    )
    group.addoption(
        "--asyncio-diagnostics",
        dest="asyncio_diagnostics",
        default=None,
        metavar="SEVERITY",
        help="What leaked tasks, loops and child processes, exceptions the loop "
        "swallowed do: 'report' (default: listed in the summary), 'warn', 'error' "
        "(the test fails) or 'off' (not checked). Overrides the ini value.",
    )
    group.addoption(
        "--asyncio-blocked-threshold",
        dest="asyncio_blocked_threshold",
        default=None,
        metavar="SECONDS",
        help="Real seconds one step of the loop may run before the diagnostics report "
        "that it blocked the loop (default 0.1; 0: not checked). Overrides the ini value.",
    )


def _add_ini_keys(parser: pytest.Parser) -> None:
    parser.addini("asyncio_clock", "Clock of async tests: real (default) or virtual.")
    parser.addini(
        "asyncio_clock_threshold",
        "Real seconds a virtual-clock loop looks for I/O before jumping (default 0.01).",
    )
    parser.addini("asyncio_mode", "Default mode: auto or strict (unset: marker needed).")
    parser.addini("asyncio_debug", "Run event loops in debug mode.", type="bool", default=False)
    parser.addini("asyncio_timeout", "Default timeout for async tests, in seconds.")
    parser.addini(
        "asyncio_default_fixture_loop_scope",
        "Default loop scope of async fixtures (default: the fixture's own scope).",
    )
    parser.addini(
        "asyncio_default_test_loop_scope",
        "Default loop scope of async tests (default: the event_loop fixture).",
    )
    parser.addini(
        "asyncio_diagnostics",
        "Severity of the plugin's diagnostics: report (default), warn, error or off.",
    )
    parser.addini(
        "asyncio_blocked_threshold",
        "Real seconds one step of the loop may run before it is reported (default 0.1).",
    )
