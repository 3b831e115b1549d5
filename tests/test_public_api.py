"""The public surface: ``__all__``, every name in it, the version and the ``py.typed`` marker."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet  # pytest depends on packaging
from packaging.version import Version

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


def test_the_package_is_marked_typed() -> None:
    assert (SOURCE / "py.typed").is_file()


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
    [">=0.17.2", ">=0.21", ">=0.23", ">=0.24,<2", ">=1.0", "~=1.5", "~=1.5.0", "==1.5.*", "<2"],
)
def test_the_version_satisfies_what_dependents_require(requirement: str) -> None:
    """So pip keeps this package when a dependent asks for pytest-asyncio."""
    assert SpecifierSet(requirement).contains(pyproject_version())


def test_the_version_is_a_release_of_the_api_level_it_implements() -> None:
    """Three numbers for the pytest-asyncio API level, a fourth for this implementation.

    No local label (``+...``): the package index refuses uploads that carry one.
    Below 1.5.1, so a later pytest-asyncio release always sorts after it.
    """
    version = Version(pyproject_version())
    assert version.local is None
    assert not (version.is_prerelease or version.is_postrelease or version.is_devrelease)
    assert version.release[:3] == (1, 5, 0)
    assert len(version.release) == 4
    assert version < Version("1.5.1")


def test_the_metadata_the_package_and_the_docs_agree_on_the_version() -> None:
    """pyproject.toml's ``version`` is the one source; the rest read it from the metadata.

    A development install made before the version changed fails here: reinstall it.
    """
    release = subprocess.run(
        [sys.executable, "-c", "import runpy; print(runpy.run_path('docs/conf.py')['release'])"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    versions = {
        "pyproject.toml": pyproject_version(),
        "installed metadata": metadata.version("pytest-asyncio"),
        "pytest_asyncio.__version__": pytest_asyncio.__version__,
        "docs/conf.py release": release,
    }
    assert len(set(versions.values())) == 1, versions


def test_the_report_header_names_this_implementation_and_version(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--asyncio-mode=strict")
    result.assert_outcomes(passed=1)
    header = _messages.report_header(pytest_asyncio.__version__, "strict", "(fixture's scope)")
    assert "(class-based implementation)" in header
    result.stdout.fnmatch_lines([header])
