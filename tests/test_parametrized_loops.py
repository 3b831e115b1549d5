"""A loop with a parameter behind it runs each test that uses it once per value.

The ids and counts are those of pytest-asyncio 0.21 (a parametrized
``event_loop``) and 1.5 (a parametrized ``event_loop_policy``), except that a
marked test with no fixtures runs once per loop where 0.21 errored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _asyncio_compat

if TYPE_CHECKING:
    from conftest import RunClean

LOOP_CLASSES = """
import asyncio

import pytest

import pytest_asyncio


class LoopA(asyncio.SelectorEventLoop):
    pass


class LoopB(asyncio.SelectorEventLoop):
    pass


def running():
    return type(asyncio.get_running_loop()).__name__
"""

PARAMETRIZED_EVENT_LOOP = (
    LOOP_CLASSES
    + """

@pytest.fixture(scope={scope!r}, params=[LoopA, LoopB], ids=["LoopA", "LoopB"])
def event_loop(request):
    loop = request.param()
    yield loop
    loop.close()
"""
)

FUNCTION_SCOPE_SUITE = """

@pytest_asyncio.fixture
async def on_loop():
    return running()


@pytest_asyncio.fixture(params=[1, 2])
async def numbered(request):
    return request.param


@pytest.fixture(params=["x", "y"])
def lettered(request):
    return request.param


@pytest.mark.asyncio
async def test_plain(request):
    assert running() == request.node.callspec.params["event_loop"].__name__


@pytest.mark.asyncio
async def test_async_fixture(on_loop):
    assert on_loop == running()


@pytest.mark.asyncio
async def test_parametrized_async_fixture(numbered):
    pass


@pytest.mark.asyncio
async def test_parametrized_sync_fixture(lettered):
    pass


@pytest.mark.asyncio
@pytest.mark.parametrize("n", [1, 2])
async def test_parametrized(n):
    pass


def test_sync_with_async_fixture(on_loop, request):
    assert on_loop == request.node.callspec.params["event_loop"].__name__


def test_sync():
    pass


@pytest.mark.asyncio
async def test_requests_it(event_loop):
    assert event_loop is asyncio.get_running_loop()
"""


def test_a_parametrized_event_loop_runs_each_test_on_each_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(PARAMETRIZED_EVENT_LOOP.format(scope="function") + FUNCTION_SCOPE_SUITE)
    collected = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    collected.stdout.fnmatch_lines(
        [
            "*::test_plain[[]LoopA[]]",
            "*::test_plain[[]LoopB[]]",
            "*::test_async_fixture[[]LoopA[]]",
            "*::test_async_fixture[[]LoopB[]]",
            "*::test_parametrized_async_fixture[[]1-LoopA[]]",
            "*::test_parametrized_async_fixture[[]1-LoopB[]]",
            "*::test_parametrized_async_fixture[[]2-LoopA[]]",
            "*::test_parametrized_async_fixture[[]2-LoopB[]]",
            "*::test_parametrized_sync_fixture[[]x-LoopA[]]",
            "*::test_parametrized_sync_fixture[[]x-LoopB[]]",
            "*::test_parametrized_sync_fixture[[]y-LoopA[]]",
            "*::test_parametrized_sync_fixture[[]y-LoopB[]]",
            "*::test_parametrized[[]LoopA-1[]]",
            "*::test_parametrized[[]LoopA-2[]]",
            "*::test_parametrized[[]LoopB-1[]]",
            "*::test_parametrized[[]LoopB-2[]]",
            "*::test_sync_with_async_fixture[[]LoopA[]]",
            "*::test_sync_with_async_fixture[[]LoopB[]]",
            "*::test_sync",
            "*::test_requests_it[[]LoopA[]]",
            "*::test_requests_it[[]LoopB[]]",
        ],
        consecutive=True,
    )
    collected.stdout.fnmatch_lines(["21 tests collected*"])
    run_clean().assert_outcomes(passed=21)


def test_with_pytest_repeat(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        PARAMETRIZED_EVENT_LOOP.format(scope="function")
        + """

@pytest.mark.asyncio
async def test_plain(request):
    assert running() == request.node.callspec.params["event_loop"].__name__
