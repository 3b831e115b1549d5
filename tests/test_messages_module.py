"""Every user-facing text lives in one module, ``pytest_asyncio._messages``;
tests and the plugin import the texts from it, so a text changes in one spot."""

from __future__ import annotations

import ast
from pathlib import Path

from pytest_asyncio import _messages


def _defined() -> list[str]:
    """The names the module defines itself, in order (a later one would silently win)."""
    assert _messages.__file__ is not None
    tree = ast.parse(Path(_messages.__file__).read_text(encoding="utf-8"))
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return names


def test_the_texts_are_one_module() -> None:
    assert not hasattr(_messages, "__path__")
    assert {"invalid_mode", "invalid_marker_scope", "test_timed_out", "clock_unsupported"} <= set(
        _defined()
    )


def test_no_name_is_defined_twice() -> None:
    names = _defined()
    assert sorted(names) == sorted(set(names))
