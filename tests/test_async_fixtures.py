"""``async def`` and async generator fixtures declared with plain ``@pytest.fixture``.

They run on the loop of the ``event_loop`` fixture in force, nest, tear down
in reverse order after the test, serve sync tests too, and as methods of a
test class they are bound to the test's own instance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_they_run_on_the_tests_loop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture
        async def coroutine_value(event_loop):
            assert asyncio.get_running_loop() is event_loop
            await asyncio.sleep(0)
            return "coroutine"

        @pytest.fixture
        async def generator_value(event_loop):
            assert asyncio.get_running_loop() is event_loop
            yield "generator"
            assert asyncio.get_running_loop() is event_loop

        @pytest.fixture
        async def loop_without_asking():
            return asyncio.get_running_loop()

        @pytest.mark.asyncio
        async def test_marked(coroutine_value, generator_value, loop_without_asking, event_loop):
            assert (coroutine_value, generator_value) == ("coroutine", "generator")
            assert loop_without_asking is event_loop is asyncio.get_running_loop()
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_nested_fixtures_and_teardown_in_reverse_order(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        EVENTS = []

        @pytest.fixture
        def config():
            EVENTS.append("setup config")
            yield {"db": "memory"}
            EVENTS.append("teardown config")

        @pytest.fixture
        async def database(config):
            await asyncio.sleep(0)
            EVENTS.append("setup database")
            yield config["db"]
            await asyncio.sleep(0)
            EVENTS.append("teardown database")

        @pytest.fixture
        async def session(database):
            EVENTS.append("setup session")
            yield f"session on {database}"
            EVENTS.append("teardown session")

        @pytest.fixture
        async def user(session):
            await asyncio.sleep(0)
            EVENTS.append("setup user")
            return f"user of {session}"

        @pytest.mark.asyncio
        async def test_uses_them(user):
            EVENTS.append("test")
            assert user == "user of session on memory"

        def test_order():
            assert EVENTS == [
                "setup config",
                "setup database",
                "setup session",
                "setup user",
                "test",
                "teardown session",
                "teardown database",
                "teardown config",
            ]
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_teardown_runs_after_a_failing_test(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import pytest

        EVENTS = []

        @pytest.fixture
        async def resource():
            yield "r"
            EVENTS.append("released")

        @pytest.mark.asyncio
        async def test_fails(resource):
            assert resource == "not r"

        def test_released():
            assert EVENTS == ["released"]
        """
    )
    run_clean().assert_outcomes(passed=1, failed=1)


def test_sync_tests_can_use_them(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        EVENTS = []

        @pytest.fixture
        async def coroutine_value():
            await asyncio.sleep(0)
            return 1

        @pytest.fixture
        async def generator_value():
            await asyncio.sleep(0)
            yield 2
            EVENTS.append("generator closed")

        def test_sync(coroutine_value, generator_value):
            assert (coroutine_value, generator_value) == (1, 2)

        def test_closed():
            assert EVENTS == ["generator closed"]
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_a_sync_test_runs_with_their_loop_current(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """As with pytest-asyncio 0.21 and 1.x, a sync test's code can reach the
    loop its async fixtures run on with ``asyncio.get_event_loop()``, and
    drive it (a server started by the fixture answers); after the test the
    loop current before is back."""
    pytester.makepyfile(
        """
        import asyncio
        import warnings
        import pytest_asyncio

        SEEN = []

        async def answer(reader, writer):
            writer.write(b"pong")
            await writer.drain()
            writer.close()

        @pytest_asyncio.fixture
        async def server():
            server = await asyncio.start_server(answer, "127.0.0.1", 0)
            yield asyncio.get_running_loop(), server.sockets[0].getsockname()[1]
            server.close()
            await server.wait_closed()

        async def ask(port):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            data = await reader.read()
            writer.close()
            await writer.wait_closed()
            return data

        def test_sync(server):
            loop, port = server
            assert asyncio.get_event_loop() is loop
            assert loop.run_until_complete(ask(port)) == b"pong"
            SEEN.append(loop)

        def test_after():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    current = asyncio.get_event_loop()
                except RuntimeError:  # Python 3.14 makes none
                    current = None
            assert current is not SEEN[0]
            if current is not None:
                asyncio.set_event_loop(None)
                current.close()
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_every_sync_test_of_a_wide_async_fixture_runs_with_its_loop_current(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """pytest sets a module- or session-scoped async fixture up once and hands
    its value to the later tests; each sync test using it runs with its loop
    current all the same (as with pytest-asyncio 1.x), also after an async test
    set it up, and the tests after them find the loop current before."""
    pytester.makeini(
        """
        [pytest]
        filterwarnings = error
        """
    )
    pytester.makepyfile(
        """
        import asyncio
        import warnings
        import pytest
        import pytest_asyncio

        SEEN = set()

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def wide():
            yield asyncio.get_running_loop()

        @pytest_asyncio.fixture(scope="session", loop_scope="session")
        async def widest():
            return asyncio.get_running_loop()

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def first_async():
            return asyncio.get_running_loop()

        async def where():
            await asyncio.sleep(0)
            return asyncio.get_running_loop()

        def drive(loop):
            assert asyncio.get_event_loop() is loop
            assert loop.run_until_complete(where()) is loop
            SEEN.add(loop)

        @pytest.mark.parametrize("n", [1, 2, 3])
        def test_module_scoped(wide, n):
            drive(wide)

        @pytest.mark.parametrize("n", [1, 2])
        def test_session_scoped(widest, n):
            drive(widest)

        def test_module_scoped_again(wide):
            drive(wide)

        @pytest.mark.asyncio(loop_scope="module")
        async def test_async_sets_it_up(first_async):
            assert asyncio.get_running_loop() is first_async

        def test_sync_after_the_async_one(first_async):
            drive(first_async)

        def current_or_none():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    return asyncio.get_event_loop()
                except RuntimeError:  # Python 3.14 makes none
                    return None

        def check_nothing_left_current():
            assert len(SEEN) == 2
            current = current_or_none()
            assert current not in SEEN
            if current is not None:
                asyncio.set_event_loop(None)
                current.close()

        def test_plain():
            check_nothing_left_current()

        @pytest.mark.asyncio
        async def test_async():
            assert asyncio.get_running_loop() not in SEEN

        def test_plain_after_the_async_one():
            check_nothing_left_current()
        """
    )
    run_clean().assert_outcomes(passed=11)


def test_methods_are_bound_to_the_test_instance(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        class TestService:
            @pytest.fixture
            async def started(self):
                await asyncio.sleep(0)
                self.state = "started"
                return self

            @pytest.fixture
            async def connection(self):
                self.connection_open = True
                yield "conn"
                assert self.state == "started"

            @pytest.mark.asyncio
            async def test_marked(self, started, connection):
                assert started is self
                assert self.state == "started" and self.connection_open

            def test_sync(self, started):
                assert started is self
                assert self.state == "started"
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_parametrized_async_fixture(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.fixture(params=[1, 2])
        async def number(request):
            await asyncio.sleep(0)
            return request.param * 10

        @pytest.mark.asyncio
        async def test_number(number):
            assert number in (10, 20)
        """
    )
    run_clean().assert_outcomes(passed=2)
