"""``loop_scope``: on the marker, on ``@pytest_asyncio.fixture``, and as ini defaults.

Tests with the same loop scope under the same collector share one loop; a
fixture runs on the loop of the tests that use it; an overridden or
subclassed ``event_loop`` meets ``loop_scope`` as docs/migrating.rst says.
(Wide fixtures on a narrower override: test_fixture_scopes.py; a
session-scoped ``LoopFixture`` subclass: test_loop_override.py.)
"""

from __future__ import annotations

import textwrap

import pytest

from pytest_asyncio import _messages

SHARED_BY_SCOPE = """
    import asyncio
    import pytest

    SEEN = []

    class TestFirst:
        @pytest.mark.asyncio(loop_scope="{scope}")
        async def test_a(self):
            SEEN.append(asyncio.get_running_loop())

        @pytest.mark.asyncio(loop_scope="{scope}")
        async def test_b(self):
            SEEN.append(asyncio.get_running_loop())

    class TestSecond:
        @pytest.mark.asyncio(loop_scope="{scope}")
        async def test_c(self):
            SEEN.append(asyncio.get_running_loop())

    def test_check():
        a, b, c = SEEN
        assert a is b, "same class, same loop"
        assert (b is c) == {same_across_classes}
        assert not a.is_running()
"""


@pytest.mark.parametrize(
    ("scope", "same_across_classes"),
    [("class", False), ("module", True), ("package", True), ("session", True)],
)
def test_marker_loop_scope_shares_a_loop_per_collector(
    pytester: pytest.Pytester, scope: str, same_across_classes: bool
) -> None:
    pytester.makepyfile(
        SHARED_BY_SCOPE.format(scope=scope, same_across_classes=same_across_classes)
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=4)


def test_function_loop_scope_gives_each_test_its_own_loop(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        SEEN = []

        @pytest.mark.asyncio(loop_scope="function")
        async def test_a():
            SEEN.append(asyncio.get_running_loop())

        @pytest.mark.asyncio
        async def test_b():
            SEEN.append(asyncio.get_running_loop())

        def test_check():
            a, b = SEEN
            assert a is not b and a.is_closed()
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=3)


def _two_modules_in_two_packages(pytester: pytest.Pytester, scope: str) -> None:
    """Four test modules (two per package), each recording the loop of one test."""
    test = f"""
        import asyncio
        import pytest
        import loops

        @pytest.mark.asyncio(loop_scope="{scope}")
        async def test_record(request):
            loops.SEEN[request.node.nodeid] = asyncio.get_running_loop()
    """
    pytester.makepyfile(loops="SEEN = {}")
    for package in ("pkg_a", "pkg_b"):
        folder = pytester.mkpydir(package)
        for module in ("test_one.py", "test_two.py"):
            (folder / module).write_text(textwrap.dedent(test))
    pytester.makepyfile(
        test_zz_check=f"""
        import loops

        def test_check():
            loops_by_id = {{node.split("/")[0] + "/" + node.split("/")[1].split("::")[0]: loop
                           for node, loop in loops.SEEN.items()}}
            a1 = loops_by_id["pkg_a/test_one.py"]
            a2 = loops_by_id["pkg_a/test_two.py"]
            b1 = loops_by_id["pkg_b/test_one.py"]
            expected = {{"module": (False, False), "package": (True, False),
                         "session": (True, True)}}["{scope}"]
            assert ((a1 is a2), (a1 is b1)) == expected
        """
    )


@pytest.mark.parametrize("scope", ["module", "package", "session"])
def test_loops_are_shared_within_modules_packages_or_the_session(
    pytester: pytest.Pytester, scope: str
) -> None:
    _two_modules_in_two_packages(pytester, scope)
    result = pytester.runpytest("-W", "error", "-p", "no:randomly")
    result.assert_outcomes(passed=5)


FIXTURE_ON_TEST_LOOP = """
    import asyncio
    import pytest
    import pytest_asyncio

    @pytest_asyncio.fixture(scope="{scope}", loop_scope="{scope}")
    async def wide():
        return asyncio.get_running_loop()

    @pytest_asyncio.fixture
    async def narrow():
        return asyncio.get_running_loop()

    class TestIt:
        @pytest.mark.asyncio(loop_scope="{scope}")
        async def test_one(self, wide, narrow):
            assert wide is narrow is asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="{scope}")
        async def test_two(self, wide, narrow):
            assert wide is narrow is asyncio.get_running_loop()
"""


@pytest.mark.parametrize("scope", ["class", "module", "package", "session"])
def test_fixture_runs_on_the_loop_of_its_tests(pytester: pytest.Pytester, scope: str) -> None:
    pytester.makepyfile(FIXTURE_ON_TEST_LOOP.format(scope=scope))
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "error")
    result.assert_outcomes(passed=2)


def test_function_fixture_with_wide_loop_scope(pytester: pytest.Pytester) -> None:
    """A function-scoped fixture may run on a wider loop (``loop_scope`` >= scope)."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(loop_scope="module")
        async def fresh_each_time():
            return asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_one(fresh_each_time):
            assert fresh_each_time is asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_two(fresh_each_time):
            assert fresh_each_time is asyncio.get_running_loop()
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=2)


def test_ini_default_test_loop_scope(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_test_loop_scope = module\n")
    pytester.makepyfile(
        """
        import asyncio

        SEEN = []

        async def test_a():
            SEEN.append(asyncio.get_running_loop())

        async def test_b():
            SEEN.append(asyncio.get_running_loop())
            assert SEEN[0] is SEEN[1]
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=2)


