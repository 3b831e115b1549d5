"""The warning for the marker on a sync test points at the test, not at the plugin.

As a warning it is listed at the test's file and line; raised as an error
(``-W error``, ``filterwarnings = error``) the report shows the test's
source and location, and none of the plugin's code.
"""

from __future__ import annotations

import pytest

from pytest_asyncio import _messages

SUITE = """
import pytest


@pytest.mark.asyncio
def test_plain():
    pass


class TestGroup:
    @pytest.mark.asyncio_process_pool
    def test_in_a_class(self):
        pass
"""


def _nodeid(name: str) -> str:
    return f"test_marked.py::{name}"


def test_as_a_warning_it_names_the_tests_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marked=SUITE)
    # in-process, the inner session would inherit our "error" filter
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "always::pytest.PytestWarning")
    result.assert_outcomes(passed=2, warnings=2)
    module = "test_marked.py"
    plain = _messages.marker_on_sync_test(_nodeid("test_plain"), "asyncio")
    in_class = _messages.marker_on_sync_test(
        _nodeid("TestGroup::test_in_a_class"), "asyncio_process_pool"
    )
    result.stdout.fnmatch_lines(
        [
            f"  {module}:4: PytestWarning: {plain}",
            "    @pytest.mark.asyncio",
            f"  {module}:10: PytestWarning: {in_class}",
            "    @pytest.mark.asyncio_process_pool",
        ]
    )
    result.stdout.no_fnmatch_line("*plugin.py*")


@pytest.mark.parametrize("how", ["-W error", "filterwarnings = error"])
def test_as_an_error_it_shows_the_test_not_the_plugin(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(test_marked=SUITE)
    if how == "-W error":
        result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    else:
        pytester.makeini("[pytest]\nfilterwarnings = error\n")
        result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    module = "test_marked.py"
    plain = _messages.marker_on_sync_test(_nodeid("test_plain"), "asyncio")
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_plain*",
            ">   @pytest.mark.asyncio",
            f"E   pytest.PytestWarning: {plain}",
            "",
            f"{module}:4: PytestWarning",
            "*ERROR at setup of TestGroup.test_in_a_class*",
            ">       @pytest.mark.asyncio_process_pool",
            "E       pytest.PytestWarning: *TestGroup::test_in_a_class is marked with*",
            "",
            f"{module}:10: PytestWarning",
        ]
    )
    output = result.stdout.str()
    assert "plugin.py" not in output
    assert "_warn_at_test" not in output
    assert "^^^" not in output  # no column markers under the user's decorator
