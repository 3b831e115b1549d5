"""``event_loop_policy``: suites of the 0.23 to 1.x era override it to get uvloop.

The plugin makes loops from the user's policy and, as 1.x does, installs it
while such a loop lives; a suite that does not override the fixture meets no
deprecated policy API (Python 3.14 deprecates them) through the plugin.
"""

from __future__ import annotations

import pytest

uvloop = pytest.importorskip("uvloop")

UVLOOP_POLICY = """
    import pytest
    import uvloop

    @pytest.fixture(scope="session")
    def event_loop_policy():
        return uvloop.EventLoopPolicy()
"""

ON_UVLOOP = """
    import asyncio
    import pytest
    import pytest_asyncio
    import uvloop

    @pytest_asyncio.fixture
    async def fixture_loop():
        return asyncio.get_running_loop()

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def module_loop():
        return asyncio.get_running_loop()

    @pytest.mark.asyncio
    async def test_function_loop(fixture_loop):
        assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
        assert fixture_loop is asyncio.get_running_loop()

    @pytest.mark.asyncio(loop_scope="module")
    async def test_module_loop(module_loop):
        assert isinstance(module_loop, uvloop.Loop)
        assert module_loop is asyncio.get_running_loop()

    def test_sync_gets_a_uvloop_too(event_loop):
        assert isinstance(event_loop, uvloop.Loop)
"""


def test_overriding_the_policy_gives_uvloop_everywhere(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(UVLOOP_POLICY)
    pytester.makepyfile(ON_UVLOOP)
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=3)


def test_the_policy_is_installed_only_while_its_loops_live(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(UVLOOP_POLICY)
    pytester.makepyfile(
        """
        import asyncio
        import warnings
        import pytest
        import uvloop

        def policy():
            with warnings.catch_warnings():  # deprecated from Python 3.14 on
                warnings.simplefilter("ignore", DeprecationWarning)
                return asyncio.get_event_loop_policy()

        @pytest.mark.asyncio
        async def test_on_uvloop():
            assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
            assert isinstance(policy(), uvloop.EventLoopPolicy)

        def test_policy_untouched():
            with warnings.catch_warnings():  # deprecated from Python 3.14 on
                warnings.simplefilter("ignore", DeprecationWarning)
                policy = asyncio.get_event_loop_policy()
            assert not isinstance(policy, uvloop.EventLoopPolicy)
        """
    )
    result = pytester.runpytest("-W", "error", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_parametrized_policy_runs_each_test_once_per_policy(pytester: pytest.Pytester) -> None:
    """The 0.23 documentation's way to test on asyncio and uvloop alike."""
    pytester.makeconftest(
        """
        import asyncio
        import pytest
        import uvloop

        @pytest.fixture(
            scope="session",
            params=[asyncio.DefaultEventLoopPolicy(), uvloop.EventLoopPolicy()],
            ids=["asyncio", "uvloop"],
        )
        def event_loop_policy(request):
            return request.param
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import uvloop

        @pytest.mark.asyncio
        async def test_loop_kind(request, event_loop_policy):
            on_uvloop = isinstance(asyncio.get_running_loop(), uvloop.Loop)
            assert on_uvloop == request.node.name.endswith("[uvloop]")
        """
    )
    result = pytester.runpytest("-v", "-p", "no:warnings")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*test_loop_kind?asyncio? PASSED*", "*test_loop_kind?uvloop? PASSED*"]
    )


def test_function_scoped_custom_policy(pytester: pytest.Pytester) -> None:
    """As aiostream 0.6 does: a policy whose loops are a test class of the suite's own."""
    pytester.makeconftest(
        """
        import asyncio
        import pytest

        class RecordingLoop(asyncio.SelectorEventLoop):
            pass

        class RecordingPolicy(asyncio.DefaultEventLoopPolicy):
            def new_event_loop(self):
                return RecordingLoop()

        @pytest.fixture
        def event_loop_policy():
            return RecordingPolicy()
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from conftest import RecordingLoop

        @pytest.mark.asyncio
        async def test_on_recording_loop(event_loop):
            assert isinstance(event_loop, RecordingLoop)
            assert asyncio.get_running_loop() is event_loop
        """
    )
    result = pytester.runpytest("-p", "no:warnings")
    result.assert_outcomes(passed=1)


def test_no_deprecation_warning_without_an_override(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def value():
            return 1

        @pytest.mark.asyncio
        async def test_async(value, event_loop):
            assert asyncio.get_running_loop() is event_loop

        @pytest.mark.asyncio(loop_scope="module")
        async def test_module_loop(event_loop_policy):
            assert event_loop_policy is not None

        def test_sync(event_loop):
            assert not event_loop.is_closed()
        """
    )
    result = pytester.runpytest("-W", "error::DeprecationWarning", "-W", "error")
    result.assert_outcomes(passed=3)


def test_a_class_level_policy_is_in_force_for_that_class_only(pytester: pytest.Pytester) -> None:
    """No uvloop needed: a policy class of the suite's own, defined in a test class."""
    pytester.makepyfile(
        """
        import asyncio
        import warnings
        import pytest

        with warnings.catch_warnings():  # deprecated from Python 3.14 on
            warnings.simplefilter("ignore", DeprecationWarning)

            class CustomPolicy(asyncio.DefaultEventLoopPolicy):
                pass

        def policy():
            with warnings.catch_warnings():  # deprecated from Python 3.14 on
                warnings.simplefilter("ignore", DeprecationWarning)
                return asyncio.get_event_loop_policy()

        class TestCustom:
            @pytest.fixture(scope="class")
            @classmethod
            def event_loop_policy(cls):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    return CustomPolicy()

            @pytest.mark.asyncio
            async def test_custom(self):
                assert isinstance(policy(), CustomPolicy)

        @pytest.mark.asyncio
        async def test_default():
            assert not isinstance(policy(), CustomPolicy)

        def test_sync_after():
            assert not isinstance(policy(), CustomPolicy)
        """
    )
    result = pytester.runpytest("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_the_original_policy_is_back_when_loops_end_out_of_order(
    pytester: pytest.Pytester,
) -> None:
    """A module loop outlives the function loops made after it: the policy in
    force before the first of them is the one put back after the last."""
    from pytest_asyncio import _asyncio_compat

    before = _asyncio_compat.default_policy()
    pytester.makeconftest(
        """
        import asyncio

        import pytest


        class PolicyA(asyncio.DefaultEventLoopPolicy):
            pass


        class PolicyB(asyncio.DefaultEventLoopPolicy):
            pass


        @pytest.fixture(scope="session", params=[PolicyA, PolicyB])
        def event_loop_policy(request):
            return request.param()
        """
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.asyncio
        async def test_on_a_function_loop():
            pass


        @pytest.mark.asyncio(loop_scope="session")
        async def test_on_the_session_loop():
            pass


        @pytest.mark.asyncio(loop_scope="module")
        async def test_on_the_module_loop():
            pass


        @pytest.mark.asyncio
        async def test_on_another_function_loop():
            pass
        """
    )
    pytester.runpytest("-W", "error").assert_outcomes(passed=8)
    assert _asyncio_compat.default_policy() is before