"""
    )
    result = run_clean("-p", "repeat", "--count", "2", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*::test_plain[[]LoopA-1-2[]] PASSED*",
            "*::test_plain[[]LoopA-2-2[]] PASSED*",
            "*::test_plain[[]LoopB-1-2[]] PASSED*",
            "*::test_plain[[]LoopB-2-2[]] PASSED*",
        ]
    )


def test_a_module_scoped_parametrized_event_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """pytest groups the tests by the wide parameter; a wide fixture follows its loop."""
    pytester.makepyfile(
        PARAMETRIZED_EVENT_LOOP.format(scope="module")
        + """

LOOPS = []


@pytest_asyncio.fixture(scope="module")
async def module_resource():
    LOOPS.append(asyncio.get_running_loop())
    return running()


@pytest_asyncio.fixture(params=[1, 2])
async def numbered(request):
    return request.param


@pytest.mark.asyncio
async def test_plain(request):
    assert running() == request.node.callspec.params["event_loop"].__name__


@pytest.mark.asyncio
async def test_module_resource(module_resource):
    assert module_resource == running()
    assert LOOPS[-1] is asyncio.get_running_loop()


@pytest.mark.asyncio
async def test_numbered(numbered):
    pass


def test_sync():
    assert [type(loop).__name__ for loop in LOOPS] == ["LoopA", "LoopB"]
"""
    )
    result = run_clean("-v")
    result.assert_outcomes(passed=9)
    result.stdout.fnmatch_lines(
        [
            "*::test_plain[[]LoopA[]] PASSED*",
            "*::test_module_resource[[]LoopA[]] PASSED*",
            "*::test_numbered[[]LoopA-1[]] PASSED*",
            "*::test_numbered[[]LoopA-2[]] PASSED*",
            "*::test_plain[[]LoopB[]] PASSED*",
            "*::test_module_resource[[]LoopB[]] PASSED*",
            "*::test_numbered[[]LoopB-1[]] PASSED*",
            "*::test_numbered[[]LoopB-2[]] PASSED*",
            "*::test_sync PASSED*",
        ],
        consecutive=True,
    )


POLICIES = """
import asyncio

import pytest


class LoopA(asyncio.SelectorEventLoop):
    pass


class LoopB(asyncio.SelectorEventLoop):
    pass


class PolicyA(asyncio.DefaultEventLoopPolicy):
    _loop_factory = LoopA


class PolicyB(asyncio.DefaultEventLoopPolicy):
    _loop_factory = LoopB


@pytest.fixture(scope="session", params=["a", "b"])
def event_loop_policy(request):
    return PolicyA() if request.param == "a" else PolicyB()
"""

POLICY_SUITE = """
import asyncio

import pytest

import pytest_asyncio


def expected(request):
    return "Loop" + request.node.callspec.params["event_loop_policy"].upper()


def running():
    return type(asyncio.get_running_loop()).__name__


@pytest_asyncio.fixture(params=[1, 2])
async def numbered(request):
    return request.param


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_resource():
    return running()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def session_resource():
    return running()


@pytest.mark.asyncio
async def test_plain(request):
    assert running() == expected(request)


@pytest.mark.asyncio
async def test_numbered(request, numbered):
    assert running() == expected(request)


@pytest.mark.asyncio
@pytest.mark.parametrize("n", [1, 2])
async def test_parametrized(n):
    pass


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop(request, module_resource):
    assert running() == module_resource == expected(request)


@pytest.mark.asyncio(loop_scope="session")
async def test_session_loop(request, session_resource):
    assert running() == session_resource == expected(request)


def test_sync():
    pass
