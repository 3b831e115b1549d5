"""An ``async def`` test with ``yield`` is not a test: it warns and is xfailed unrun."""

from __future__ import annotations

import pytest

from pytest_asyncio import _messages

MARKED = """
import pytest

@pytest.mark.asyncio
async def test_gen():
    yield

class TestInClass:
    @pytest.mark.asyncio
    async def test_method(self):
        yield

    @staticmethod
    @pytest.mark.asyncio
    async def test_static():
        yield
"""

UNMARKED = """
async def test_gen():
    yield
"""


@pytest.mark.parametrize(
    ("mode", "source", "tests"),
    [
        ("strict", MARKED, ["test_gen", "TestInClass::test_method", "TestInClass::test_static"]),
        ("auto", UNMARKED, ["test_gen"]),
    ],
)
def test_an_async_generator_test_is_xfailed_with_a_warning(
    pytester: pytest.Pytester, mode: str, source: str, tests: list[str]
) -> None:
    module = pytester.makepyfile(source)
    result = pytester.runpytest(f"--asyncio-mode={mode}", "-W", "default", "-rx")
    result.assert_outcomes(xfailed=len(tests), warnings=len(tests))
    for test in tests:
        message = _messages.async_generator_test(f"{module.name}::{test}")
        result.stdout.fnmatch_lines([f"*PytestCollectionWarning: {message}"])
        # pytest 9 prints "XFAIL [NOTRUN] test - reason", pytest 8.2 "XFAIL test - reason: ..."
        result.stdout.fnmatch_lines([f"XFAIL *{module.name}::{test} - *{message}"])


def test_an_unmarked_async_generator_in_strict_mode_is_left_to_pytest(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(UNMARKED)
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "default")
    assert "Tests based on asynchronous generators" not in result.stdout.str()
