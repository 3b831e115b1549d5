"""What collection decides once per module or class must still differ where the tests do.

The plugin looks up which loop fixtures, ``event_loop`` overrides and
``event_loop_policy`` overrides a test sees, its parents' marks, and whether
the loop-factories hook is implemented, once per module or class rather than
once per test. Each test here puts two places with different answers into
one session, in the order that would expose an answer carried over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

_SUBCLASS_LOOP = """
import asyncio
import pytest
from pytest_asyncio import LoopFixture

class MarkedLoop(LoopFixture):
    def new_loop(self):
        loop = asyncio.new_event_loop()
        loop.made_by = "{owner}"
        return loop

event_loop = MarkedLoop.fixture()
"""

_PLAIN_LOOP = """
import asyncio
import pytest

@pytest.fixture
def event_loop():
    loop = asyncio.new_event_loop()
    loop.made_by = "{owner}"
    yield loop
    loop.close()
"""

_CHECK_LOOP = """
import asyncio
import pytest

@pytest.mark.asyncio
async def test_{n}_first():
    assert getattr(asyncio.get_running_loop(), "made_by", None) == {expected!r}

@pytest.mark.asyncio
async def test_{n}_second():
    assert getattr(asyncio.get_running_loop(), "made_by", None) == {expected!r}
"""


@pytest.mark.parametrize("override", [_SUBCLASS_LOOP, _PLAIN_LOOP], ids=["subclass", "plain"])
def test_an_event_loop_override_in_one_module_stays_there(
    pytester: pytest.Pytester, run_clean: RunClean, override: str
) -> None:
    pytester.makepyfile(
        test_a_plain=_CHECK_LOOP.format(n="a", expected=None),
        test_b_overridden=override.format(owner="b") + _CHECK_LOOP.format(n="b", expected="b"),
        test_c_plain=_CHECK_LOOP.format(n="c", expected=None),
    )
    run_clean().assert_outcomes(passed=6)


def test_a_conftest_override_reaches_its_directory_only(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(test_a_top=_CHECK_LOOP.format(n="a", expected=None))
    sub = pytester.mkpydir("sub")
    (sub / "conftest.py").write_text(_SUBCLASS_LOOP.format(owner="sub"))
    (sub / "test_b_sub.py").write_text(_CHECK_LOOP.format(n="b", expected="sub"))
    other = pytester.mkpydir("zother")
    (other / "test_c_other.py").write_text(_CHECK_LOOP.format(n="c", expected=None))
    run_clean().assert_outcomes(passed=6)


def test_classes_override_the_loop_each_for_itself(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio import LoopFixture

        class MarkedLoop(LoopFixture):
            def new_loop(self):
                loop = asyncio.new_event_loop()
                loop.made_by = "class"
                return loop

        def made_by():
            return getattr(asyncio.get_running_loop(), "made_by", None)

        class TestPlainFirst:
            @pytest.mark.asyncio
            async def test_plain(self):
                assert made_by() is None

        class TestOverriding:
            @pytest.fixture
            def event_loop(self):
                loop = MarkedLoop().setup()
                yield loop
                MarkedLoop().teardown(loop)

            @pytest.mark.asyncio
            async def test_overridden(self):
                assert made_by() == "class"

            @pytest.mark.asyncio
            async def test_overridden_again(self):
                assert made_by() == "class"

        class TestPlainAfter:
            @pytest.mark.asyncio
            async def test_plain(self):
                assert made_by() is None

        @pytest.mark.asyncio
        async def test_module_level():
            assert made_by() is None
        """
    )
    run_clean().assert_outcomes(passed=5)


def test_a_policy_override_in_one_module_stays_there(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    header = "import asyncio\nimport pytest\n"
    policy = header + (
        "class Loop(asyncio.SelectorEventLoop):\n    pass\n\n"
        "class Policy(asyncio.DefaultEventLoopPolicy):\n"
        "    def new_event_loop(self):\n        return Loop()\n\n"
        "@pytest.fixture(scope='session')\n"
        "def event_loop_policy():\n    return Policy()\n"
    )
    check = (
        "\n@pytest.mark.asyncio\nasync def test_{n}():\n"
        "    assert (type(asyncio.get_running_loop()).__name__ == 'Loop') is {custom}\n"
    )
    pytester.makepyfile(
        test_a=header + check.format(n="a", custom=False),
        test_b=policy + check.format(n="b", custom=True) + check.format(n="b2", custom=True),
        test_c=header + check.format(n="c", custom=False),
    )
    pytester.makeini("[pytest]\nfilterwarnings =\n    ignore::DeprecationWarning\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_parametrized_loop_in_one_module_parametrizes_only_its_tests(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    check = (
        "import asyncio\nimport pytest\n\n"
        "@pytest.mark.asyncio\nasync def test_{n}():\n    asyncio.get_running_loop()\n"
    )
    pytester.makepyfile(
        test_a=check.format(n="a"),
        test_b=check.format(n="b")
        + "\n@pytest.fixture(params=['one', 'two'])\ndef event_loop(request):\n"
        + "    loop = asyncio.new_event_loop()\n    yield loop\n    loop.close()\n",
        test_c=check.format(n="c"),
    )
    result = run_clean("-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_a.py::test_a PASSED*", "*test_b.py::test_b?one? PASSED*"])
    result.stdout.fnmatch_lines(["*test_b.py::test_b?two? PASSED*", "*test_c.py::test_c PASSED*"])


