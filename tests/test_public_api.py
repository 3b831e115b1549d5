"""The public surface: ``__all__``, every name in it, and the ``py.typed`` marker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest_asyncio

SOURCE = Path(pytest_asyncio.__file__).parent
PROJECT = SOURCE.parent


def test_all_lists_the_public_names() -> None:
    assert isinstance(pytest_asyncio.__all__, list)
    assert len(set(pytest_asyncio.__all__)) == len(pytest_asyncio.__all__)
    for name in ("fixture", "Fixture", "LoopFixture", "ProcessPoolLoopFixture", "PortFixture"):
        assert name in pytest_asyncio.__all__
    for name in ("AsyncMarker", "ProcessPoolMarker", "PortFactory", "__version__"):
        assert name in pytest_asyncio.__all__


def test_every_name_in_all_is_importable() -> None:
    namespace: dict[str, object] = {}
    exec("from pytest_asyncio import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(pytest_asyncio.__all__)
    assert all(namespace[name] is not None for name in namespace)


def test_the_version_is_the_distributions() -> None:
    assert pytest_asyncio.__version__ == metadata.version("pytest-asyncio")


def test_the_package_is_marked_typed() -> None:
    assert (SOURCE / "py.typed").is_file()


def test_a_build_ships_py_typed_and_every_module(tmp_path: Path) -> None:
    """Build the package the way a wheel would and compare with the source tree."""
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(PROJECT / name, tmp_path)
    readme = PROJECT / "README.md"
    (tmp_path / "README.md").write_text(readme.read_text() if readme.exists() else "")
    shutil.copytree(SOURCE, tmp_path / "pytest_asyncio", ignore=shutil.ignore_patterns("*.pyc"))
    build = tmp_path / "lib"
    subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    shipped = {p.relative_to(build / "pytest_asyncio") for p in build.rglob("*") if p.is_file()}
    expected = {p.relative_to(SOURCE) for p in SOURCE.rglob("*.py")}
    assert Path("py.typed") in shipped
    missing = expected - shipped
    assert not missing, f"modules missing from the build: {sorted(map(str, missing))}"
