"""Soak: 10,000 async tests in one session leave file descriptors and memory flat.

The inner session runs in a subprocess, so what it measures is its own
process alone. A conftest there records the number of open file
descriptors (``/proc/self/fd``) and the resident set size (``VmRSS`` in
``/proc/self/status``) at two points in the same state: after the 100th test
(warm: modules imported, caches filled) and after the 100th test of the last
module. Both points sit at the same place in their module, so the same
module-scoped fixtures and loops are alive at each.

The RSS bound: pytest itself keeps every test report for its summary
(about 2 KB a test, 20 MB here), which would hide a leak of ours; the
conftest drops passed reports once counted. What pytest still keeps per
test (its own stash entries and progress bookkeeping) measured 5.5 MB over
these 9,500 tests with the plugin disabled, and the plugin's run measured
the same within noise. The bound of 10 MB leaves 4.5 MB: a leak of even
500 bytes a test (far less than one loop, task, or fixture frame) fails it.
"""

from __future__ import annotations

import json
import sys

import pytest

MODULES = 20
PER_LOOP_KIND = 250  # tests on the function loop, then as many on the module loop
PER_MODULE = 2 * PER_LOOP_KIND
TOTAL = MODULES * PER_MODULE
WARM = 100
LATE = (MODULES - 1) * PER_MODULE + WARM
FD_MARGIN = 2
RSS_GROWTH_LIMIT_KB = 10 * 1024

MEASURING_CONFTEST = f"""
import gc
import json
import os
from pathlib import Path

import pytest

POINTS = {{{WARM}: "warm", {LATE}: "late", {TOTAL}: "end"}}
OUT = Path("measurements.json")
state = {{"finished": 0, "counts": {{}}}}


def measure():
    gc.collect()
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return {{"fds": len(os.listdir("/proc/self/fd")), "rss_kb": rss}}


def pytest_configure(config):
    state["config"] = config


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report):
    key = report.when + "_" + report.outcome
    state["counts"][key] = state["counts"].get(key, 0) + 1
    if report.passed:  # pytest would keep it until the summary; failures stay
        reporter = state["config"].pluginmanager.get_plugin("terminalreporter")
        for category in ("passed", ""):
            reporter.stats.pop(category, None)


def pytest_runtest_logfinish(nodeid, location):
    state["finished"] += 1
    point = POINTS.get(state["finished"])
    if point is not None:
        data = json.loads(OUT.read_text()) if OUT.exists() else {{}}
        data[point] = measure()
        data["counts"] = state["counts"]
        OUT.write_text(json.dumps(data))
"""

SOAK_MODULE = f"""
import asyncio
import socket

import pytest
import pytest_asyncio

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def echo_server():
    async def echo(reader, writer):
        writer.write(await reader.read(100))
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    yield server
    server.close()
    await server.wait_closed()


@pytest.fixture
async def answer():
    await asyncio.sleep(0)
    return 42


@pytest.fixture
async def stream_pair():
    mine, peer = socket.socketpair()
    reader, writer = await asyncio.open_connection(sock=mine)
    watcher = asyncio.create_task(reader.read(1))
    yield writer, peer
    watcher.cancel()
    writer.close()
    await writer.wait_closed()
    peer.close()


@pytest.mark.parametrize("i", range({PER_LOOP_KIND}))
async def test_on_a_function_loop(i, answer, stream_pair):
    writer, peer = stream_pair
    writer.write(b"x")
    await writer.drain()
    assert peer.recv(1) == b"x" and answer == 42
    if i % 10 == 0:  # a default executor to shut down, now and then
        assert await asyncio.get_running_loop().run_in_executor(None, abs, -i) == i


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("i", range({PER_LOOP_KIND}))
async def test_on_the_module_loop(i, echo_server):
    port = echo_server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"ping")
    await writer.drain()
    assert await reader.read(100) == b"ping"
    writer.close()
    await writer.wait_closed()
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_ten_thousand_async_tests_leave_fds_and_memory_flat(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(MEASURING_CONFTEST)
    pytester.makepyfile(**{f"test_soak_{n:02}": SOAK_MODULE for n in range(MODULES)})
    result = pytester.run(
        sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", timeout=300
    )
    assert result.ret == 0, "\n".join(result.outlines[-30:] + result.errlines[-30:])
    data = json.loads((pytester.path / "measurements.json").read_text())
    assert data["counts"] == {"setup_passed": TOTAL, "call_passed": TOTAL, "teardown_passed": TOTAL}
    warm, late, end = data["warm"], data["late"], data["end"]
    assert late["fds"] <= warm["fds"] + FD_MARGIN, data
    assert end["fds"] <= warm["fds"] + FD_MARGIN, data
    growth = late["rss_kb"] - warm["rss_kb"]
    assert growth < RSS_GROWTH_LIMIT_KB, f"RSS grew {growth} KB over {LATE - WARM} tests: {data}"
