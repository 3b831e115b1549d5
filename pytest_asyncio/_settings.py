"""The plugin's options (declared in ``_options``): read once per session, validated."""

from __future__ import annotations

import math
from typing import Literal, TypeGuard, cast

import pytest

from pytest_asyncio import _messages
from pytest_asyncio._scopes import ScopeName, is_scope

Mode = Literal["auto", "strict", "unset"]
Clock = Literal["real", "virtual"]
Severity = Literal["report", "warn", "error", "off"]

#: Real seconds one step of a loop may run before it is reported: asyncio's
#: own ``slow_callback_duration``.
DEFAULT_BLOCKED_THRESHOLD = 0.1


class Settings:  # slotted, not a NamedTuple: cheaper to import (no generated code)
    """Everything the plugin reads from the configuration, parsed and checked."""

    __slots__ = (
        "blocked_threshold",
        "clock",
        "clock_threshold",
        "debug",
        "default_fixture_loop_scope",
        "default_test_loop_scope",
        "diagnostics",
        "mode",
        "timeout",
    )

    mode: Mode
    debug: bool
    timeout: float | None
    default_fixture_loop_scope: ScopeName | None
    default_test_loop_scope: ScopeName | None
    clock: Clock
    clock_threshold: float | None
    diagnostics: Severity
    #: Real seconds one step of a loop may block it; ``None``: not checked.
    blocked_threshold: float | None

    def __init__(
        self,
        mode: Mode = "unset",
        debug: bool = False,
        timeout: float | None = None,
        default_fixture_loop_scope: ScopeName | None = None,
        default_test_loop_scope: ScopeName | None = None,
        clock: Clock = "real",
        clock_threshold: float | None = None,
        diagnostics: Severity = "report",
        blocked_threshold: float | None = DEFAULT_BLOCKED_THRESHOLD,
    ) -> None:
        self.mode = mode
        self.debug = debug
        self.timeout = timeout
        self.default_fixture_loop_scope = default_fixture_loop_scope
        self.default_test_loop_scope = default_test_loop_scope
        self.clock = clock
        self.clock_threshold = clock_threshold
        self.diagnostics = diagnostics
        self.blocked_threshold = blocked_threshold

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        """Read and validate every option; raise ``pytest.UsageError`` on a bad one."""
        option = config.option
        cli_mode = getattr(option, "asyncio_mode", None)
        return cls(
            mode=parse_mode(cli_mode, "--asyncio-mode")
            if cli_mode
            else parse_mode(config.getini("asyncio_mode")),
            debug=bool(getattr(option, "asyncio_debug", None)) or _ini_debug(config),
            timeout=parse_timeout(*_given(config, "asyncio_timeout")),
            default_fixture_loop_scope=_default_fixture_loop_scope(config),
            default_test_loop_scope=parse_scope(
                "asyncio_default_test_loop_scope",
                config.getini("asyncio_default_test_loop_scope"),
            ),
            clock=parse_clock(
                "asyncio_clock",
                getattr(option, "asyncio_clock", None) or config.getini("asyncio_clock"),
            ),
            clock_threshold=parse_threshold(config.getini("asyncio_clock_threshold")),
            diagnostics=parse_severity(*_given(config, "asyncio_diagnostics")) or "report",
            blocked_threshold=_blocked_threshold(config),
        )


#: pytest-asyncio 1.x's spelling of "each fixture's own scope" (the default here).
FIXTURE_SCOPE = "fixture-scope"


def _default_fixture_loop_scope(config: pytest.Config) -> ScopeName | None:
    value = config.getini("asyncio_default_fixture_loop_scope")
    if isinstance(value, str) and value.strip() == FIXTURE_SCOPE:
        return None
    return parse_scope("asyncio_default_fixture_loop_scope", value)


def _given(config: pytest.Config, name: str) -> tuple[str, object]:
    """The option as the user wrote it, and its value: the command line
    beats the ini file, even with 0 (no limit, not checked)."""
    given = getattr(config.option, name, None)
    if given is not None:
        return "--" + name.replace("_", "-"), given
    return name, config.getini(name)


