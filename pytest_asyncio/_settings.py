"""The plugin's options: declared once, read once per session, validated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import pytest

from pytest_asyncio import _messages
from pytest_asyncio.fixtures.base import ScopeName

Mode = Literal["auto", "strict", "unset"]

SCOPE_ORDER: dict[str, int] = {scope: rank for rank, scope in enumerate(_messages.VALID_SCOPES)}


def add_options(parser: pytest.Parser) -> None:
    """Declare the command-line options and ini keys."""
    group = parser.getgroup("asyncio")
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


@dataclass(frozen=True)
class Settings:
    """Everything the plugin reads from the configuration, parsed and checked."""

    mode: Mode = "unset"
    debug: bool = False
    timeout: float | None = None
    default_fixture_loop_scope: ScopeName | None = None
    default_test_loop_scope: ScopeName | None = None

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        """Read and validate every option; raise ``pytest.UsageError`` on a bad one."""
        option = config.option
        cli_debug = getattr(option, "asyncio_debug", None)
        return cls(
            mode=parse_mode(getattr(option, "asyncio_mode", None) or config.getini("asyncio_mode")),
            debug=bool(cli_debug) or bool(config.getini("asyncio_debug")),
            timeout=_timeout(config),
            default_fixture_loop_scope=_default_fixture_loop_scope(config),
            default_test_loop_scope=parse_scope(
                "asyncio_default_test_loop_scope",
                config.getini("asyncio_default_test_loop_scope"),
            ),
        )


#: pytest-asyncio 1.x's spelling of "each fixture's own scope" (the default here).
FIXTURE_SCOPE = "fixture-scope"


def _default_fixture_loop_scope(config: pytest.Config) -> ScopeName | None:
    value = config.getini("asyncio_default_fixture_loop_scope")
    if isinstance(value, str) and value.strip() == FIXTURE_SCOPE:
        return None
    return parse_scope("asyncio_default_fixture_loop_scope", value)


def _timeout(config: pytest.Config) -> float | None:
    """The command line beats the ini file, even with 0 (no limit)."""
    given = getattr(config.option, "asyncio_timeout", None)
    if given is not None:
        return parse_timeout("--asyncio-timeout", given)
    return parse_timeout("asyncio_timeout", config.getini("asyncio_timeout"))


def parse_mode(value: object) -> Mode:
    """Turn the configured mode into ``auto``, ``strict`` or ``unset``."""
    text = str(value or "").strip()
    if not text:
        return "unset"
    if text not in _messages.VALID_MODES:
        raise pytest.UsageError(_messages.invalid_mode(text))
    return cast(Mode, text)


def parse_scope(option: str, value: object) -> ScopeName | None:
    """Check a loop scope; empty means "not given"."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text not in SCOPE_ORDER:
        raise pytest.UsageError(_messages.invalid_scope(option, text))
    return cast(ScopeName, text)


def parse_timeout(option: str, value: object) -> float | None:
    """Seconds as a positive float; ``None`` for unset or 0."""
    if value is None or value == "":
        return None
    try:
        seconds = float(cast(str, value))
    except (TypeError, ValueError):
        raise pytest.UsageError(_messages.invalid_timeout(option, value)) from None
    if seconds < 0:
        raise pytest.UsageError(_messages.invalid_timeout(option, value))
    return seconds or None


def is_narrower(scope: str, than: str) -> bool:
    """Whether ``scope`` ends before ``than`` does."""
    return SCOPE_ORDER[scope] < SCOPE_ORDER[than]
