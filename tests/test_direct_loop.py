"""The loop of a marked test handed over without pytest's fixture machinery.

When nothing but the marker needs the loop fixture, the plugin puts the loop
into the test's funcargs itself (``pytest_asyncio/loops/direct.py``).
What a test sees must not change: the same loop whoever asks for it, the
same cleanup and reports, and the fixture path wherever a user's code could
tell the difference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages
from pytest_asyncio.loops.direct import DirectLoop
from pytest_asyncio.loops.fixture import LoopFixture

if TYPE_CHECKING:
    from conftest import RunClean


def test_the_loop_asked_for_by_name_is_the_running_one(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        def loop_by_name(request):
            return request.getfixturevalue("event_loop")

        @pytest.mark.asyncio
        async def test_by_name_in_the_body(request):
            assert request.getfixturevalue("event_loop") is asyncio.get_running_loop()

        @pytest.mark.asyncio
        async def test_by_name_in_a_fixture(loop_by_name):
            assert loop_by_name is asyncio.get_running_loop()

        LOOPS = []

        @pytest.mark.parametrize("n", range(2))
        @pytest.mark.asyncio
        async def test_each_test_has_its_own(n):
            LOOPS.append(asyncio.get_running_loop())
            assert len(set(LOOPS)) == len(LOOPS)
            assert all(loop.is_closed() for loop in LOOPS[:-1])
        """
    )
    run_clean().assert_outcomes(passed=4)


def test_a_module_loop_is_shared_then_closed(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_a="""
        import asyncio
        import pytest

        LOOPS = []

        @pytest.mark.parametrize("n", range(3))
        @pytest.mark.asyncio(loop_scope="module")
        async def test_shares(n):
            LOOPS.append(asyncio.get_running_loop())
            assert len(set(LOOPS)) == 1
        """,
        test_b="""
        import pytest
        from test_a import LOOPS

        def test_closed_after_its_module():
            assert len(LOOPS) == 3 and LOOPS[0].is_closed()
        """,
    )
    run_clean().assert_outcomes(passed=4)


def test_an_exception_while_closing_is_the_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        async def stubborn():
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                raise ValueError("refused to stop")

        @pytest.mark.asyncio
        async def test_leaves_a_stubborn_task():
            asyncio.get_running_loop().create_task(stubborn())
            await asyncio.sleep(0)

        def test_next():
            pass
        """
    )
    # In a fresh process: this suite's own "error" filter would apply in-process.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--asyncio-diagnostics=warn")
    result.assert_outcomes(passed=2, warnings=2)
    result.stdout.fnmatch_lines(["*::test_leaves_a_stubborn_task", "*LeakedTaskWarning*"])
    result.stdout.fnmatch_lines(["*LoopExceptionWarning*", "*ValueError: refused to stop*"])


def test_a_closed_loop_is_refused_as_the_fixture_refuses_it(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A subclass's new_loop() returning a closed loop: the same error either way."""
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio import LoopFixture

        class ClosedLoop(LoopFixture):
            def new_loop(self):
                loop = asyncio.new_event_loop()
                loop.close()
                return loop

        event_loop = ClosedLoop.fixture()

        @pytest.mark.asyncio
        async def test_marked():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([_messages.loop_is_closed("event_loop")])


# -- when the fixture path stays ---------------------------------------------


def _decision(pytester: pytest.Pytester, source: str) -> DirectLoop | None:
    pytester.makepyfile(source)
    items, _ = pytester.inline_genitems("-p", "no:cacheprovider")
    from pytest_asyncio.items import STATE

    return items[0].stash[STATE].direct


MARKED = """
    import pytest

    @pytest.mark.asyncio
    async def test_it({args}):
        pass
    """


def test_the_default_loop_is_made_directly(pytester: pytest.Pytester) -> None:
    direct = _decision(pytester, MARKED.format(args=""))
    assert direct is not None and direct.maker is LoopFixture


def test_a_wider_loop_comes_from_the_cache(pytester: pytest.Pytester) -> None:
    source = MARKED.replace("asyncio", 'asyncio(loop_scope="module")', 1).format(args="")
    direct = _decision(pytester, source)
    assert direct is not None and direct.maker is None


@pytest.mark.parametrize(
    "conftest",
    [
        pytest.param("", id="the-test-names-the-fixture"),
        pytest.param(
            "import asyncio, pytest\n"
            "@pytest.fixture\n"
            "def event_loop():\n"
            "    loop = asyncio.new_event_loop()\n"
            "    yield loop\n"
            "    loop.close()\n",
            id="plain-override",
        ),
        pytest.param(
            "import asyncio, pytest\n"
            "@pytest.fixture(scope='session')\n"
            "def event_loop_policy():\n"
            "    return asyncio.DefaultEventLoopPolicy()\n",
            id="policy-override",
        ),
    ],
)
def test_the_fixture_path_stays(pytester: pytest.Pytester, conftest: str) -> None:
    pytester.makeconftest(conftest)
    args = "event_loop" if not conftest else ""
    assert _decision(pytester, MARKED.format(args=args)) is None


