"""The public surface: ``__all__``, every name in it, and the ``py.typed`` marker."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet  # pytest depends on packaging

import pytest_asyncio
from pytest_asyncio import _messages

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


def test_importing_the_package_does_not_import_the_plugin() -> None:
    """pytest loads the plugin through its entry point; the public API stands alone."""
    code = (
        "import sys, pytest_asyncio\n"
        "assert callable(pytest_asyncio.is_async_test)\n"
        "print('pytest_asyncio.plugin' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_the_version_is_read_from_the_metadata_not_written_in_the_source() -> None:
    source = (SOURCE / "__init__.py").read_text()
    assert '_metadata.version("pytest-asyncio")' in source
    assert not re.search(r'__version__\S* = "\d+\.\d', source)


def pyproject_version() -> str:
    """The static ``version`` of ``[project]`` in pyproject.toml (no tomllib on 3.10)."""
    text = (PROJECT / "pyproject.toml").read_text()
    match = re.search(r'^version = "([^"]+)"$', text, flags=re.MULTILINE)
    assert match is not None, "pyproject.toml's [project] must have a static version"
    return match[1]


@pytest.mark.parametrize(
    "requirement",
    # Ranges packages that use pytest-asyncio declare: pytest-aiohttp's
    # ">=0.17.2", the 0.21 and 0.23 floors, loop_scope's ">=0.24", 1.x caps.
    [">=0.17.2", ">=0.21", ">=0.23", ">=0.24,<2", ">=1.0", "~=1.5", "<2"],
)
def test_the_version_satisfies_what_dependents_require(requirement: str) -> None:
    """So pip keeps this package when a dependent asks for pytest-asyncio."""
    assert SpecifierSet(requirement).contains(pyproject_version())


def test_the_version_tells_this_implementation_apart() -> None:
    """The local label shows in ``pip list``; the public part is the API level implemented."""
    version = pyproject_version()
    public, _, label = version.partition("+")
    assert public == "1.5.0"
    assert label.startswith("classbased")


def test_the_report_header_names_this_implementation_and_version(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--asyncio-mode=strict")
    result.assert_outcomes(passed=1)
    header = _messages.report_header(pytest_asyncio.__version__, "strict", "(fixture's scope)")
    assert "(class-based implementation)" in header
    result.stdout.fnmatch_lines([header])
