"""``@pytest_asyncio.fixture``: every argument of ``pytest.fixture`` plus ``loop_scope``,
and typing that keeps the decorated function's type under ``mypy --strict``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pytest_asyncio


@pytest.mark.parametrize("decorator", ["@pytest_asyncio.fixture", "@pytest_asyncio.fixture()"])
def test_bare_and_called_forms(pytester: pytest.Pytester, decorator: str) -> None:
    pytester.makepyfile(
        f"""
        import asyncio
        import pytest
        import pytest_asyncio

        {decorator}
        async def coroutine_value():
            await asyncio.sleep(0)
            return 1

        {decorator}
        async def generator_value():
            await asyncio.sleep(0)
            yield 2

        {decorator}
        def sync_value():
            return 3

        @pytest.mark.asyncio
        async def test_values(coroutine_value, generator_value, sync_value):
            assert (coroutine_value, generator_value, sync_value) == (1, 2, 3)
        """
    )
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "error")
    result.assert_outcomes(passed=1)


def test_scope_and_loop_scope_share_one_value(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        made = []

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def shared():
            made.append(asyncio.get_running_loop())
            return len(made)

        @pytest.mark.asyncio(loop_scope="module")
        async def test_one(shared):
            assert shared == 1
            assert asyncio.get_running_loop() is made[0]

        @pytest.mark.asyncio(loop_scope="module")
        async def test_two(shared):
            assert shared == 1
            assert asyncio.get_running_loop() is made[0]
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=2)


def test_params_and_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(params=[10, 20], ids=["ten", "twenty"])
        async def number(request):
            return request.param

        @pytest.mark.asyncio
        async def test_number(number):
            assert number in (10, 20)
        """
    )
    result = pytester.runpytest("-v", "-W", "error")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_number?ten? PASSED*", "*test_number?twenty? PASSED*"])


def test_ids_as_a_callable(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(params=[1, 2], ids=lambda value: f"n{value}")
        async def number(request):
            return request.param

        @pytest.mark.asyncio
        async def test_number(number):
            pass
        """
    )
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(["*test_number?n1? PASSED*", "*test_number?n2? PASSED*"])


def test_autouse(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        seen = []

        @pytest_asyncio.fixture(autouse=True)
        async def record():
            seen.append(asyncio.get_running_loop())
            yield
            seen.append("done")

        @pytest.mark.asyncio
        async def test_first():
            assert seen == [asyncio.get_running_loop()]

        def test_after():
            assert seen[1] == "done" and len(seen) == 3
        """
    )
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "error")
    result.assert_outcomes(passed=2)


def test_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(name="answer")
        async def _make_answer():
            return 42

        @pytest.mark.asyncio
        async def test_answer(answer):
            assert answer == 42
        """
    )
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "error")
    result.assert_outcomes(passed=1)


def test_method_fixture_sees_the_test_instance(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        class TestWithState:
            @pytest_asyncio.fixture
            async def prepared(self):
                self.state = "set by fixture"
                yield self
                self.state = None

            @pytest.mark.asyncio
            async def test_state(self, prepared):
                assert prepared is self
                assert self.state == "set by fixture"
        """
    )
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "error")
    result.assert_outcomes(passed=1)


TYPED_USER_CODE = """
    from __future__ import annotations

    from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine
    from typing import Any

    import pytest
    from typing_extensions import assert_type

    import pytest_asyncio


    @pytest_asyncio.fixture(scope="class", autouse=True, ids=None, params=None)
    async def number() -> int:
        return 1


    @pytest_asyncio.fixture(scope="module", loop_scope="session", name="text")
    async def make_text() -> AsyncGenerator[str, None]:
        yield "x"


    @pytest_asyncio.fixture(params=[1, 2], ids=["a", "b"], autouse=False)
    async def lines(request: pytest.FixtureRequest) -> AsyncIterator[list[str]]:
        yield ["line"] * request.param


    def never_called(request: pytest.FixtureRequest) -> None:
        assert_type(number, Callable[[], Coroutine[Any, Any, int]])
        assert_type(make_text, Callable[[], AsyncGenerator[str, None]])
        assert_type(lines(request), AsyncIterator[list[str]])
"""

MISUSE = """
    import pytest_asyncio

    @pytest_asyncio.fixture(loop_scope="forever")
    async def wrong_loop_scope() -> int:
        return 1

    @pytest_asyncio.fixture(name=3)
    async def wrong_name() -> int:
        return 1
"""


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One ``mypy --strict`` run over both user modules (mypy is slow to start)."""
    pytest.importorskip("mypy")
    folder = tmp_path_factory.mktemp("typing")
    (folder / "typed_user_code.py").write_text(textwrap.dedent(TYPED_USER_CODE))
    (folder / "misuse.py").write_text(textwrap.dedent(MISUSE))
    # The editable install's import hook is invisible to mypy: point it at the package.
    package_root = Path(pytest_asyncio.__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            # Like an installed package, ours is checked but its own notes are not shown.
            "--follow-imports=silent",
            "typed_user_code.py",
            "misuse.py",
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "MYPYPATH": str(package_root)},
        check=False,
    )
    return result.stdout + result.stderr


def test_mypy_strict_keeps_the_decorated_types(mypy_report: str) -> None:
    assert "typed_user_code.py" not in mypy_report, mypy_report
    assert "misuse.py" in mypy_report, mypy_report  # mypy did run on both files


def test_mypy_strict_rejects_a_bad_loop_scope_or_name(mypy_report: str) -> None:
    # Line 4 passes loop_scope="forever" (not a scope), line 8 name=3 (not a str).
    # tests/test_typing.py covers a misspelt ``scope``.
    for line in (4, 8):
        assert f"misuse.py:{line}: error: No overload variant" in mypy_report, mypy_report
