"""The docs' Python snippets that show a user's file pass ``mypy --strict``
and pyright in strict mode.

``docs/check_snippets.py`` finds them (a ``:caption: name.py`` or a first
line ``# name.py`` marks a block as a file) and runs each checker once over
all of them. Each run takes a few seconds: mypy's cache lives in pytest's cache.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import pytest_asyncio

DOCS = Path(pytest_asyncio.__file__).parent.parent / "docs"


def _checker() -> ModuleType:
    """``docs/check_snippets.py``, imported (the docs are no package)."""
    name = "check_snippets"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, DOCS / "check_snippets.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def mypy_cache(pytestconfig: pytest.Config, tmp_path: Path) -> Path:
    cache_plugin = getattr(pytestconfig, "cache", None)  # absent with -p no:cacheprovider
    return cache_plugin.mkdir("mypy-snippets") if cache_plugin else tmp_path / ".mypy_cache"


def test_every_file_snippet_of_the_docs_passes_mypy_strict_and_pyright(mypy_cache: Path) -> None:
    pytest.importorskip("uvloop")  # the uvloop pages' snippets import it; not on Windows
    checker = _checker()
    assert checker.problems(DOCS, mypy_cache) == []
    named = [s for s in checker.snippets(DOCS) if s.file_name is not None]
    assert len(named) >= 40  # conftest.py files and test modules of every page
    assert {"conftest.py", "test_client.py"} <= {s.file_name for s in named}


PAGE = """
A page
======

.. code-block:: python
   :caption: test_named.py

   import asyncio


   async def test_untyped():
       await asyncio.sleep(0)

.. code-block:: python

   # conftest.py
   def wrong() -> int:
       return "text"

.. code-block:: python

   def a_fragment(x):
       return x

.. code-block:: python

   import asyncio
"""


def test_the_checker_reads_the_markers(tmp_path: Path, mypy_cache: Path) -> None:
    (tmp_path / "page.rst").write_text(textwrap.dedent(PAGE).lstrip())
    problems = _checker().problems(tmp_path, mypy_cache)
    page = tmp_path / "page.rst"
    assert problems == [
        f"{page}:26: a whole module without a '# <file>.py' first line",
        f"{page}:10: (test_named.py) error: Function is missing a return type annotation"
        "  [no-untyped-def]",
        f"{page}:17: (conftest.py) error: Incompatible return value type "
        '(got "str", expected "int")  [return-value]',
        f"{page}:17: (conftest.py) pyright error: Type \"Literal['text']\" is not assignable "
        'to return type "int"  [reportReturnType]',
    ]
