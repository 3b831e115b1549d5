"""The ``pytest_asyncio_loop_factories`` hook: tests run once per loop factory."""

from __future__ import annotations

import pytest

from pytest_asyncio import _messages

pytest_plugins = ["pytester"]

TWO_FACTORIES = """
import asyncio

class CustomLoop(asyncio.SelectorEventLoop):
    pass

def pytest_asyncio_loop_factories(config, item):
    return {"stdlib": asyncio.new_event_loop, "custom": CustomLoop}
"""

LOOP_KIND = """
import asyncio

def kind_of_running_loop():
    loop = asyncio.get_running_loop()
    return "custom" if type(loop).__name__ == "CustomLoop" else "stdlib"
"""


@pytest.fixture
def two_factories(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(TWO_FACTORIES)
    pytester.makepyfile(loop_kind=LOOP_KIND)
    return pytester


def test_each_async_test_runs_once_per_factory_on_its_loop(two_factories: pytest.Pytester) -> None:
    two_factories.makepyfile(
        """
        import pytest
        from loop_kind import kind_of_running_loop

        @pytest.mark.asyncio
        async def test_loop(request):
            assert kind_of_running_loop() == request.node.callspec.id

        def test_sync():
            pass
        """
    )
    result = two_factories.runpytest("-v", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*::test_loop[[]stdlib[]] PASSED*",
            "*::test_loop[[]custom[]] PASSED*",
            "*::test_sync PASSED*",
        ]
    )


def test_async_fixtures_run_on_the_factorys_loop(two_factories: pytest.Pytester) -> None:
    two_factories.makepyfile(
        """
        import asyncio
        import pytest
        from loop_kind import kind_of_running_loop

        @pytest.fixture
        async def made_on():
            yield kind_of_running_loop(), asyncio.get_running_loop()

        @pytest.mark.asyncio
        async def test_fixture_loop(request, made_on):
            kind, loop = made_on
            assert kind == request.node.callspec.id
            assert loop is asyncio.get_running_loop()
        """
    )
    two_factories.runpytest("--asyncio-mode=auto").assert_outcomes(passed=2)


