"""The fixture classes used directly, with no pytest session around them.

The behaviour lives in the classes; the fixtures are thin glue. These tests
pin the behaviour down where it is cheapest to observe.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import threading
from collections.abc import AsyncGenerator, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, ClassVar

import pytest

from pytest_asyncio import (
    Fixture,
    LoopFixture,
    PortFactory,
    PortFactoryFixture,
    PortFixture,
    ProcessPoolLoopFixture,
)
from pytest_asyncio._asyncio_compat import snapshot_current_loop
from pytest_asyncio.fixtures.free_ports import PortRegistry

# -- LoopFixture ----------------------------------------------------------------


def test_loop_fixture_setup_makes_an_open_loop_that_is_not_current() -> None:
    fixture = LoopFixture()
    before = snapshot_current_loop()
    loop = fixture.setup()
    try:
        assert isinstance(loop, asyncio.AbstractEventLoop)
        assert not loop.is_closed() and not loop.is_running()
        assert snapshot_current_loop() == before
    finally:
        fixture.teardown(loop)
    assert loop.is_closed()


def test_loop_fixture_teardown_finishes_what_was_left_running() -> None:
    fixture = LoopFixture()
    loop = fixture.setup()
    cleaned: list[str] = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            cleaned.append("task")

    async def ticker() -> AsyncGenerator[int, None]:
        try:
            while True:
                yield 1
        finally:
            cleaned.append("async generator")

    async def leave_work_behind() -> AsyncGenerator[int, None]:
        generator = ticker()  # first iterated on the running loop, so it tracks it
        await generator.__anext__()
        await loop.run_in_executor(None, threading.get_ident)
        return generator

    executor = ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(executor)
    task = loop.create_task(forever())
    generator = loop.run_until_complete(leave_work_behind())

    fixture.teardown(loop)

    assert task.cancelled()
    assert sorted(cleaned) == ["async generator", "task"]
    assert generator.ag_frame is None  # type: ignore[attr-defined]  # closed, not abandoned
    with pytest.raises(RuntimeError, match="shutdown"):
        executor.submit(print)
    assert loop.is_closed()


def test_new_loop_is_the_override_point() -> None:
    class CustomLoop(asyncio.SelectorEventLoop):
        pass

    class CustomLoopFixture(LoopFixture):
        def new_loop(self) -> asyncio.AbstractEventLoop:
            return CustomLoop()

    fixture = CustomLoopFixture()
    loop = fixture.setup()
    assert type(loop) is CustomLoop
    fixture.teardown(loop)
    assert loop.is_closed()


# -- ProcessPoolLoopFixture -----------------------------------------------------


def test_process_pool_loop_fixture_defaults() -> None:
    assert ProcessPoolLoopFixture.name == "event_loop_process_pool"
    assert ProcessPoolLoopFixture.scope == "function"
    executor = ProcessPoolLoopFixture().new_executor()
    try:  # no worker starts before the first submit
        assert isinstance(executor, ProcessPoolExecutor)
    finally:
        executor.shutdown()


def test_process_pool_loop_runs_default_executor_work_in_another_process() -> None:
    fixture = ProcessPoolLoopFixture()
    loop = fixture.setup()
    try:
        pid = loop.run_until_complete(loop.run_in_executor(None, os.getpid))
    finally:
        fixture.teardown(loop)
    assert pid != os.getpid()
    assert loop.is_closed()


def test_new_executor_is_the_override_point_and_is_shut_down() -> None:
    made: list[Executor] = []

    class ThreadPoolLoop(ProcessPoolLoopFixture):
        def new_executor(self) -> Executor:
            made.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="custom"))
            return made[-1]

    fixture = ThreadPoolLoop()
    loop = fixture.setup()
    name = loop.run_until_complete(
        loop.run_in_executor(None, lambda: threading.current_thread().name)
    )
    fixture.teardown(loop)
    assert name.startswith("custom")
    with pytest.raises(RuntimeError, match="shutdown"):
        made[0].submit(print)


# -- ports ----------------------------------------------------------------------


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_port_fixture_gives_a_bindable_tcp_port() -> None:
    port = PortFixture().setup()
    assert 0 < port < 65536
    assert _bindable(port)


def test_port_factory_gives_distinct_ports_of_its_kind() -> None:
    factory = PortFactoryFixture().setup()
    assert isinstance(factory, PortFactory)
    assert factory.kind == socket.SOCK_STREAM
    ports = [factory() for _ in range(25)]
    assert len(set(ports)) == len(ports)
    assert all(_bindable(port) for port in ports)


class RepeatingRegistry(PortRegistry):
    """A registry whose "operating system" keeps offering the same ports."""

    def __init__(self, answers: list[int]) -> None:
        super().__init__()
        self.answers: Iterator[int] = itertools.cycle(answers)

    def _bind_free_port(self, kind: socket.SocketKind) -> int:
        return next(self.answers)


def test_a_shared_registry_never_hands_out_a_port_twice() -> None:
    registry = RepeatingRegistry([5001, 5001, 5002, 5001, 5003, 5002, 5004])
    single = PortFixture(registry).setup()
    factory = PortFactoryFixture(registry).setup()
    assert [single, factory(), factory(), PortFixture(registry).setup()] == [
        5001,
        5002,
        5003,
        5004,
    ]


def test_a_registry_that_runs_out_says_so() -> None:
    registry = RepeatingRegistry([5001])
    assert registry.draw(socket.SOCK_STREAM) == 5001
    with pytest.raises(RuntimeError, match="no unused"):
        registry.draw(socket.SOCK_STREAM)


# -- Fixture.fixture() ----------------------------------------------------------


class Recorder(Fixture[list[str]]):
    name: ClassVar[str] = "recorder"

    def setup(self) -> list[str]:
        return ["setup"]

    def teardown(self, value: list[str]) -> None:
        value.append("teardown")


def _generator_of(fixture: Any) -> Any:
    """The function pytest will call (pytest 8.4+ wraps it, older ones do not)."""
    return getattr(fixture, "__wrapped__", fixture)


def test_fixture_wraps_setup_and_teardown_in_a_generator() -> None:
    fixture = Recorder.fixture()
    assert fixture.__name__ == "recorder"
    steps = _generator_of(fixture)(request=None)
    value = next(steps)
    assert value == ["setup"]
    with pytest.raises(StopIteration):
        next(steps)
    assert value == ["setup", "teardown"]


def test_fixture_tears_down_when_the_test_failed() -> None:
    steps = _generator_of(Recorder.fixture())(request=None)
    value = next(steps)
    with pytest.raises(ValueError):
        steps.throw(ValueError("the test failed"))
    assert value == ["setup", "teardown"]


def test_fixture_name_can_be_chosen_per_call() -> None:
    assert Recorder.fixture(name="other_recorder").__name__ == "other_recorder"


def test_fixture_needs_a_name() -> None:
    class Nameless(Fixture[int]):
        def setup(self) -> int:
            return 1

    with pytest.raises(TypeError, match=r"Nameless.fixture\(\) needs a name"):
        Nameless.fixture()


def test_setup_must_be_implemented() -> None:
    class Unfinished(Fixture[int]):
        name: ClassVar[str] = "unfinished"

    with pytest.raises(NotImplementedError, match="Unfinished must implement setup"):
        Unfinished().setup()
