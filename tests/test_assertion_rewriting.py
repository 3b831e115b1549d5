"""The plugin's own modules load as plain Python, outside pytest's assertion rewriting.

pytest rewrites the asserts of every module in an installed plugin's
packages, compiling each again on every run where it cannot cache the
result (``PYTHONDONTWRITEBYTECODE``). The plugin's modules need no assert
introspection, so they skip it; the user's test modules keep it.
"""

from __future__ import annotations

import pytest

INNER_TEST = """
import sys

import pytest
from _pytest.assertion.rewrite import AssertionRewritingHook

# The package's first import, read before it can take the package off. (An
# editable install's top package is found by its own finder, never rewritten.)
BOOTSTRAP = ["pytest_asyncio"]


def rewritten(name):
    return isinstance(getattr(sys.modules[name], "__loader__", None), AssertionRewritingHook)


@pytest.mark.asyncio
async def test_the_plugin_modules_are_plain_python():
    ours = sorted(name for name in sys.modules if name.startswith("pytest_asyncio"))
    assert "pytest_asyncio.plugin" in ours
    assert rewritten("marked_too")  # a package given with -p is marked, as ours was
    assert [name for name in ours if rewritten(name) and name not in BOOTSTRAP] == []


def test_the_users_asserts_are_still_rewritten():
    assert rewritten(__name__)
    found = [1, 2]
    assert found == [1, 2, 3]
"""


@pytest.mark.parametrize("dont_write_bytecode", ["1", ""])
def test_a_marked_package_imports_unrewritten_and_works(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, dont_write_bytecode: str
) -> None:
    """``-p pytest_asyncio`` marks the whole package for rewriting before its
    first import, as pytest does for the packages of an installed wheel."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", dont_write_bytecode)
    pytester.makepyfile(test_inner=INNER_TEST)
    pytester.mkpydir("marked_too")
    others = ("hypothesispytest", "xdist", "xdist.looponfail", "anyio", "cacheprovider")
    switched_off = [arg for name in others for arg in ("-p", f"no:{name}")]
    result = pytester.runpytest_subprocess(
        "-p", "marked_too", "-p", "pytest_asyncio", *switched_off
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*assert [[]1, 2[]] == [[]1, 2, 3[]]*"])