def _blocked_threshold(config: pytest.Config) -> float | None:
    option, value = _given(config, "asyncio_blocked_threshold")
    if option == "asyncio_blocked_threshold" and (value is None or str(value).strip() == ""):
        return DEFAULT_BLOCKED_THRESHOLD  # not set in the ini file
    return parse_blocked_threshold(option, value)


def parse_blocked_threshold(option: str, value: object) -> float | None:
    """Real seconds, more than 0; ``None`` for 0 (the check is off)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        seconds = float(cast(str, value))
    except (TypeError, ValueError):
        seconds = -1.0
    if not (seconds >= 0 and math.isfinite(seconds)):  # also refuses nan
        raise pytest.UsageError(_messages.invalid_blocked_threshold(option, value))
    return seconds or None


def parse_severity(option: str, value: object) -> Severity | None:
    """Check a diagnostics severity; empty means "not given"."""
    text = str(value or "").strip()
    if not text:
        return None
    if not _is_severity(text):
        raise pytest.UsageError(_messages.invalid_severity(option, value))
    return text


def _is_severity(text: str) -> TypeGuard[Severity]:
    return text in _messages.SEVERITIES


def _ini_debug(config: pytest.Config) -> bool:
    """pytest parses the bool; its error would not name the option.

    pytest 8 raises ValueError (TypeError for a non-bool in native TOML),
    pytest 9.1+ a UsageError with the same words.
    """
    try:
        return bool(config.getini("asyncio_debug"))
    except (TypeError, ValueError, pytest.UsageError) as exc:
        raise pytest.UsageError(_messages.invalid_debug(str(exc))) from None


def parse_mode(value: object, option: str = "asyncio_mode") -> Mode:
    """Turn the configured mode into ``auto``, ``strict`` or ``unset``.

    :param option: the option as the user wrote it, for the error message.
    """
    text = str(value or "").strip()
    if not text:
        return "unset"
    if not _is_mode(text):
        raise pytest.UsageError(_messages.invalid_mode(text, option))
    return text


def _is_mode(text: str) -> TypeGuard[Mode]:
    return text in _messages.VALID_MODES


def parse_scope(option: str, value: object) -> ScopeName | None:
    """Check a loop scope; empty means "not given"."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if not is_scope(text):
        raise pytest.UsageError(_messages.invalid_scope(option, text))
    return text


def parse_timeout(option: str, value: object) -> float | None:
    """Seconds as a finite float of at least ``MIN_TIMEOUT``; ``None`` for unset or 0.

    ``nan``, ``inf``, negative and sub-millisecond values are refused: each
    is a typo (``inf`` spells "no timeout" as 0 does, and says so less clearly).
    """
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):  # timeout=True is no number of seconds
            raise TypeError
        seconds = float(cast(str, value))
    except (TypeError, ValueError):
        raise pytest.UsageError(_messages.invalid_timeout(option, value)) from None
    if seconds == 0:
        return None
    if not math.isfinite(seconds) or seconds < _messages.MIN_TIMEOUT:
        raise pytest.UsageError(_messages.invalid_timeout(option, value))
    return seconds


def parse_clock(option: str, value: object) -> Clock:
    """``real`` or ``virtual``; empty means ``real``."""
    text = str(value or "").strip() or "real"
    if not _is_clock(text):
        raise pytest.UsageError(_messages.invalid_clock(option, value))
    return text


def _is_clock(text: str) -> TypeGuard[Clock]:
    return text in _messages.VALID_CLOCKS


def parse_threshold(value: object) -> float | None:
    """Real seconds, 0 or more; ``None`` for unset (the clock class's default)."""
    if value is None or str(value).strip() == "":
        return None
    try:
        seconds = float(cast(str, value))
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise pytest.UsageError(_messages.invalid_clock_threshold(value))
    return seconds
