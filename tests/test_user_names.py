"""Messages name what the user wrote: a loop by its ``loop_scope``, never a private fixture.

The loops of ``loop_scope="class"`` (module, package, session) are private
fixtures of the plugin; a report says which tests share the loop and the
``loop_scope`` that chose it. ``pytest --fixtures`` shows no heading for a
module whose fixtures it hides.
"""

from __future__ import annotations

import re

import pytest

from pytest_asyncio import _messages

#: A private loop fixture's name (``_event_loop_module``...), not ``new_event_loop``.
PRIVATE_NAME = re.compile(r"(?<!\w)_event_loop\w*")

LEAKS_ON_EVERY_SCOPE = """
    import asyncio
    import pytest

    def leak():
        asyncio.get_running_loop().create_task(asyncio.sleep(60))

    @pytest.mark.asyncio(loop_scope="module")
    async def test_module():
        leak()

    class TestShared:
        @pytest.mark.asyncio(loop_scope="class")
        async def test_class(self):
            leak()

    @pytest.mark.asyncio(loop_scope="package")
    async def test_package():
        leak()

    @pytest.mark.asyncio(loop_scope="session")
    async def test_session():
        leak()
"""


def test_a_leak_on_a_shared_loop_names_its_loop_scope(pytester: pytest.Pytester) -> None:
    pytester.mkpydir("pkg")
    pytester.makepyfile(**{"pkg/test_api": LEAKS_ON_EVERY_SCOPE})
    result = pytester.runpytest("-rA", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    output = result.stdout.str()
    assert not PRIVATE_NAME.search(output)
    for line in [
        'the loop shared by the tests of pkg/test_api.py (loop_scope="module")',
        'the loop shared by the tests of class pkg/test_api.py::TestShared (loop_scope="class")',
        'the loop shared by the tests of package pkg (loop_scope="package")',
        'the loop shared by all tests of the session (loop_scope="session")',
    ]:
        # the report; the summary charges each task to the test that started it
        assert f"still pending when {line} was closed, after its last test" in output
    assert "pkg/test_api.py::TestShared::test_class: 1 leaked task" in output


def test_the_message_builders_name_the_loop_scope() -> None:
    owner = _messages.loop_owner("_event_loop_process_pool_module", "module", "t.py")
    assert owner == 'the process-pool loop shared by the tests of t.py (loop_scope="module")'
    outside = _messages.diagnostics_owner("_event_loop_package", "package", "")
    assert outside == 'the loop shared by the tests outside any package (loop_scope="package")'
    # a fixture the user wrote keeps its name, whatever its scope
    assert "'_my_loop'" in _messages.loop_owner("_my_loop", "module", "t.py")


def test_a_fixture_on_another_shared_loop_names_its_loop_scope(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def future():
            return asyncio.get_running_loop().create_future()

        @pytest.mark.asyncio
        async def test_awaits_it(future):
            await future
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert not PRIVATE_NAME.search(result.stdout.str())
    result.stdout.fnmatch_lines(
        ["*'future' (a Future) is bound to the loop_scope=*module* loop (*)*"]
    )


def test_a_subclass_making_no_loop_for_a_shared_scope_is_named(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from pytest_asyncio import LoopFixture

        class NoLoop(LoopFixture):
            def new_loop(self):
                return 42

        event_loop = NoLoop.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(loop_scope="module")
        async def test_one():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert not PRIVATE_NAME.search(output)
    assert "AttributeError" not in output
    expected = _messages.not_a_loop("_event_loop_module", 42)
    assert expected.startswith('Making the loop_scope="module" loop: new_loop() of the')
    assert expected in output


@pytest.mark.parametrize("verbose", [False, True])
def test_fixtures_lists_no_empty_heading(pytester: pytest.Pytester, verbose: bool) -> None:
    pytester.mkpydir("pkg")
    pytester.makepyfile(**{"pkg/test_one": "def test_nothing(): pass"})
    args = ["--fixtures", "-p", "no:cacheprovider", *(["-v"] if verbose else [])]
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.OK
    output = result.stdout.str()
    # a heading followed by another heading or the end: nothing listed under it
    empty = re.findall(r"-+ fixtures defined from (pytest_asyncio\S*) -+\n\n(?=-|=)", output)
    assert not empty, output
    assert ("_event_loop_module [module scope]" in output) is verbose
    assert ("_event_loop_package [package scope]" in output) is verbose
