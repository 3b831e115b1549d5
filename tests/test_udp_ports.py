"""``unused_udp_port`` and ``unused_udp_port_factory`` (pytest-asyncio 0.18 and later)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import UdpPortFactoryFixture, UdpPortFixture
from pytest_asyncio.fixtures.free_ports import PortRegistry

if TYPE_CHECKING:
    from conftest import RunClean


def test_udp_port_serves_a_datagram_endpoint(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import socket
        import pytest

        def test_sync(unused_udp_port):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.bind(("127.0.0.1", unused_udp_port))

        class Echo(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                self.transport = transport

            def datagram_received(self, data, addr):
                self.transport.sendto(data, addr)

        class Client(asyncio.DatagramProtocol):
            def __init__(self):
                self.reply = asyncio.get_running_loop().create_future()

            def datagram_received(self, data, addr):
                self.reply.set_result(data)

        @pytest.mark.asyncio
        async def test_echo(unused_udp_port):
            loop = asyncio.get_running_loop()
            server, _ = await loop.create_datagram_endpoint(
                Echo, local_addr=("127.0.0.1", unused_udp_port)
            )
            client, protocol = await loop.create_datagram_endpoint(
                Client, remote_addr=("127.0.0.1", unused_udp_port)
            )
            try:
                client.sendto(b"ping")
                assert await asyncio.wait_for(protocol.reply, 5) == b"ping"
            finally:
                client.close()
                server.close()
        """
    )
    run_clean().assert_outcomes(passed=2)


def test_udp_factory_gives_distinct_bindable_ports(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import socket

        def test_ports(unused_udp_port_factory, unused_udp_port):
            ports = [unused_udp_port_factory() for _ in range(10)] + [unused_udp_port]
            assert len(set(ports)) == 11
            for port in ports:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                    sock.bind(("127.0.0.1", port))
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_udp_fixture_classes_draw_datagram_ports() -> None:
    registry = PortRegistry()
    single = UdpPortFixture(registry).setup()
    factory = UdpPortFactoryFixture(registry).setup()
    assert factory.kind == socket.SOCK_DGRAM
    assert single not in {factory(), factory()}
    assert {kind for kind, _ in registry.handed_out} == {socket.SOCK_DGRAM}
