"""asyncio_mode: auto, strict and unset, from the ini file, the command line or a plugin.

Other async plugins (anyio here) must keep working beside ours in strict mode
and in the default (unset) mode, since suites mix them.
"""

from __future__ import annotations

import pytest

from pytest_asyncio import _messages

UNMARKED_TEST_AND_PLAIN_FIXTURE = """
    import asyncio
    import pytest

    @pytest.fixture
    async def plain():
        await asyncio.sleep(0)
        return "plain"

    async def test_unmarked(plain):
        assert plain == "plain"
        await asyncio.sleep(0)
"""


def test_auto_mode_from_ini_runs_unmarked_tests_and_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makepyfile(UNMARKED_TEST_AND_PLAIN_FIXTURE)
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)


def test_command_line_overrides_the_ini_mode(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makepyfile(UNMARKED_TEST_AND_PLAIN_FIXTURE)
    result = pytester.runpytest("--asyncio-mode=auto")
    result.assert_outcomes(passed=1)


def test_auto_mode_leaves_sync_tests_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        def test_sync():
            with __import__("pytest").raises(RuntimeError):
                asyncio.get_running_loop()
        """
    )
    result = pytester.runpytest("--asyncio-mode=auto", "-W", "error")
    result.assert_outcomes(passed=1)


def test_strict_mode_ignores_unmarked_tests_and_plain_async_fixtures(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        async def plain():
            return "plain"

        async def test_unmarked():
            pass

        @pytest.mark.asyncio
        async def test_marked_with_plain_fixture(plain):
            pass
        """
    )
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "ignore::pytest.PytestWarning")
    # The unmarked test is not ours: pytest itself refuses it (it skips it
    # before 8.4). The plain fixture of our marked test gets our message.
    if pytest.version_tuple >= (8, 4):
        result.assert_outcomes(failed=1, errors=1)
        result.stdout.fnmatch_lines(["*async def functions are not natively supported*"])
    else:
        result.assert_outcomes(skipped=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*requests the async fixture 'plain', which asyncio_mode=strict does not run*"]
    )
    result.stdout.no_fnmatch_line("*is not marked to run on a loop*")


def test_strict_mode_runs_marked_tests_and_declared_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture
        async def declared():
            await asyncio.sleep(0)
            yield "declared"

        @pytest.mark.asyncio
        async def test_marked(declared):
            assert declared == "declared"
        """
    )
    result = pytester.runpytest("--asyncio-mode=strict", "-W", "error")
    result.assert_outcomes(passed=1)


def test_unset_mode_needs_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        async def plain():
            return "plain"

        @pytest.mark.asyncio
        async def test_marked(plain):
            assert plain == "plain"

        async def test_unmarked():
            pass
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1, failed=1)
    words = _messages.unmarked_async_test("test_unset_mode_needs_the_marker.py::test_unmarked")
    result.stdout.fnmatch_lines([f"*{words[:60]}*"])


def test_the_command_line_puts_back_the_default_mode(pytester: pytest.Pytester) -> None:
    """The header shows ``mode=unset``; the same word undoes the ini's ``auto``."""
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makepyfile(
        """
        async def test_unmarked():
            pass
        """
    )
    pytester.runpytest("-W", "error").assert_outcomes(passed=1)
    result = pytester.runpytest("-W", "error", "--asyncio-mode=unset")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["asyncio: *, mode=unset, *"])
    words = _messages.unmarked_async_test(
        "test_the_command_line_puts_back_the_default_mode.py::test_unmarked"
    )
    result.stdout.fnmatch_lines([f"*{words[:60]}*"])


@pytest.mark.parametrize("where", ["ini", "cli"])
def test_invalid_mode_is_a_usage_error(pytester: pytest.Pytester, where: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    if where == "ini":
        pytester.makeini("[pytest]\nasyncio_mode = sloppy\n")
        result = pytester.runpytest()
    else:
        result = pytester.runpytest("--asyncio-mode=sloppy")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    option = "asyncio_mode" if where == "ini" else "--asyncio-mode"
    result.stderr.fnmatch_lines([f"*'sloppy' is not a valid {option}. Valid modes: auto, strict."])
    assert _messages.invalid_mode("sloppy", option) in result.stderr.str()


@pytest.mark.parametrize(("args", "shown"), [((), "unset"), (("--asyncio-mode=auto",), "auto")])
def test_report_header_shows_the_mode(
    pytester: pytest.Pytester, args: tuple[str, ...], shown: str
) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*args)
    result.stdout.fnmatch_lines([f"asyncio: *, mode={shown}*"])


def test_a_plugin_can_rewrite_the_mode_in_its_configure(pytester: pytest.Pytester) -> None:
    """pytest-aiohttp and others set ``config.option.asyncio_mode`` in pytest_configure."""
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makeconftest(
        """
        def pytest_configure(config):
            config.option.asyncio_mode = "auto"
        """
    )
    pytester.makepyfile(UNMARKED_TEST_AND_PLAIN_FIXTURE)
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["asyncio: *, mode=auto*"])