def test_ini_default_fixture_loop_scope(pytester: pytest.Pytester) -> None:
    """As aiosmtplib 4 configures it: fixtures on the session loop, tests on their own."""
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
    )
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture(scope="session")
        async def session_loop():
            return asyncio.get_running_loop()

        @pytest.fixture(scope="module")
        async def module_fixture_loop():
            return asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="session")
        async def test_on_session_loop(session_loop, module_fixture_loop):
            assert session_loop is module_fixture_loop is asyncio.get_running_loop()

        async def test_on_own_loop(session_loop):
            assert session_loop is not asyncio.get_running_loop()
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "option", ["asyncio_default_fixture_loop_scope", "asyncio_default_test_loop_scope"]
)
def test_invalid_ini_loop_scope_is_a_usage_error(pytester: pytest.Pytester, option: str) -> None:
    pytester.makeini(f"[pytest]\n{option} = galaxy\n")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert _messages.invalid_scope(option, "galaxy") in result.stderr.str()


def test_invalid_marker_loop_scope_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_scope="galaxy")
        async def test_bad():
            pass

        @pytest.mark.asyncio
        async def test_good():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            _messages.invalid_marker_scope(
                "test_invalid_marker_loop_scope_fails_the_test.py::test_bad", "asyncio", "galaxy"
            )
        ]
    )


def test_invalid_fixture_loop_scope_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest_asyncio

        @pytest_asyncio.fixture(loop_scope="galaxy")
        async def bad():
            return 1

        def test_nothing():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*" + _messages.invalid_scope("loop_scope", "galaxy")])


def test_loop_scope_narrower_than_fixture_scope(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(scope="module", loop_scope="function")
        async def too_wide():
            return 1

        @pytest.mark.asyncio
        async def test_it(too_wide):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    words = _messages.loop_scope_narrower_than_scope("too_wide", "module", "function")
    result.stdout.fnmatch_lines([f"*{words[:50]}*"])


SESSION_EVENT_LOOP_OVERRIDE = """
    import asyncio
    import pytest

    @pytest.fixture(scope="session")
    def event_loop():
        loop = asyncio.new_event_loop()
        loop.made_by_user = True
        yield loop
        loop.close()
"""


def test_session_event_loop_override_as_in_0_21(pytester: pytest.Pytester) -> None:
    """Every marked test, every async fixture of any scope: one session loop."""
    pytester.makeconftest(
        SESSION_EVENT_LOOP_OVERRIDE
        + """
    @pytest.fixture(scope="session")
    async def connection():
        return asyncio.get_running_loop()
    """
    )
    pytester.makepyfile(
        test_one="""
        import asyncio
        import pytest

        @pytest.fixture(scope="module")
        async def per_module(connection):
            return asyncio.get_running_loop()

        @pytest.fixture
        async def per_test():
            return asyncio.get_running_loop()

        @pytest.mark.asyncio
        async def test_one(event_loop, connection, per_module, per_test):
            assert event_loop.made_by_user
            assert asyncio.get_running_loop() is event_loop
            assert connection is per_module is per_test is event_loop
        """,
        test_two="""
        import asyncio
        import pytest

        pytestmark = pytest.mark.asyncio

        async def test_two(event_loop, connection):
            assert asyncio.get_running_loop() is event_loop is connection

        def test_sync_fixture_may_drive_it(event_loop):
            assert event_loop.run_until_complete(asyncio.sleep(0, "ok")) == "ok"
        """,
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=3)


def test_session_event_loop_override_beside_loop_scope(pytester: pytest.Pytester) -> None:
    """A plain override makes only its own loop; loop_scope gets the plugin's loops."""
    pytester.makeconftest(SESSION_EVENT_LOOP_OVERRIDE)
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_on_override(event_loop):
            assert asyncio.get_running_loop() is event_loop

        @pytest.mark.asyncio(loop_scope="module")
        async def test_on_module_loop(event_loop):
            loop = asyncio.get_running_loop()
            assert loop is not event_loop
            assert not hasattr(loop, "made_by_user")
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=2)


LOOP_SUBCLASS_CONFTEST = """
    import asyncio
    from pytest_asyncio import LoopFixture

    class TaggedLoop(asyncio.SelectorEventLoop):
        pass

    class MyLoops(LoopFixture):
        def new_loop(self):
            return TaggedLoop()

    event_loop = MyLoops.fixture()
"""


@pytest.mark.parametrize("scope", ["function", "class", "module", "package", "session"])
def test_loop_fixture_subclass_makes_loops_of_every_scope(
    pytester: pytest.Pytester, scope: str
) -> None:
    pytester.makeconftest(LOOP_SUBCLASS_CONFTEST)
    pytester.makepyfile(
        f"""
        import asyncio
        import pytest
        import pytest_asyncio
        from conftest import TaggedLoop

        @pytest_asyncio.fixture(scope="{scope}", loop_scope="{scope}")
        async def fixture_loop():
            return asyncio.get_running_loop()

        class TestIt:
            @pytest.mark.asyncio(loop_scope="{scope}")
            async def test_tagged(self, fixture_loop):
                assert isinstance(asyncio.get_running_loop(), TaggedLoop)
                assert fixture_loop is asyncio.get_running_loop()
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)


def test_fixture_scope_default_is_accepted_as_in_1x(pytester: pytest.Pytester) -> None:
    """``fixture-scope``: each async fixture runs on the loop of its own scope."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = fixture-scope\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(scope="module")
        async def module_loop():
            return asyncio.get_running_loop()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_on_the_module_loop(module_loop):
            assert module_loop is asyncio.get_running_loop()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["asyncio: *default fixture loop scope=(fixture's scope)"])