"""


def test_a_parametrized_policy_parametrizes_every_test(pytester: pytest.Pytester) -> None:
    """As in pytest-asyncio 1.x, where the policy fixture is autouse; every
    loop scope makes its loops from the parameter's policy."""
    before = _asyncio_compat.default_policy()
    pytester.makeconftest(POLICIES)
    pytester.makepyfile(POLICY_SUITE)
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=16)
    # The loops ended in another order than they began: the policy is still put back.
    assert _asyncio_compat.default_policy() is before
    lines = [
        "*::test_plain[[]{p}[]] PASSED*",
        "*::test_numbered[[]{p}-1[]] PASSED*",
        "*::test_numbered[[]{p}-2[]] PASSED*",
        "*::test_parametrized[[]{p}-1[]] PASSED*",
        "*::test_parametrized[[]{p}-2[]] PASSED*",
        "*::test_module_loop[[]{p}[]] PASSED*",
        "*::test_session_loop[[]{p}[]] PASSED*",
        "*::test_sync[[]{p}[]] PASSED*",
    ]
    result.stdout.fnmatch_lines(
        [line.format(p=p) for p in "ab" for line in lines], consecutive=True
    )


def test_a_parametrized_policy_with_pytest_repeat(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(POLICIES)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_scope="module")
        async def test_module_loop():
            pass
        """
    )
    result = pytester.runpytest("--collect-only", "-q", "-p", "repeat", "--count", "2")
    result.stdout.fnmatch_lines(
        [
            "*::test_module_loop[[]a-1-2[]]",
            "*::test_module_loop[[]a-2-2[]]",
            "*::test_module_loop[[]b-1-2[]]",
            "*::test_module_loop[[]b-2-2[]]",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["4 tests collected*"])


def test_an_override_that_depends_on_a_parametrized_fixture(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        LOOP_CLASSES
        + """

@pytest.fixture(params=["a", "b"])
def kind(request):
    return request.param


@pytest.fixture
def event_loop(kind):
    loop = LoopA() if kind == "a" else LoopB()
    yield loop
    loop.close()


@pytest.mark.asyncio
async def test_plain(request):
    assert running() == "Loop" + request.node.callspec.params["kind"].upper()
"""
    )
    result = run_clean("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*::test_plain[[]a[]] PASSED*", "*::test_plain[[]b[]] PASSED*"])


def test_unparametrized_loops_add_nothing(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    """Without a parameter behind a loop, the tests keep their own names."""
    pytester.makepyfile(
        LOOP_CLASSES
        + """

@pytest.fixture
def event_loop():
    loop = LoopA()
    yield loop
    loop.close()


@pytest_asyncio.fixture(params=[1, 2])
async def numbered(request):
    return request.param


@pytest.mark.asyncio
async def test_plain():
    assert running() == "LoopA"


@pytest.mark.asyncio
async def test_numbered(numbered):
    assert running() == "LoopA"
"""
    )
    result = run_clean("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*::test_plain PASSED*",
            "*::test_numbered[[]1[]] PASSED*",
            "*::test_numbered[[]2[]] PASSED*",
        ]
    )


def test_a_parametrized_loop_fixture_subclass(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """``fixture(params=..., ids=...)``: each value reaches ``new_loop`` as ``self.param``;
    loops of other loop scopes are made with ``param`` left ``None``."""
    pytester.makeconftest(
        """
        import asyncio

        from pytest_asyncio import LoopFixture


        class LoopA(asyncio.SelectorEventLoop):
            pass


        class LoopB(asyncio.SelectorEventLoop):
            pass


        class ChosenLoop(LoopFixture):
            def new_loop(self) -> asyncio.AbstractEventLoop:
                if self.param is None:
                    return super().new_loop()
                return self.param()


        event_loop = ChosenLoop.fixture(params=[LoopA, LoopB], ids=["a", "b"])
        """
    )
    pytester.makepyfile(
        """
        import asyncio

        import pytest

        import pytest_asyncio


        @pytest_asyncio.fixture
        async def on_loop():
            return type(asyncio.get_running_loop()).__name__


        @pytest.mark.asyncio
        async def test_function(request, on_loop):
            assert on_loop == "Loop" + request.node.callspec.id.upper()


        @pytest.mark.asyncio(loop_scope="module")
        async def test_module():
            assert not type(asyncio.get_running_loop()).__name__.startswith("Loop")
        """
    )
    result = run_clean("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*::test_function[[]a[]] PASSED*",
            "*::test_function[[]b[]] PASSED*",
            "*::test_module PASSED*",
        ]
    )
