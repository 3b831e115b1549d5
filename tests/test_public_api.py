"""The public surface: ``__all__``, every name in it, the version and the ``py.typed`` marker."""

from __future__ import annotations

import inspect
import pydoc
import re
import subprocess
import sys
import traceback
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


def _public_classes_and_functions() -> list[tuple[str, object]]:
    found = [(name, getattr(pytest_asyncio, name)) for name in pytest_asyncio.__all__]
    return [(name, value) for name, value in found if inspect.isclass(value) or callable(value)]


def test_public_names_say_pytest_asyncio_not_a_private_module() -> None:
    named = _public_classes_and_functions()
    assert len(named) == len(pytest_asyncio.__all__) - 1  # all but __version__
    for name, value in named:
        assert (getattr(value, "__module__", None), getattr(value, "__qualname__", None)) == (
            "pytest_asyncio",
            name,
        )
        if inspect.isclass(value):
            assert repr(value) == f"<class 'pytest_asyncio.{name}'>"


def test_help_and_tracebacks_show_the_public_name() -> None:
    assert "class LoopFixture in module pytest_asyncio" in pydoc.render_doc(
        pytest_asyncio.LoopFixture, renderer=pydoc.plaintext
    )
    assert "in module pytest_asyncio" in pydoc.render_doc(
        pytest_asyncio.AsyncioPlugin, renderer=pydoc.plaintext
    )
    shown = traceback.format_exception_only(pytest_asyncio.ClockUnsupported("no clock here"))
    assert shown == ["pytest_asyncio.ClockUnsupported: no clock here\n"]


#: At most this many of the package's modules load with ``import pytest_asyncio``
#: (the loop fixtures and what they run on): the plugin's machinery (collection,
#: the test runs, the diagnostics plugin) loads when pytest loads the plugin,
#: or on first use of the public name that needs it.
MODULES_ON_IMPORT = 35


def test_importing_the_package_loads_what_its_public_names_need() -> None:
    code = (
        "import sys, pytest_asyncio\n"
        "def ours(): return sorted(m for m in sys.modules if m.startswith('pytest_asyncio'))\n"
        "print(len(ours()))\n"
        "print('pytest_asyncio.asyncio_plugin' in ours())\n"
        "assert 'AsyncioPlugin' in dir(pytest_asyncio)\n"
        "print(pytest_asyncio.AsyncioPlugin)\n"
        "print('pytest_asyncio.asyncio_plugin' in ours())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    count, before, used, after = done.stdout.splitlines()
    assert int(count) <= MODULES_ON_IMPORT
    assert (before, used, after) == ("False", "<class 'pytest_asyncio.AsyncioPlugin'>", "True")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'LoopFixtur'"):
        pytest_asyncio.LoopFixtur  # type: ignore[attr-defined] # noqa: B018
