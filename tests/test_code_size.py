"""Contributor rule for the package's source: short functions.

A function over 50 lines is a sign that one piece does two jobs. Modules have
no size limit: each holds one concept at the length that concept needs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest_asyncio

PACKAGE = Path(pytest_asyncio.__file__).parent
MAX_FUNCTION_LINES = 50

MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules() -> None:
    assert len(MODULES) > 20


def test_no_function_is_over_the_limit() -> None:
    too_long: dict[str, int] = {}
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long[f"{path.relative_to(PACKAGE)}:{node.name}"] = length
    assert too_long == {}
