""" "Attached to a different loop" failures name the fixture on the other loop."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages
from pytest_asyncio.diagnostics import loop_bound, mixed_loops

if TYPE_CHECKING:
    from conftest import RunClean

MODULE_FUTURE = """
    import asyncio
    import pytest
    import pytest_asyncio

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def ready():
        return asyncio.get_running_loop().create_future()

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def jobs():
        queue = asyncio.Queue()
        getter = asyncio.ensure_future(queue.get())  # waiting binds it to this loop
        await asyncio.sleep(0)
        queue.put_nowait("job")
        await getter
        return queue
    """


def test_a_future_from_a_module_loop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        MODULE_FUTURE
        + """
    @pytest.mark.asyncio
    async def test_waits(ready):
        await ready

    @pytest.mark.asyncio
    async def test_gathers(ready):
        await asyncio.gather(ready)
    """
    )
    result = run_clean()
    result.assert_outcomes(failed=2)
    line = _messages.fixture_on_other_loop(
        "ready",
        "a Future",
        'the loop_scope="module" loop (*)',
        "the function-scoped loop of fixture 'event_loop' (*)",
    )
    result.stdout.fnmatch_lines(
        [
            "E  * got Future <Future pending> attached to a different loop",
            f"*{_messages.mixed_loops_title()}*",
            line,
            _messages.mixed_loops_advice("ready", "module", "module", "function", False),
            _messages.mixed_loops_hint(),
            "E  * got Future <_GatheringFuture pending> attached to a different loop",
            f"*{_messages.mixed_loops_title()}*",
            line,
        ]
    )


def test_a_queue_bound_to_another_loop(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        MODULE_FUTURE
        + """
    @pytest.mark.asyncio
    async def test_takes_a_job(jobs):
        await jobs.get()
    """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E  *is bound to a different event loop",
            "fixture 'jobs' (a Queue) is bound to the loop_scope=*module* loop*",
        ]
    )


def test_other_failures_get_no_section(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        MODULE_FUTURE
        + """
    @pytest.mark.asyncio
    async def test_fails_otherwise(ready):
        assert False
    """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    assert _messages.mixed_loops_title() not in result.stdout.str()


@pytest.mark.skipif(
    pytest.version_tuple < (9,),
    reason="pytest before 9.0 prints no report sections under --tb=line",
)
def test_short_tracebacks_still_get_the_lines(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        MODULE_FUTURE
        + """
    @pytest.mark.asyncio
    async def test_waits(ready):
        await ready
    """
    )
    result = run_clean("--tb=line", "-rA")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["fixture 'ready' (a Future) is bound to*"])


def test_recognises_asyncio_wordings_in_a_chain() -> None:
    cause = RuntimeError("Task <Task> got Future <Future> attached to a different loop")
    wrapped = ValueError("the client failed")
    wrapped.__cause__ = cause
    assert mixed_loops.is_mixed_loop_error(wrapped)
    assert mixed_loops.is_mixed_loop_error(
        ValueError("The future belongs to a different loop than the one specified")
    )
    assert not mixed_loops.is_mixed_loop_error(RuntimeError("something else"))


def test_loop_of_values() -> None:
    class Broken:
        def get_loop(self) -> asyncio.AbstractEventLoop:
            raise RuntimeError("no loop")

    loop = asyncio.new_event_loop()
    try:
        future = loop.create_future()
        assert loop_bound.loop_of(future) is loop
        assert loop_bound.loop_of(loop) is loop
        assert loop_bound.loop_of(Broken()) is None
        assert loop_bound.loop_of(asyncio.Lock()) is None  # not bound before first use
        assert loop_bound.loop_of("text") is None
    finally:
        loop.close()


def test_a_test_without_its_own_loop_lists_values_on_different_loops() -> None:
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        funcargs = {"a": first.create_future(), "b": second.create_future(), "c": 3}
        lines = mixed_loops.explain(funcargs, None, {id(first): "event_loop"}, lambda _: None)
        assert lines == [
            _messages.fixture_loop(
                "a", "a Future", f"the loop of fixture 'event_loop' ({_at(first)})"
            ),
            _messages.fixture_loop("b", "a Future", f"the loop {_at(second)}"),
        ]
        assert mixed_loops.explain({"a": funcargs["a"]}, None, {}, lambda _: None) == []
    finally:
        first.close()
        second.close()


def _at(loop: asyncio.AbstractEventLoop) -> str:
    return f"{type(loop).__name__} at {id(loop):#x}"