def test_a_plugin_writing_a_bad_mode_gets_the_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_configure(config):
            config.option.asyncio_mode = "legacy"
        """
    )
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    # Set where --asyncio-mode lands, so named as that option.
    result.stderr.fnmatch_lines(["*" + _messages.invalid_mode("legacy", "--asyncio-mode")])


ANYIO_BESIDE_ASYNCIO = """
    import asyncio
    import pytest

    pytest_plugins = ["anyio"]

    @pytest.fixture
    def anyio_backend():
        return "asyncio"

    @pytest.fixture
    async def anyio_resource():
        # Run by anyio: it sees anyio's loop, not one of ours.
        return asyncio.get_running_loop()

    @pytest.mark.anyio
    async def test_anyio_runs_it(anyio_resource):
        assert anyio_resource is asyncio.get_running_loop()

    @pytest.mark.asyncio
    async def test_ours_beside_it():
        await asyncio.sleep(0)
"""


@pytest.mark.parametrize("mode", ["strict", "unset", "auto"])
def test_anyio_tests_and_their_fixtures_are_left_to_anyio(
    pytester: pytest.Pytester, mode: str
) -> None:
    pytest.importorskip("anyio")
    pytester.makepyfile(ANYIO_BESIDE_ASYNCIO)
    args = () if mode == "unset" else (f"--asyncio-mode={mode}",)
    result = pytester.runpytest(*args, "-W", "error")
    result.assert_outcomes(passed=2)


def test_anyio_backend_fixture_alone_marks_a_test_as_anyio(pytester: pytest.Pytester) -> None:
    """anyio also runs tests that request ``anyio_backend`` without the marker."""
    pytest.importorskip("anyio")
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        pytest_plugins = ["anyio"]

        @pytest.fixture(params=["asyncio"])
        def anyio_backend(request):
            return request.param

        @pytest.fixture
        async def loop_of_fixture():
            return asyncio.get_running_loop()

        async def test_by_fixture(anyio_backend, loop_of_fixture):
            assert loop_of_fixture is asyncio.get_running_loop()
        """
    )
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)


def test_auto_mode_marks_the_tests_it_runs(pytester: pytest.Pytester) -> None:
    """As in pytest-asyncio 1.x, an auto-mode test carries the asyncio mark, once."""
    pytester.makeini("[pytest]\nmarkers = other: another mark\n")
    pytester.makepyfile(
        """
        import pytest

        def marks(request):
            return sorted(mark.name for mark in request.node.iter_markers())

        @pytest.mark.other
        async def test_unmarked(request):
            assert marks(request) == ["asyncio", "other"]

        @pytest.mark.asyncio
        async def test_marked(request):
            assert marks(request) == ["asyncio"]

        def test_sync(request):
            assert marks(request) == []
        """
    )
    result = pytester.runpytest("--asyncio-mode=auto", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


SELECTABLE = """
    import pytest

    async def test_unmarked():
        pass

    def test_sync():
        pass

    class TestGroup:
        async def test_method(self):
            pass
"""


@pytest.mark.parametrize(
    ("selection", "passed", "deselected"),
    [
        (["-m", "asyncio"], 2, 1),
        (["-k", "asyncio"], 2, 1),
        (["-m", "not asyncio"], 1, 2),
    ],
)
def test_auto_mode_tests_are_selected_by_their_mark(
    pytester: pytest.Pytester, selection: list[str], passed: int, deselected: int
) -> None:
    """As in pytest-asyncio 1.x, ``-m asyncio`` and ``-k asyncio`` pick the
    async tests auto mode runs, marked or not."""
    pytester.makepyfile(test_selection=SELECTABLE)
    result = pytester.runpytest("--asyncio-mode=auto", "-p", "no:cacheprovider", *selection)
    result.assert_outcomes(passed=passed, deselected=deselected)


def test_a_mark_a_hook_adds_after_auto_mode_is_honoured(pytester: pytest.Pytester) -> None:
    """A conftest hook that marks a test ``asyncio(loop_scope=...)`` after auto
    mode marked it gets that loop scope, not the auto mark's default."""
    pytester.makeconftest(
        """
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                if item.name.startswith("test_shared"):
                    item.add_marker(pytest.mark.asyncio(loop_scope="module"))
        """
    )
    pytester.makepyfile(
        """
        import asyncio

        loops = []

        async def test_shared_one():
            loops.append(asyncio.get_running_loop())

        async def test_shared_two():
            loops.append(asyncio.get_running_loop())
            assert loops[0] is loops[1]

        async def test_own():
            assert asyncio.get_running_loop() is not loops[0]
        """
    )
    result = pytester.runpytest("--asyncio-mode=auto", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