def test_the_factories_hook_of_a_subdirectory_serves_it_alone(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    check = (
        "import asyncio\nimport pytest\n\n"
        "@pytest.mark.asyncio\nasync def test_{n}():\n    asyncio.get_running_loop()\n"
    )
    pytester.makepyfile(test_a_top=check.format(n="a"))
    sub = pytester.mkpydir("sub")
    (sub / "conftest.py").write_text(
        "import asyncio\n\n"
        "def pytest_asyncio_loop_factories(config, item):\n"
        "    return {'one': asyncio.new_event_loop, 'two': asyncio.new_event_loop}\n"
    )
    (sub / "test_b_sub.py").write_text(check.format(n="b"))
    result = run_clean("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*test_a_top.py::test_a PASSED*"])
    result.stdout.fnmatch_lines(["*test_b_sub.py::test_b?one? PASSED*", "*test_b?two? PASSED*"])


def test_parent_marks_are_read_per_class(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        pytestmark = pytest.mark.asyncio
        LOOPS = {}

        def note(where):
            LOOPS.setdefault(where, set()).add(asyncio.get_running_loop())

        @pytest.mark.asyncio(loop_scope="class")
        class TestShared:
            async def test_one(self):
                note("shared")

            async def test_two(self):
                note("shared")

        class TestModuleMark:
            async def test_one(self):
                note("module mark")

            async def test_two(self):
                note("module mark")

        async def test_at_module_level():
            note("module mark")

        def test_counts():
            assert len(LOOPS["shared"]) == 1
            assert len(LOOPS["module mark"]) == 3
        """
    )
    run_clean().assert_outcomes(passed=6)


def test_another_plugins_class_mark_stays_in_its_class(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nmarkers =\n    trio: trio's\n")
    pytester.makeconftest(
        """
        def pytest_collection_finish(session):
            for item in session.items:  # the mark auto mode adds, as pytest-asyncio 1.5 does
                print("ours:", item.nodeid, "asyncio" in item.keywords)
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.trio
        class TestTrio:
            async def test_theirs(self):
                pass

        class TestOurs:
            async def test_ours(self):
                pass

        async def test_also_ours():
            pass
        """
    )
    result = run_clean("--collect-only", "-s")
    result.stdout.fnmatch_lines(
        [
            "ours: *TestTrio::test_theirs False",
            "ours: *TestOurs::test_ours True",
            "ours: *::test_also_ours True",
        ]
    )
    assert result.ret == 0


def test_auto_mode_marks_async_tests_as_pytest_asyncio_1_does(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makeconftest(
        """
        def pytest_collection_finish(session):
            for item in session.items:
                print(item.name, "asyncio" in item.keywords,  # as in pytest-asyncio 1.5
                      item.get_closest_marker("asyncio") is not None)
        """
    )
    pytester.makepyfile(
        """
        async def test_async():
            pass

        def test_sync():
            pass
        """
    )
    result = run_clean("-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["test_async True True", "test_sync False False"])


def test_the_tests_of_one_fixture_closure_share_one_plan(pytester: pytest.Pytester) -> None:
    """The loops of a test's async fixtures are planned once per closure, where it lives."""
    from pytest_asyncio.items import STATE

    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture
        async def value():
            return 1

        @pytest.mark.asyncio
        async def test_one(value):
            pass

        @pytest.mark.asyncio
        async def test_two(value):
            pass

        @pytest.mark.parametrize("n", [1, 2])
        @pytest.mark.asyncio
        async def test_each(value, n):
            pass

        @pytest.mark.asyncio(loop_scope="module")
        async def test_on_the_module_loop(value):
            pass
        """
    )
    items, _ = pytester.inline_genitems()
    states = {item.name: item.stash[STATE] for item in items}
    plans = {name: state.fixture_loops for name, state in states.items()}
    assert plans["test_one"] is plans["test_two"]
    assert plans["test_each[1]"] is plans["test_each[2]"]
    assert plans["test_on_the_module_loop"] is not plans["test_one"]
    for name, plan in plans.items():
        assert plan is not None
        (planned,) = plan.values()
        test = states[name].test
        assert test is not None and planned.choice is not None
        assert planned.choice.name == test.loop_fixture
