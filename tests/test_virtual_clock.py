"""The virtual clock in a test suite: how a test asks for it, and what follows it.

A test asks with ``@pytest.mark.asyncio(clock="virtual")`` (or through
``pytestmark``), by requesting the ``virtual_clock`` fixture, or a whole
suite with ``asyncio_clock = virtual`` / ``--asyncio-clock=virtual``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

AN_HOUR = """
    import asyncio
    import time

    import pytest
    from pytest_asyncio import VirtualClock

    {mark}
    async def test_an_hour():
        loop = asyncio.get_running_loop()
        start, began = loop.time(), time.perf_counter()
        for _ in range(60):
            await asyncio.sleep(60)
        assert loop.time() - start == pytest.approx(3600)
        assert time.perf_counter() - began < 1.0  # an hour of virtual time, far under a real second
        assert VirtualClock.of(loop) is not None
    """


@pytest.mark.parametrize(
    ("mark", "ini", "args"),
    [
        pytest.param('@pytest.mark.asyncio(clock="virtual")', "", (), id="marker"),
        pytest.param("@pytest.mark.asyncio", "asyncio_clock = virtual", (), id="ini"),
        pytest.param("@pytest.mark.asyncio", "", ("--asyncio-clock=virtual",), id="option"),
        pytest.param(
            "@pytest.mark.asyncio", "asyncio_clock = real", ("--asyncio-clock=virtual",), id="cli"
        ),
    ],
)
def test_an_hour_of_sleeps_takes_under_a_second(
    pytester: pytest.Pytester, run_clean: RunClean, mark: str, ini: str, args: tuple[str, ...]
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(AN_HOUR.format(mark=mark))
    run_clean(*args).assert_outcomes(passed=1)


def test_pytestmark_on_a_module_and_a_class(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        test_module="""
        import asyncio
        import pytest

        pytestmark = pytest.mark.asyncio(clock="virtual")

        async def test_virtual():
            loop = asyncio.get_running_loop()
            start = loop.time()
            await asyncio.sleep(500)
            assert loop.time() - start == pytest.approx(500)
        """,
        test_class="""
        import asyncio
        import time
        import pytest

        @pytest.mark.asyncio(clock="virtual")
        class TestVirtual:
            async def test_virtual(self):
                began = time.perf_counter()
                await asyncio.sleep(500)
                assert time.perf_counter() - began < 1
        """,
    )
    run_clean().assert_outcomes(passed=2)


def test_clock_real_opts_a_test_out_of_the_suites_setting(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini("[pytest]\nasyncio_clock = virtual\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio import VirtualClock

        @pytest.mark.asyncio(clock="real")
        async def test_real():
            assert VirtualClock.of(asyncio.get_running_loop()) is None

        @pytest.mark.asyncio
        async def test_virtual():
            assert VirtualClock.of(asyncio.get_running_loop()) is not None
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_without_the_clock_the_loop_is_untouched(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_real(event_loop):
            assert "time" not in vars(event_loop)
            assert "select" not in vars(event_loop._selector)
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_async_fixtures_and_an_explicit_event_loop_follow_the_clock(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest
        import pytest_asyncio

        began = time.perf_counter()

        @pytest_asyncio.fixture
        async def warmed_up():
            await asyncio.sleep(1000)
            yield asyncio.get_running_loop().time()
            await asyncio.sleep(1000)

        @pytest.mark.asyncio(clock="virtual")
        async def test_it(warmed_up, event_loop):
            assert event_loop.time() == warmed_up
            await asyncio.sleep(1000)

        def test_all_that_took_no_time():
            assert time.perf_counter() - began < 1
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_virtual_clock_fixture_reads_and_drives_the_clock(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio import VirtualClock

        class RateLimiter:
            def __init__(self, per_second):
                self.tokens, self.per_second = per_second, per_second

            async def refill(self):
                while True:
                    await asyncio.sleep(1)
                    self.tokens = self.per_second

        @pytest.mark.asyncio
        async def test_refills_every_second(virtual_clock: VirtualClock):
            assert virtual_clock.virtual
            limiter = RateLimiter(5)
            task = asyncio.create_task(limiter.refill())
            limiter.tokens = 0
            start = virtual_clock.time()
            await virtual_clock.advance(0.5)
            assert limiter.tokens == 0
            await virtual_clock.advance(0.5)
            assert limiter.tokens == 5
            assert virtual_clock.time() - start == pytest.approx(1)
            assert asyncio.get_running_loop().time() == virtual_clock.time()
            task.cancel()
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_virtual_clock_fixture_needs_an_async_test_with_a_virtual_clock(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_sync(virtual_clock):
            pass

        @pytest.mark.asyncio(clock="real")
        async def test_real(virtual_clock):
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=2)
    module = "test_virtual_clock_fixture_needs_an_async_test_with_a_virtual_clock.py"
    result.stdout.fnmatch_lines(
        [
            f"*{_messages.clock_fixture_needs_async_test(f'{module}::test_sync')}*",
            f"*{_messages.clock_fixture_with_real_clock(f'{module}::test_real')}*",
        ]
    )


def test_a_bad_clock_is_refused_by_name(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(clock="fake")
        async def test_it():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*test_it: clock: 'fake' is not a valid clock. Use one of: *"])
    result = run_clean("--asyncio-clock=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'sometimes' is not a valid clock*"])
    pytester.makeini("[pytest]\nasyncio_clock_threshold = soon\n")
    result = run_clean()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{_messages.invalid_clock_threshold('soon')}*"])


ECHO = """
    import asyncio
    import pytest

    handlers_done = []

    async def echo(reader, writer):
        while data := await reader.read(100):
            writer.write(data)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
        handlers_done.append(True)

    @pytest.mark.asyncio(clock="virtual")
    async def test_echo(unused_tcp_port):
        loop = asyncio.get_running_loop()
        server = await asyncio.start_server(echo, "127.0.0.1", unused_tcp_port)
        reader, writer = await asyncio.open_connection("127.0.0.1", unused_tcp_port)
        for n in range(20):
            writer.write(b"ping %d" % n)
            assert await asyncio.wait_for(reader.read(100), timeout=5) == b"ping %d" % n
            start = loop.time()
            await asyncio.sleep(30)  # a keep-alive interval, with the sockets open
            assert loop.time() - start == pytest.approx(30)
        writer.close()
        await writer.wait_closed()
        while not handlers_done:
            await asyncio.sleep(0.01)
        server.close()
        await server.wait_closed()
    """


def test_a_localhost_server_and_client_talk_with_the_clock_on(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(ECHO)
    run_clean().assert_outcomes(passed=1)


def test_a_wide_loop_keeps_its_time_monotonic_across_tests(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from pytest_asyncio import VirtualClock

        pytestmark = pytest.mark.asyncio(loop_scope="module")
        seen = []

        async def note():
            seen.append(asyncio.get_running_loop().time())

        @pytest.mark.asyncio(loop_scope="module")
        async def test_real_first():
            await note()

        @pytest.mark.asyncio(loop_scope="module", clock="virtual")
        async def test_virtual():
            await note()
            await asyncio.sleep(3600)
            await note()

        @pytest.mark.asyncio(loop_scope="module")
        async def test_real_after():
            await note()
            assert VirtualClock.of(asyncio.get_running_loop()).virtual is False

        @pytest.mark.asyncio(loop_scope="module", clock="virtual")
        async def test_virtual_again():
            await note()
            await asyncio.sleep(10)
            await note()

        def test_monotonic():
            assert seen == sorted(seen)
            assert seen[2] - seen[1] == pytest.approx(3600)
            assert seen[5] - seen[4] == pytest.approx(10)
        """
    )
    run_clean().assert_outcomes(passed=5)


