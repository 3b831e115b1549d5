"""The scope vocabulary: names, their order, and the loop fixture of each.

A leaf: it imports nothing from the package, so settings, messages,
fixtures and markers can all share these words.
"""

from __future__ import annotations

from typing import Literal, TypeGuard

ScopeName = Literal["function", "class", "module", "package", "session"]

#: Every scope, narrowest first.
SCOPES: tuple[ScopeName, ...] = ("function", "class", "module", "package", "session")
#: The scopes that get a loop fixture of their own (``loop_scope=``).
WIDER_SCOPES: tuple[ScopeName, ...] = SCOPES[1:]
#: Rank of each scope: a wider scope ranks higher.
SCOPE_ORDER: dict[str, int] = {scope: rank for rank, scope in enumerate(SCOPES)}


def is_scope(value: object) -> TypeGuard[ScopeName]:
    """Whether ``value`` names a scope."""
    return isinstance(value, str) and value in SCOPE_ORDER


def is_narrower(scope: str, than: str) -> bool:
    """Whether ``scope`` ends before ``than`` does."""
    return SCOPE_ORDER[scope] < SCOPE_ORDER[than]


def widest(scopes: list[ScopeName]) -> ScopeName:
    """The widest of ``scopes`` (not empty)."""
    return max(scopes, key=SCOPE_ORDER.__getitem__)


def loop_fixture_name(base: str, loop_scope: str | None) -> str:
    """The fixture that provides a loop of ``loop_scope`` for the ``base`` loop.

    ``function`` (or no scope) means the ``base`` fixture itself, which users
    may override.
    """
    if loop_scope is None or loop_scope == "function":
        return base
    return f"_{base}_{loop_scope}"


def shared_loop_parts(name: str) -> tuple[str, ScopeName] | None:
    """The base loop and loop scope behind ``name``, if the plugin made that name.

    The inverse of :func:`loop_fixture_name` for the plugin's own, private
    loop fixtures (``_event_loop_module``...), which messages describe by the
    ``loop_scope`` the user wrote instead of naming them; ``None`` for any
    other fixture.
    """
    if not name.startswith("_"):
        return None
    base, _, scope = name[1:].rpartition("_")
    if not base or not is_scope(scope) or scope == "function":
        return None
    return base, scope
