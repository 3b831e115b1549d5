"""pytest's own inspection options work with every loop scope.

``--setup-plan`` runs no fixture at all (pytest caches ``None`` for each),
``--setup-only`` and ``--setup-show`` list every fixture set up,
``--collect-only`` sets nothing up, ``--pdb`` stops in a failing async test
and lets the run go on. None of them may trip the plugin's loop checks.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

SCOPES = ("function", "class", "module", "package", "session")
LETTER = {"function": "F", "class": "C", "module": "M", "package": "P", "session": "S"}


def _loop_fixture(scope: str) -> str:
    return "event_loop" if scope == "function" else f"_event_loop_{scope}"


def _make_suite(pytester: pytest.Pytester, scope: str, *, by_marker: bool) -> None:
    """A package with async fixtures of ``scope`` and tests on a loop of ``scope``."""
    loop_scope = f"loop_scope={scope!r}" if by_marker else ""
    marker = f"@pytest.mark.asyncio({loop_scope})"
    pytester.mkpydir("pkg")
    pytester.makepyfile(
        **{
            "pkg/test_inspected": f"""
            import pytest
            import pytest_asyncio

            @pytest_asyncio.fixture(scope={scope!r}, loop_scope={scope!r})
            async def wide():
                yield "wide"

            @pytest_asyncio.fixture(loop_scope={scope!r})
            async def narrow(wide):
                return wide + "+narrow"

            class TestGroup:
                {marker}
                async def test_one(self, narrow):
                    assert narrow == "wide+narrow"

                {marker}
                async def test_two(self, wide):
                    assert wide == "wide"

            {marker}
            async def test_three():
                pass
            """
        }
    )
    if not by_marker:
        pytester.makeini(
            f"""
            [pytest]
            asyncio_mode = strict
            asyncio_default_test_loop_scope = {scope}
            """
        )


def _setup_lines(scope: str) -> list[str]:
    letter = LETTER[scope]
    return [
        f"*SETUP    {letter} {_loop_fixture(scope)}*",
        f"*SETUP    {letter} wide*",
        "*SETUP    F narrow*",
        "*test_one (fixtures used: *narrow*",
        "*TEARDOWN F narrow*",
        f"*TEARDOWN {letter} wide*",
    ]


@pytest.mark.parametrize("by_marker", [True, False], ids=["marker", "ini"])
@pytest.mark.parametrize("scope", SCOPES)
def test_setup_plan_lists_every_loop_scope(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str, by_marker: bool
) -> None:
    _make_suite(pytester, scope, by_marker=by_marker)
    result = run_clean("--setup-plan")
    result.assert_outcomes()
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(_setup_lines(scope))
    result.stdout.no_fnmatch_line("*must provide an asyncio event loop*")


@pytest.mark.parametrize("option", ["--setup-only", "--setup-show"])
@pytest.mark.parametrize("scope", SCOPES)
def test_setup_only_and_show_list_the_loop(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str, option: str
) -> None:
    _make_suite(pytester, scope, by_marker=True)
    result = run_clean(option)
    if option == "--setup-show":
        result.assert_outcomes(passed=3)
    else:
        result.assert_outcomes()
        assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(_setup_lines(scope))
    loop = _loop_fixture(scope)
    if scope == "function":  # a test without fixtures of its own shows its loop too
        lines = [line.strip() for line in result.stdout.lines]
        three = next(n for n, line in enumerate(lines) if "test_three" in line)
        assert lines[three - 1].startswith("SETUP    F event_loop"), lines[three - 1]
        assert "(fixtures used: event_loop)" in lines[three], lines[three]
    else:
        result.stdout.fnmatch_lines([f"*test_three (fixtures used: {loop})*"])


@pytest.mark.parametrize("scope", SCOPES)
def test_collect_only_sets_nothing_up(
    pytester: pytest.Pytester, run_clean: RunClean, scope: str
) -> None:
    _make_suite(pytester, scope, by_marker=False)
    result = run_clean("--collect-only", "-q")
    result.stdout.fnmatch_lines(["*test_one", "*test_two", "*test_three", "3 tests collected*"])
    assert result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize("scope", SCOPES)
def test_pdb_stops_in_a_failing_test_and_the_run_goes_on(
    pytester: pytest.Pytester, scope: str
) -> None:
    pytester.mkpydir("pkg")
    pytester.makepyfile(
        **{
            "pkg/test_debugged": f"""
            import asyncio
            import pytest
            import pytest_asyncio

            @pytest_asyncio.fixture(scope={scope!r}, loop_scope={scope!r})
            async def wide():
                yield asyncio.get_running_loop()

            class TestGroup:
                @pytest.mark.asyncio(loop_scope={scope!r})
                async def test_fails(self, wide):
                    assert wide is asyncio.get_running_loop()
                    assert 1 == 2

                @pytest.mark.asyncio(loop_scope={scope!r})
                async def test_after_the_debugger(self, wide):
                    assert wide is asyncio.get_running_loop()
            """
        }
    )
    # A real process: pdb reads its command from the process's stdin.
    result = pytester.run(
        sys.executable,
        "-m",
        "pytest",
        "--pdb",
        "-p",
        "no:cacheprovider",
        "-W",
        "error",
        stdin=b"continue\n",
        timeout=120,
    )
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*entering PDB*", "*assert 1 == 2*"])
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