def test_the_plugins_timeout_stays_real(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        @pytest.mark.asyncio(clock="virtual", timeout=0.5)
        async def test_long_virtual_sleep_is_not_cut_off():
            await asyncio.sleep(3600)

        @pytest.mark.asyncio(clock="virtual", timeout=0.2)
        async def test_spins_forever_in_virtual_time():
            while True:
                await asyncio.sleep(1)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_spins_forever_in_virtual_time timed out after 0.2 s*"])


def test_the_ini_timeout_stays_real_for_fixtures_too(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini("[pytest]\nasyncio_timeout = 0.5\nasyncio_clock = virtual\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio

        @pytest_asyncio.fixture
        async def slow():
            await asyncio.sleep(7200)
            return 1

        @pytest.mark.asyncio
        async def test_it(slow):
            await asyncio.sleep(7200)
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_a_loop_that_cannot_carry_the_clock_is_named(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    uvloop = pytest.importorskip("uvloop")
    pytester.makeconftest(
        """
        import uvloop
        from pytest_asyncio import LoopFixture

        class UvloopLoop(LoopFixture):
            def new_loop(self):
                return uvloop.new_event_loop()

        event_loop = UvloopLoop.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(clock="virtual")
        async def test_direct():
            pass

        @pytest.mark.asyncio(clock="virtual")
        async def test_by_name(event_loop):
            pass

        @pytest.mark.asyncio(clock="virtual", loop_scope="module")
        async def test_module():
            pass

        @pytest.mark.asyncio
        async def test_real_still_runs():
            pass

        @pytest.mark.asyncio(loop_scope="module")
        async def test_module_real():
            pass

        @pytest.mark.asyncio(clock="virtual", loop_scope="module")
        async def test_module_loop_already_made():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=2, errors=4)
    output = result.stdout.str()
    refusal = _messages.clock_unsupported(uvloop.Loop)
    # Once per test in the errors section: shown alone, not chained. (The short
    # summary repeats it, cut to the terminal's width unless $CI is set.)
    errors_section = output.partition("short test summary info")[0]
    assert errors_section.count(refusal) == 4, output
    assert "During handling of the above exception" not in output
    assert "ClockUnsupported" not in output


def test_a_loop_fixture_subclass_names_its_clock_class(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeconftest(
        """
        from pytest_asyncio import LoopFixture, VirtualClock

        class PatientClock(VirtualClock):
            threshold = 0.25

        class PatientLoop(LoopFixture):
            clock_class = PatientClock

        event_loop = PatientLoop.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_default_threshold(virtual_clock):
            assert type(virtual_clock).__name__ == "PatientClock"
            assert virtual_clock.threshold == 0.25

        @pytest.mark.asyncio(loop_scope="module")
        async def test_wide_loop_too(virtual_clock):
            assert type(virtual_clock).__name__ == "PatientClock"
        """
    )
    run_clean().assert_outcomes(passed=2)
    pytester.makeini("[pytest]\nasyncio_clock_threshold = 0\n")
    pytester.makepyfile(
        test_setting="""
        import pytest

        @pytest.mark.asyncio
        async def test_setting_wins(virtual_clock):
            assert virtual_clock.threshold == 0
        """
    )
    run_clean("test_setting.py").assert_outcomes(passed=1)
