"""Values a suite sets: modes, scopes, timeouts, debug, the plugin class; the header."""

from __future__ import annotations

from collections.abc import Sequence

from pytest_asyncio._messages._values import described
from pytest_asyncio.loops.scopes import SCOPES

#: The modes the plugin accepts. ``unset`` is the default, as the report header
#: shows it: ``--asyncio-mode=unset`` undoes an ini file's ``asyncio_mode = auto``.
VALID_MODES = ("auto", "strict", "unset")


def invalid_mode(value: str, option: str = "asyncio_mode") -> str:
    # pytest-asyncio 1.x's wording, word for word (its suites and users match the
    # whole line), which lists the modes a user sets: not the default, unset
    return f"{value!r} is not a valid {option}. Valid modes: auto, strict."


def invalid_scope(option: str, value: str) -> str:
    # pytest-asyncio 1.x's wording, which users search for
    return f"{value!r} is not a valid {option}. Valid scopes are: {', '.join(SCOPES)}."


#: The shortest timeout accepted: below a millisecond a test is cancelled
#: before the loop has run one round, which is a typo, never a limit.
MIN_TIMEOUT = 0.001


def invalid_timeout(option: str, value: object) -> str:
    return (
        f"{option}: {value!r} is not a valid timeout. Give a finite number of "
        f"seconds, at least {MIN_TIMEOUT:g} (0 means no timeout)."
    )


def invalid_debug(problem: str) -> str:
    """:param problem: pytest's own words, e.g. "invalid truth value 'maybe'"."""
    return (
        f"asyncio_debug: {problem}. Use true or false (also yes/no, on/off, 1/0), "
        "or leave it unset."
    )


def seconds(value: float) -> str:
    """A timeout or threshold as the report header shows it: ``5 s``, ``0.25 s``."""
    return f"{value:g} s"


def report_header(
    version: str, mode: str, fixture_loop_scope: str, changed: Sequence[tuple[str, str]] = ()
) -> str:
    """The line pytest prints under its own header: which plugin, which settings.

    :param changed: every other setting not at its default, as (name, value).
    """
    extras = "".join(f", {name}={value}" for name, value in changed)
    return (
        f"asyncio: pytest-asyncio {version} (class-based implementation), "
        f"mode={mode}, default fixture loop scope={fixture_loop_scope}{extras}"
    )


PLUGIN_CLASS_NAME = "pytest_asyncio_plugin_class"


def not_a_plugin_class(value: object) -> str:
    return (
        f"{PLUGIN_CLASS_NAME} must be a subclass of pytest_asyncio.AsyncioPlugin, "
        f"got {described(value)}. Name the class itself, not an instance or a module."
    )


def two_plugin_classes(values: list[object]) -> str:
    named = ", ".join(repr(value) for value in values)
    return (
        f"{PLUGIN_CLASS_NAME} names more than one class: {named}. Name one, in the "
        "rootdir conftest.py or in one plugin loaded with -p."
    )


def bad_plugin_attribute(plugin: str, attribute: str, value: object, base: type) -> str:
    return (
        f"{plugin}.{attribute} must name subclasses of pytest_asyncio.{base.__name__}, "
        f"got {described(value)}."
    )


def plugin_class_too_late(named: object, in_use: type) -> str:
    return (
        f"{PLUGIN_CLASS_NAME} = {named!r} comes too late: the session already runs with "
        f"{in_use.__module__}.{in_use.__qualname__}. Name the class in the rootdir "
        "conftest.py or in a plugin loaded with -p, which pytest reads before it configures."
    )
