"""Under pytest-xdist no port is handed to two workers of one run.

Two workers drawing hundreds of ports each from a range of about 28,000
ephemeral ports would, left alone, almost surely be offered some of the same
ones (the birthday bound); the workers agree through a locked file instead.
"""

from __future__ import annotations

import socket
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest

from pytest_asyncio.fixtures.free_ports import (
    PortRegistry,
    SharedPortFile,
    WorkerResidue,
    claims_for,
)

if TYPE_CHECKING:
    from conftest import RunClean

TESTS = 100
PER_TEST = 10  # 1 + 1 single-port fixtures, 4 + 4 from the factories

DRAWING_SUITE = f"""
import pytest


@pytest.fixture(scope="session")
def record(request):
    worker = getattr(request.config, "workerinput", {{}}).get("workerid", "alone")
    with open(f"ports-{{worker}}.txt", "w") as file:
        yield lambda kind, port: file.write(f"{{kind}} {{port}}\\n")


@pytest.mark.parametrize("n", range({TESTS}))
def test_draw(
    n, record, unused_tcp_port, unused_udp_port, unused_tcp_port_factory,
    unused_udp_port_factory,
):
    record("tcp", unused_tcp_port)
    record("udp", unused_udp_port)
    for _ in range(4):
        record("tcp", unused_tcp_port_factory())
        record("udp", unused_udp_port_factory())
"""


def test_two_workers_never_get_the_same_port(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(test_draw=DRAWING_SUITE)
    run_clean("-n", "2").assert_outcomes(passed=TESTS)
    drawn = {
        path.stem: path.read_text().splitlines() for path in pytester.path.glob("ports-gw*.txt")
    }
    assert sorted(drawn) == ["ports-gw0", "ports-gw1"]
    assert all(len(lines) >= 100 for lines in drawn.values()), {
        worker: len(lines) for worker, lines in drawn.items()
    }
    union = [line for lines in drawn.values() for line in lines]
    assert len(union) == TESTS * PER_TEST
    duplicates = sorted({line for line in union if union.count(line) > 1})
    assert not duplicates, f"handed to more than one test: {duplicates}"


def test_the_same_suite_also_works_without_xdist(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(test_draw=DRAWING_SUITE)
    run_clean("-p", "no:xdist").assert_outcomes(passed=TESTS)
    lines = (pytester.path / "ports-alone.txt").read_text().splitlines()
    assert len(lines) == len(set(lines)) == TESTS * PER_TEST


# -- the pieces, one process standing in for several workers ----------------


def test_a_shared_file_gives_each_port_to_the_first_claimant(tmp_path: Path) -> None:
    path = tmp_path / "ports.txt"
    gw0, gw1 = SharedPortFile(path), SharedPortFile(path)
    assert gw0.claim(socket.SOCK_STREAM, 40001)
    assert not gw1.claim(socket.SOCK_STREAM, 40001)
    assert gw1.claim(socket.SOCK_DGRAM, 40001)  # UDP and TCP ports are separate
    assert not gw0.claim(socket.SOCK_DGRAM, 40001)
    assert gw1.claim(socket.SOCK_STREAM, 40002)
    assert not gw0.claim(socket.SOCK_STREAM, 40002)
    assert len(path.read_text().splitlines()) == 3


class Offering(PortRegistry):
    """A registry whose "operating system" offers ports from a fixed list."""

    def __init__(self, offers: list[int], path: Path) -> None:
        super().__init__(claims=SharedPortFile(path))
        self.offers = list(offers)

    def _bind_free_port(self, kind: socket.SocketKind) -> int:
        return self.offers.pop(0)


def test_registries_sharing_a_file_skip_each_other_s_ports(tmp_path: Path) -> None:
    """Both are offered the same ports; each skips what the other took."""
    offers = [40001, 40002, 40001, 40003, 40002, 40004]
    first, second = (
        Offering(offers, tmp_path / "ports.txt"),
        Offering(offers, tmp_path / "ports.txt"),
    )
    drawn = [registry.draw(socket.SOCK_STREAM) for registry in (first, second, first, second)]
    assert drawn == [40001, 40002, 40003, 40004]


def test_worker_residues_are_disjoint() -> None:
    workers = [WorkerResidue(index, 3) for index in range(3)]
    for port in range(40000, 40030):
        owners = [w for w in workers if w.claim(socket.SOCK_STREAM, port)]
        assert len(owners) == 1


def _config(workerinput: dict[str, Any] | None, basetemp: str | None) -> pytest.Config:
    config = SimpleNamespace(option=SimpleNamespace(basetemp=basetemp))
    if workerinput is not None:
        config.workerinput = workerinput
    return cast(pytest.Config, config)


def test_outside_xdist_nothing_is_shared() -> None:
    assert claims_for(_config(None, None)) is None


def test_workers_share_a_file_beside_their_basetemps(tmp_path: Path) -> None:
    run = {"workerid": "gw1", "workercount": 2, "testrunuid": "abc123"}
    claims = claims_for(_config(run, str(tmp_path / "popen-gw1")))
    assert isinstance(claims, SharedPortFile)
    assert claims.path == tmp_path / "pytest-asyncio-ports-abc123.txt"
