"""Contributor rule for the package's source: floors, each importing only below it.

The floors are drawn in docs/architecture.rst; this table is that drawing.
Imports under ``if TYPE_CHECKING:`` count too: a reader follows them the same
way. Within a floor a module may import another, but no two modules may
import each other, directly or round a longer cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest_asyncio

PACKAGE = Path(pytest_asyncio.__file__).parent

#: Floor of each module or subpackage (a subpackage is one room: all its
#: modules share its floor), ground floor first.
FLOORS: dict[str, int] = {
    # 1. vocabulary: words, texts, settings
    "warnings": 1,
    "errors": 1,
    "_scopes": 1,
    "_options": 1,
    "hookspecs": 1,
    "_messages": 1,
    "_settings": 1,
    "_header": 1,
    # 2. facades over pytest's and asyncio's private or deprecated APIs
    "_compat": 2,
    "_asyncio_compat": 2,
    "_interrupts": 2,
    "_in_context": 2,
    # 3. mechanics: tasks described, stuck tasks followed, the watchdog, the clock
    "_tasks": 3,
    "_awaits": 3,
    "_watchdog": 3,
    "clock": 3,
    # 4. running a task on a loop and closing a loop
    "_runner": 4,
    # 5. what is found about loops and tasks; the fixture object model
    "diagnostics": 5,
    "fixtures": 5,
    # 6. the event loop fixtures
    "loops": 6,
    # 7. the per-test plan and the drivers
    "loop_dependencies": 7,
    "loop_factories": 7,
    "markers": 7,
    "left_current": 7,
    "clock_switch": 7,
    "items": 7,
    "collection": 7,
    "async_fixtures": 7,
    "fixture_setup": 7,
    # 8. the plugin object, the entry point, the public API
    "asyncio_plugin": 8,
    "plugin": 8,
    "__init__": 8,
}


def _room(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """The rooms of the package that ``path`` imports (TYPE_CHECKING included).

    ``import pytest_asyncio``, or a public name from it, is the ``__init__`` room.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: the package imports itself by absolute names"
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] != "pytest_asyncio":
                continue
            found.add(parts[1] if len(parts) > 1 and parts[1] in FLOORS else "__init__")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_floor() -> None:
    assert sorted({_room(path) for path in MODULES} - set(FLOORS)) == []


def test_no_room_imports_from_a_floor_above_it() -> None:
    upward: list[str] = []
    for path in MODULES:
        own = _room(path)
        for target in _imports(path):
            if target in FLOORS and FLOORS[target] > FLOORS[own]:
                upward.append(
                    f"{path.relative_to(PACKAGE)} (floor {FLOORS[own]}) imports "
                    f"{target} (floor {FLOORS[target]})"
                )
    assert upward == []


def test_no_two_rooms_import_each_other() -> None:
    graph: dict[str, set[str]] = {room: set() for room in FLOORS}
    for path in MODULES:
        own = _room(path)
        if own == "__init__":
            continue
        graph[own] |= {target for target in _imports(path) if target in FLOORS} - {own}
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(room: str, trail: list[str]) -> None:
        if room in trail:
            cycles.append([*trail[trail.index(room) :], room])
            return
        if room in done:
            return
        for target in sorted(graph[room]):
            visit(target, [*trail, room])
        done.add(room)

    for room in sorted(graph):
        visit(room, [])
    assert cycles == []