def test_one_factory_keeps_test_names(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import asyncio

        class CustomLoop(asyncio.SelectorEventLoop):
            pass

        def pytest_asyncio_loop_factories():  # a hook may take no arguments
            return {"custom": CustomLoop}
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_loop():
            assert type(asyncio.get_running_loop()).__name__ == "CustomLoop"
        """
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    if hasattr(pytest, "HIDDEN_PARAM"):  # pytest 8.4+
        result.stdout.fnmatch_lines(["*::test_loop PASSED*"])
    else:  # older pytest cannot hide an id: the name shows
        result.stdout.fnmatch_lines(["*::test_loop[[]custom[]] PASSED*"])


def test_the_marker_selects_a_subset(two_factories: pytest.Pytester) -> None:
    two_factories.makepyfile(
        """
        import pytest
        from loop_kind import kind_of_running_loop

        @pytest.mark.asyncio(loop_factories=["custom"])
        async def test_custom_only():
            assert kind_of_running_loop() == "custom"
        """
    )
    result = two_factories.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_custom_only[[]custom[]] PASSED*"])


def test_a_factory_the_hook_did_not_return_is_skipped(two_factories: pytest.Pytester) -> None:
    """As in 1.x: a hook may leave out a factory (say uvloop on Windows); its variants skip."""
    two_factories.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_factories=["uvloop", "custom"])
        async def test_some_missing():
            pass
        """
    )
    result = two_factories.runpytest("-v", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    reason = _messages.unavailable_loop_factory("uvloop", ["stdlib", "custom"])
    result.stdout.fnmatch_lines(
        ["*::test_some_missing[[]custom[]] PASSED*", f"SKIPPED * {reason}"], consecutive=False
    )


def test_an_unknown_name_beside_the_only_factory_is_skipped(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import asyncio

        def pytest_asyncio_loop_factories(config, item):
            return {"default": asyncio.new_event_loop}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_factories=["default", "exotic"])
        async def test_both():
            pass

        @pytest.mark.asyncio(loop_factories=["exotic"])
        async def test_exotic_only():
            pass
        """
    )
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*::test_both[[]default[]] PASSED*"])


@pytest.mark.parametrize("value", ['"custom"', "[]", '[""]', "[1]"])
def test_a_malformed_loop_factories_argument_fails_the_test(
    two_factories: pytest.Pytester, value: str
) -> None:
    two_factories.makepyfile(
        f"""
        import pytest

        @pytest.mark.asyncio(loop_factories={value})
        async def test_bad():
            pass

        @pytest.mark.asyncio
        async def test_good():
            pass
        """
    )
    result = two_factories.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    nodeid = "test_a_malformed_loop_factories_argument_fails_the_test.py::test_bad"
    message = _messages.bad_loop_factories_argument(nodeid, "asyncio", eval(value))
    result.stdout.fnmatch_lines([message])


def test_loop_factories_without_a_hook_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_factories=["uvloop"])
        async def test_x():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    nodeid = "test_loop_factories_without_a_hook_fails_the_test.py::test_x"
    result.stdout.fnmatch_lines([_messages.loop_factories_without_hook(nodeid, "asyncio")])


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        ("{}", "*it returned nothing: {}*"),
        ("{'': asyncio.new_event_loop}", "*a name is: ''*"),
        ("{1: asyncio.new_event_loop}", "*a name is: 1 (of type int)*"),
        ("{'loop': 'not callable'}", "*'loop' is: 'not callable'*"),
        ("[asyncio.new_event_loop]", "*it returned: [[]<*"),
    ],
)
def test_a_malformed_hook_result_is_a_usage_error(
    pytester: pytest.Pytester, returned: str, words: str
) -> None:
    pytester.makeconftest(
        f"""
        import asyncio

        def pytest_asyncio_loop_factories(config, item):
            return {returned}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_x():
            pass
        """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pytest_asyncio_loop_factories must return a non-empty*" + words])


def test_a_factory_that_makes_no_loop_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_asyncio_loop_factories():
            return {"broken": lambda: None}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_x():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*loop factory 'broken'*returned None (of type NoneType)*"])


def test_module_loops_are_one_per_factory(two_factories: pytest.Pytester) -> None:
    two_factories.makepyfile(
        """
        import asyncio
        import pytest
        from loop_kind import kind_of_running_loop

        pytestmark = pytest.mark.asyncio(loop_scope="module")
        loops = {}

        @pytest.fixture(scope="module")
        async def module_resource():
            return asyncio.get_running_loop()

        async def test_a(request, module_resource):
            assert module_resource is asyncio.get_running_loop()
            loops.setdefault(request.node.callspec.id, set()).add(asyncio.get_running_loop())

        async def test_b(request):
            assert kind_of_running_loop() == request.node.callspec.id
            loops.setdefault(request.node.callspec.id, set()).add(asyncio.get_running_loop())

        def test_loops_shared_within_a_factory_only():
            assert sorted(loops) == ["custom", "stdlib"]
            assert [len(found) for found in loops.values()] == [1, 1]
            assert loops["custom"].isdisjoint(loops["stdlib"])
        """
    )
    result = two_factories.runpytest("--asyncio-mode=auto", "-W", "error", "-p", "no:randomly")
    result.assert_outcomes(passed=5)


def test_a_hook_returning_none_changes_nothing(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_asyncio_loop_factories(config, item):
            return None
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_loop(request):
            assert not hasattr(request.node, "callspec")
            assert type(asyncio.get_running_loop()).__name__ == "_UnixSelectorEventLoop"
        """
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*::test_loop PASSED*"])


def test_the_factory_wins_over_an_overridden_policy(two_factories: pytest.Pytester) -> None:
    two_factories.makepyfile(
        """
        import asyncio
        import pytest
        from loop_kind import kind_of_running_loop

        class PolicyLoop(asyncio.SelectorEventLoop):
            pass

        class Policy(asyncio.DefaultEventLoopPolicy):
            def new_event_loop(self):
                return PolicyLoop()

        @pytest.fixture(scope="session")
        def event_loop_policy():
            return Policy()

        @pytest.mark.asyncio
        async def test_loop(request):
            assert kind_of_running_loop() == request.node.callspec.id
        """
    )
    two_factories.runpytest("-W", "ignore::DeprecationWarning").assert_outcomes(passed=2)


def test_session_async_fixture_with_function_loop_tests(two_factories: pytest.Pytester) -> None:
    two_factories.makepyfile(
        """
        import asyncio
        import pytest
        from loop_kind import kind_of_running_loop

        @pytest.fixture(scope="session")
        async def engine():
            return kind_of_running_loop()

        @pytest.mark.asyncio
        async def test_a(request, engine):
            assert engine == kind_of_running_loop() == request.node.callspec.id

        @pytest.mark.asyncio
        async def test_b(request, engine):
            assert engine == kind_of_running_loop() == request.node.callspec.id
        """
    )
    result = two_factories.runpytest("--asyncio-mode=auto", "-W", "error")
    result.assert_outcomes(passed=4)


def test_sync_tests_are_not_parametrized_as_in_1x(two_factories: pytest.Pytester) -> None:
    """Even one using a loop or an async fixture: the counts and ids of 1.x."""
    two_factories.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def running_loop_kind():
            return type(asyncio.get_running_loop()).__name__

        def test_uses_an_async_fixture(running_loop_kind):
            assert running_loop_kind == "_UnixSelectorEventLoop"

        def test_uses_the_loop(event_loop):
            assert type(event_loop).__name__ == "_UnixSelectorEventLoop"

        def test_plain():
            pass
        """
    )
    result = two_factories.runpytest("-v", "-W", "error")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*::test_uses_an_async_fixture PASSED*"])


def test_the_factory_id_comes_before_a_fixture_parameter(two_factories: pytest.Pytester) -> None:
    """The order of ids in 1.x, which ``-k`` and ``--deselect`` lists rely on."""
    two_factories.makepyfile(
        """
        import pytest

        @pytest.fixture(params=[1, 2], ids=["p1", "p2"])
        def number(request):
            return request.param

        @pytest.mark.asyncio
        async def test_both(number):
            pass
        """
    )
    result = two_factories.runpytest("--collect-only", "-q", "-p", "no:randomly")
    result.stdout.fnmatch_lines_random(
        [
            f"*::test_both[[]{factory}-{param}[]]"
            for factory in ("stdlib", "custom")
            for param in ("p1", "p2")
        ]
    )


def test_a_conftests_hook_serves_only_its_directory(pytester: pytest.Pytester) -> None:
    """As with every pytest hook a conftest implements, per item."""
    custom = pytester.mkpydir("custom")
    (custom / "conftest.py").write_text(TWO_FACTORIES)
    (custom / "test_inside.py").write_text(
        "import pytest\n\n@pytest.mark.asyncio\nasync def test_inside():\n    pass\n"
    )
    pytester.makepyfile(
        test_outside="import pytest\n\n@pytest.mark.asyncio\nasync def test_outside():\n    pass\n"
    )
    result = pytester.runpytest("-v", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines_random(
        [
            "*test_inside.py::test_inside[[]stdlib[]] PASSED*",
            "*test_inside.py::test_inside[[]custom[]] PASSED*",
            "*test_outside.py::test_outside PASSED*",
        ]
    )
