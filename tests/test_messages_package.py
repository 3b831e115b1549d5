"""The message texts live in one module per area; tests and the plugin import
every one of them from ``pytest_asyncio._messages``, so that a text can move
between areas without its users noticing."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from pytest_asyncio import _messages


def _areas() -> list[ModuleType]:
    found = pkgutil.iter_modules(_messages.__path__, prefix=f"{_messages.__name__}.")
    return [
        importlib.import_module(info.name)
        for info in found
        if not info.name.rpartition(".")[2].startswith("_")  # helpers, no texts of their own
    ]


def _defined(module: ModuleType) -> list[str]:
    """The public names a module defines itself (not the ones it imports)."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return [name for name in names if not name.startswith("_")]


def test_every_text_of_every_area_is_importable_from_the_package() -> None:
    areas = _areas()
    assert {"options", "markers", "runs", "diagnostics", "clock"} <= {
        area.__name__.rpartition(".")[2] for area in areas
    }
    missing = [
        f"{area.__name__}.{name}"
        for area in areas
        for name in _defined(area)
        if name not in _messages.__all__ or getattr(_messages, name) is not getattr(area, name)
    ]
    assert not missing, f"not re-exported by pytest_asyncio._messages: {missing}"


def test_no_two_areas_define_the_same_name() -> None:
    names = [name for area in _areas() for name in _defined(area)]
    assert sorted(names) == sorted(set(names))


def test_all_names_only_what_the_package_has() -> None:
    assert len(_messages.__all__) == len(set(_messages.__all__))
    assert [name for name in _messages.__all__ if not hasattr(_messages, name)] == []
