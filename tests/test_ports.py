"""``unused_tcp_port`` and ``unused_tcp_port_factory`` in one process.

Every port handed out in a session is different from every other, whichever
fixture handed it out. (Coordination across pytest-xdist workers is tested
in ``test_ports_xdist.py``.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean


def test_unused_tcp_port_can_be_bound_on_localhost(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import socket
        import pytest

        def test_sync(unused_tcp_port):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", unused_tcp_port))

        @pytest.mark.asyncio
        async def test_serves_on_it(unused_tcp_port):
            async def echo(reader, writer):
                writer.write(await reader.read(5))
                await writer.drain()
                writer.close()
                await writer.wait_closed()

            server = await asyncio.start_server(echo, "127.0.0.1", unused_tcp_port)
            async with server:
                reader, writer = await asyncio.open_connection("127.0.0.1", unused_tcp_port)
                writer.write(b"hello")
                assert await reader.read(5) == b"hello"
                writer.close()
                await writer.wait_closed()
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_the_factory_gives_a_different_bindable_port_each_call(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import socket

        def test_ports(unused_tcp_port_factory):
            ports = [unused_tcp_port_factory() for _ in range(20)]
            assert len(set(ports)) == 20
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_no_port_is_handed_out_twice_in_a_session(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Across tests, and between the single-port fixture and the factory."""
    pytester.makepyfile(
        """
        import pytest

        HANDED_OUT = []

        @pytest.mark.parametrize("n", range(30))
        def test_draw(n, unused_tcp_port, unused_tcp_port_factory):
            HANDED_OUT.append(unused_tcp_port)
            HANDED_OUT.extend(unused_tcp_port_factory() for _ in range(3))

        def test_all_distinct():
            assert len(HANDED_OUT) == 120
            assert len(set(HANDED_OUT)) == len(HANDED_OUT)
        """
    )
    run_clean().assert_outcomes(passed=31)


def test_ports_are_distinct_even_when_the_os_repeats_itself(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Force the operating system's answer to repeat; the fixtures must not."""
    pytester.makeconftest(
        """
        import itertools
        import pytest
        import pytest_asyncio.fixtures.free_ports as free_ports  # the module the plugin imports

        ANSWERS = itertools.cycle([40001, 40001, 40002, 40001, 40002, 40003, 40004])

        @pytest.fixture(autouse=True, scope="session")
        def repeating_os(request):
            patch = pytest.MonkeyPatch()
            registry = free_ports.PortRegistry
            patch.setattr(registry, "_bind_free_port", lambda self, kind: next(ANSWERS))
            yield
            patch.undo()
        """
    )
    pytester.makepyfile(
        """
        SEEN = []

        def test_single(unused_tcp_port):
            SEEN.append(unused_tcp_port)

        def test_factory(unused_tcp_port_factory):
            SEEN.extend([unused_tcp_port_factory(), unused_tcp_port_factory()])

        def test_single_again(unused_tcp_port):
            SEEN.append(unused_tcp_port)

        def test_seen():
            assert SEEN == [40001, 40002, 40003, 40004]
        """
    )
    run_clean().assert_outcomes(passed=4)


def test_a_suite_patching_the_plugins_unused_port_still_gets_distinct_ports(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """Suites written for pytest-asyncio 0.21 to 1.x force duplicates this way."""
    pytester.makepyfile(
        """
        import socket
        import pytest_asyncio.plugin

        def test_duplicates_are_skipped(unused_udp_port_factory, monkeypatch):
            answers = iter([30001, 30001, 30001, 30002])
            asked = []

            def repeating(kind):
                asked.append(kind)
                return next(answers)

            monkeypatch.setattr(pytest_asyncio.plugin, "_unused_port", repeating)
            assert unused_udp_port_factory() == 30001
            assert unused_udp_port_factory() == 30002
            assert asked == [socket.SOCK_DGRAM] * 4
        """
    )
    run_clean().assert_outcomes(passed=1)
