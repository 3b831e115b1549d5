"""Await chains: a report about a stuck test says who awaits whom, down to what.

A timeout, pytest-timeout's failure and Ctrl-C show the test's ``await``
lines, then the task it awaits and that task's lines, the children of a
``gather()``, and the thing at the bottom (an Event, a queue, a read).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean


def test_an_event_nobody_sets(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        test_event="""
        import asyncio
        import pytest

        async def wait_for_reply(event):
            await event.wait()

        @pytest.mark.asyncio(timeout=0.05)
        async def test_reply():
            await wait_for_reply(asyncio.Event())
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "It was waiting here:",
            "  test_event.py:9 in test_reply",
            "    await wait_for_reply(asyncio.Event())",
            "  test_event.py:5 in wait_for_reply",
            "    await event.wait()",
            "  -> waits on an asyncio.Event that is not set (Event.wait)",
            "Raise the limit*",
        ]
    )


GATHER = """
    import asyncio
    import pytest

    async def consume(queue):
        await queue.get()

    async def answer(future):
        await future

    @pytest.mark.asyncio(timeout=0.05)
    async def test_both():
        future = asyncio.get_running_loop().create_future()
        await asyncio.gather(consume(asyncio.Queue()), answer(future))
    """


def test_gather_of_two_stuck_children(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(test_gather=GATHER)
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  test_gather.py:13 in test_both",
            "    await asyncio.gather(consume(asyncio.Queue()), answer(future))",
            "  -> awaits gather(), 2 of its 2 children pending:",
            "    -> awaits task 'Task-*':",
            "      test_gather.py:5 in consume",
            "        await queue.get()",
            "      -> waits on an asyncio.Queue with nothing to get (Queue.get)",
            "    -> awaits task 'Task-*':",
            "      test_gather.py:8 in answer",
            "        await future",
            "      -> waits on an asyncio.Future that is not done",
            "Raise the limit*",
        ]
    )
    # the children are in the chain, not again among the other pending tasks
    assert "Other tasks still pending" not in result.stdout.str()


def test_a_task_awaiting_a_task(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        test_tasks="""
        import asyncio
        import pytest

        async def consume(queue):
            await queue.get()

        async def supervise(queue):
            await asyncio.create_task(consume(queue), name="consumer")

        @pytest.mark.asyncio(timeout=0.05)
        async def test_supervised():
            await asyncio.wait_for(supervise(asyncio.Queue()), 3600)
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    # wait_for() runs supervise() in a task of its own before Python 3.12
    result.stdout.fnmatch_lines(
        [
            "  test_tasks.py:12 in test_supervised",
            "*test_tasks.py:8 in supervise",
            '*await asyncio.create_task(consume(queue), name="consumer")',
            "*-> awaits task 'consumer':",
            "*test_tasks.py:5 in consume",
            "*await queue.get()",
            "*-> waits on an asyncio.Queue with nothing to get (Queue.get)",
        ]
    )


def test_pytest_timeout_shows_what_the_await_waits_on(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_timeout_plugin="""
        import asyncio
        import pytest

        async def consume(queue):
            await queue.get()

        @pytest.mark.timeout(0.5)
        @pytest.mark.asyncio
        async def test_consumer():
            await asyncio.create_task(consume(asyncio.Queue()), name="consumer")
        """
    )
    result = run_clean("-p", "timeout")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '>       await asyncio.create_task(consume(asyncio.Queue()), name="consumer")',
            "E       Failed: Timeout (>0.5s) from pytest-timeout.",
            "E       asyncio: the test's await was waiting on:",
            "E         -> awaits task 'consumer':",
            "E           test_timeout_plugin.py:5 in consume",
            "E             await queue.get()",
            "E           -> waits on an asyncio.Queue with nothing to get (Queue.get)",
            f"E       {_messages.NOTHING_COULD_WAKE}",
        ]
    )


def test_a_fixtures_server_on_a_loop_that_does_not_run(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_server="""
        import asyncio
        import pytest
        import pytest_asyncio

        async def echo(reader, writer):
            writer.write(await reader.read(100))
            writer.close()

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def server():
            server = await asyncio.start_server(echo, "127.0.0.1", 0)
            yield server
            server.close()
            await server.wait_closed()

        @pytest.mark.asyncio(timeout=0.2)
        async def test_echo(server):
            port = server.sockets[0].getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"ping")
            try:
                assert await reader.read(100) == b"ping"
            finally:
                writer.close()
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '    assert await reader.read(100) == b"ping"',
            "  -> waits on a read from a stream connected to 127.0.0.1:* (StreamReader.*)",
            "*asyncio: fixtures bound to another event loop, which did not run meanwhile*",
            "fixture 'server' (a Server) is bound to the loop_scope=\"module\" loop (*), but the "
            "test runs on the function-scoped loop of fixture 'event_loop' (*)",
            "*While the test runs on its loop, the loop of these fixtures does not run*",
        ]
    )


@pytest.fixture
def default_ctrl_c() -> Iterator[None]:
    """Python's own SIGINT handler, even where the run was started with SIGINT ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("default_ctrl_c")
def test_ctrl_c_names_what_the_test_waited_on(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        test_interrupted="""
        import asyncio
        import os
        import signal
        import pytest

        async def consume(queue):
            await queue.get()

        @pytest.mark.asyncio
        async def test_consumer():
            loop = asyncio.get_running_loop()
            loop.call_later(0.05, os.kill, os.getpid(), signal.SIGINT)
            await asyncio.gather(consume(asyncio.Queue()))
        """
    )
    result = run_clean(no_reraise_ctrlc=True)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*= asyncio: where Ctrl-C found the test =*",
            "test_interrupted.py::test_consumer was interrupted while waiting here:",
            "  test_interrupted.py:13 in test_consumer",
            "    await asyncio.gather(consume(asyncio.Queue()))",
            "  -> awaits gather(), 1 of its 1 children pending:",
            "    -> awaits task 'Task-*':",
            "      test_interrupted.py:7 in consume",
            "        await queue.get()",
            "      -> waits on an asyncio.Queue with nothing to get (Queue.get)",
            "*! KeyboardInterrupt !*",
        ]
    )
