"""Putting an AsyncioPlugin subclass in place for the whole session.

A rootdir ``conftest.py`` or a ``-p`` plugin names it as
``pytest_asyncio_plugin_class``; the plugin's own fixtures and every loop it
makes then come from the subclass's classes. A wrong value is a usage error.
"""

from __future__ import annotations

import pytest

from pytest_asyncio import _messages

PLUGIN = """
    import asyncio
    import os
    from concurrent.futures import Executor, ThreadPoolExecutor

    import pytest_asyncio


    class TaggedLoop(asyncio.SelectorEventLoop):
        pass


    class TaggedLoopFixture(pytest_asyncio.LoopFixture):
        def new_loop(self) -> asyncio.AbstractEventLoop:
            return TaggedLoop()


    class ThreadPoolLoop(pytest_asyncio.ProcessPoolLoopFixture):
        def new_executor(self) -> Executor:
            return ThreadPoolExecutor(max_workers=1)


    class TaggedPlugin(pytest_asyncio.AsyncioPlugin):
        loop_class = TaggedLoopFixture
        process_pool_class = ThreadPoolLoop


    pytest_asyncio_plugin_class = TaggedPlugin
"""

TESTS = """
    import asyncio
    import os

    import pytest
    import pytest_asyncio


    def test_the_plugin_object_is_the_subclass(pytestconfig):
        plugin = pytestconfig.pluginmanager.get_plugin("asyncio-plugin")
        assert type(plugin).__name__ == "TaggedPlugin"
        assert isinstance(plugin, pytest_asyncio.AsyncioPlugin)


    @pytest.mark.asyncio
    async def test_the_default_loop():
        assert type(asyncio.get_running_loop()).__name__ == "TaggedLoop"


    def test_the_fixture(event_loop):
        assert type(event_loop).__name__ == "TaggedLoop"


    @pytest.mark.asyncio(loop_scope="module")
    async def test_a_scoped_loop():
        assert type(asyncio.get_running_loop()).__name__ == "TaggedLoop"


    @pytest_asyncio.fixture(loop_scope="session")
    async def session_loop_type():
        return type(asyncio.get_running_loop()).__name__


    @pytest.mark.asyncio(loop_scope="session")
    async def test_an_async_fixture_loop(session_loop_type):
        assert session_loop_type == "TaggedLoop"


    @pytest.mark.asyncio_process_pool
    async def test_the_process_pool_loop():
        loop = asyncio.get_running_loop()
        assert type(loop).__name__ == "TaggedLoop"
        assert await loop.run_in_executor(None, os.getpid) == os.getpid()
"""


def test_a_rootdir_conftest_names_the_plugin_class(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(PLUGIN)
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=6)


def test_a_plugin_loaded_with_p_names_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(tagged_plugin=PLUGIN)
    pytester.makepyfile(TESTS)
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "tagged_plugin", "-W", "error")
    result.assert_outcomes(passed=6)


def test_a_test_modules_event_loop_still_wins(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(PLUGIN)
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            yield loop
            loop.close()

        @pytest.mark.asyncio
        async def test_it():
            assert type(asyncio.get_running_loop()).__name__ != "TaggedLoop"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=1)


def test_without_a_subclass_the_plugin_is_asyncio_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest_asyncio

        def test_it(pytestconfig):
            plugin = pytestconfig.pluginmanager.get_plugin("asyncio-plugin")
            assert type(plugin) is pytest_asyncio.AsyncioPlugin
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("value", "described"),
    [
        ("42", "42 (of type int)"),
        ("pytest_asyncio.LoopFixture", "<class 'pytest_asyncio.LoopFixture'>*"),
    ],
    ids=["a number", "another class"],
)
def test_a_value_that_is_not_a_subclass_is_a_usage_error(
    pytester: pytest.Pytester, value: str, described: str
) -> None:
    pytester.makeconftest(f"import pytest_asyncio\n\npytest_asyncio_plugin_class = {value}\n")
    pytester.makepyfile("def test_never(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    expected = _messages.not_a_plugin_class(42).split(", got", 1)[0]
    result.stderr.fnmatch_lines([f"*{expected}, got {described}*"])


def test_a_class_attribute_of_the_wrong_kind_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest_asyncio

        class Wrong(pytest_asyncio.AsyncioPlugin):
            loop_class = int

        pytest_asyncio_plugin_class = Wrong
        """
    )
    pytester.makepyfile("def test_never(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*Wrong.loop_class must name subclasses of pytest_asyncio.LoopFixture, got *int*"]
    )


def test_two_different_classes_are_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "import pytest_asyncio\n\n"
        "class One(pytest_asyncio.AsyncioPlugin):\n    pass\n\n"
        "pytest_asyncio_plugin_class = One\n"
    )
    pytester.makepyfile(
        other_plugin="import pytest_asyncio\n\n"
        "class Two(pytest_asyncio.AsyncioPlugin):\n    pass\n\n"
        "pytest_asyncio_plugin_class = Two\n"
    )
    pytester.makepyfile(test_it="def test_never(): pass")
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "other_plugin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pytest_asyncio_plugin_class names more than one class: *"])


def test_a_conftest_below_the_rootdir_comes_too_late(pytester: pytest.Pytester) -> None:
    """Collection loads it after the plugin object exists: say where to put it."""
    package = pytester.mkpydir("sub")
    (package / "conftest.py").write_text(
        "import pytest_asyncio\n\n"
        "class Late(pytest_asyncio.AsyncioPlugin):\n    pass\n\n"
        "pytest_asyncio_plugin_class = Late\n"
    )
    (package / "test_it.py").write_text("def test_never(): pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", str(pytester.path))
    # shown as pytest shows a usage error: the message alone, no plugin frames
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: pytest_asyncio_plugin_class = *Late* comes too late*"])
    output = result.stdout.str() + result.stderr.str()
    assert "_caller.py" not in output and "_manager.py" not in output  # pluggy's frames
    assert "asyncio_plugin.py" not in output


def test_no_marker_class_at_all_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest_asyncio

        class Unmarked(pytest_asyncio.AsyncioPlugin):
            marker_classes = ()

        pytest_asyncio_plugin_class = Unmarked
        """
    )
    pytester.makepyfile("def test_never(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*Unmarked.marker_classes must name subclasses of pytest_asyncio.AsyncMarker, got None*"]
    )


def test_beside_a_plain_event_loop_other_loops_come_from_the_plugins_class(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(PLUGIN)
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def event_loop():
            loop = asyncio.new_event_loop()
            yield loop
            loop.close()

        @pytest.mark.asyncio
        async def test_the_plain_loop():
            assert type(asyncio.get_running_loop()).__name__ != "TaggedLoop"

        @pytest.mark.asyncio(loop_scope="module")
        async def test_a_module_loop():
            assert type(asyncio.get_running_loop()).__name__ == "TaggedLoop"

        @pytest.mark.asyncio_process_pool
        async def test_the_process_pool_loop():
            assert type(asyncio.get_running_loop()).__name__ == "TaggedLoop"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=3)