# -- a from_request of the subclass's own ------------------------------------

READING = """
    import asyncio
    import pytest
    from pytest_asyncio import LoopFixture

    def pytest_addoption(parser):
        parser.addini("loop_debug", "debug the loops", type="bool", default=False)

    class Reading(LoopFixture):
        made = []

        def __init__(self, debug=False):
            super().__init__()
            self.debug = debug

        @classmethod
        def from_request(cls, request):
            cls.made.append(request.fixturename)
            return cls(debug=request.config.getini("loop_debug") and request.node.name != "")

        def new_loop(self):
            loop = asyncio.new_event_loop()
            loop.set_debug(self.debug)
            return loop

    event_loop = Reading.fixture()
"""


@pytest.mark.parametrize("marker", ["asyncio", "asyncio_process_pool"])
def test_a_from_request_of_the_users_keeps_the_fixture_path(
    pytester: pytest.Pytester, marker: str
) -> None:
    """Called on the direct path, it could ask for what only pytest's setup gives."""
    pytester.makeconftest(READING)
    pytester.makeini("[pytest]\nloop_debug = true\n")
    assert _decision(pytester, MARKED.replace("asyncio", marker, 1).format(args="")) is None


def test_its_loops_are_made_by_it(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makeconftest(READING)
    pytester.makeini("[pytest]\nloop_debug = true\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from conftest import Reading

        @pytest.mark.asyncio
        async def test_debug():
            assert asyncio.get_running_loop().get_debug()

        def test_made_once_per_test_for_the_fixture_name():
            assert Reading.made == ["event_loop"]
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_from_request_that_needs_a_fixture_takes_the_fixture_path(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeconftest(
        """
        import asyncio
        import pytest
        from pytest_asyncio import LoopFixture

        @pytest.fixture
        def loop_name():
            return "from a fixture"

        class Asking(LoopFixture):
            names = []

            @classmethod
            def from_request(cls, request):
                cls.names.append(request.getfixturevalue("loop_name"))
                return cls()

        event_loop = Asking.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from conftest import Asking

        @pytest.mark.asyncio
        async def test_one():
            pass

        @pytest.mark.asyncio
        async def test_two():
            pass

        def test_asked_once_per_async_test():
            assert Asking.names == ["from a fixture", "from a fixture"]
        """
    )
    run_clean().assert_outcomes(passed=3)


def test_a_from_request_that_asks_for_more_is_called_once_per_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeconftest(
        """
        from pytest_asyncio import LoopFixture

        class Counting(LoopFixture):
            calls = []

            @classmethod
            def from_request(cls, request):
                cls.calls.append(request.node.name)
                request.addfinalizer(lambda: None)  # only pytest's fixture path has it
                return cls()

        event_loop = Counting.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from conftest import Counting

        pytestmark = pytest.mark.asyncio

        async def test_one():
            pass

        @pytest.mark.asyncio_process_pool
        async def test_on_the_process_pool():
            pass

        async def test_two():
            pass

        def test_called_once_per_loop():
            assert Counting.calls == ["test_one", "test_on_the_process_pool", "test_two"]
        """
    )
    run_clean().assert_outcomes(passed=4)


def test_a_from_request_that_asks_for_more_only_later_is_called_once_per_loop(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """It reads only the test for the first test, and asks for a fixture for a later one."""
    pytester.makeconftest(
        """
        import pytest
        from pytest_asyncio import LoopFixture

        @pytest.fixture
        def loop_name():
            return "from a fixture"

        class Choosy(LoopFixture):
            calls = []

            @classmethod
            def from_request(cls, request):
                cls.calls.append(request.node.name)
                if request.node.name == "test_two":
                    request.getfixturevalue("loop_name")
                return cls()

        event_loop = Choosy.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from conftest import Choosy

        pytestmark = pytest.mark.asyncio

        async def test_one():
            pass

        async def test_two():
            pass

        async def test_three():
            pass

        def test_called_once_per_loop():
            assert Choosy.calls == ["test_one", "test_two", "test_three"]
        """
    )
    run_clean().assert_outcomes(passed=4)


def test_the_process_pool_loop_is_made_directly(pytester: pytest.Pytester) -> None:
    """``ProcessPoolLoopFixture.from_request`` only reads: no fixture path for it."""
    source = MARKED.replace("asyncio", "asyncio_process_pool", 1).format(args="")
    direct = _decision(pytester, source)
    assert direct is not None and direct.maker is not None
    assert direct.maker.__name__ == "ProcessPoolLoopFixture"
