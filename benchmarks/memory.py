"""Measure the memory each async test leaves behind, against the same tests written sync.

Standard library only. Usage (see benchmarks/README.md)::

    python benchmarks/memory.py                        # 10,000 tests of workload b
    python benchmarks/memory.py --tests 4000 --top 10  # and where the difference lies
    python benchmarks/memory.py --python /tmp/venv-with-another-plugin --mode auto

Each flavour (async, sync) runs in a fresh ``python -c`` child that calls
``pytest.main`` in-process with a small plugin: after the ``--warm-up``-th
test has finished it collects garbage and takes a ``tracemalloc``
snapshot, and again after the last test. What the run allocated between the
two and still holds, divided by the tests in between, is what each test
leaves behind (reports kept by the terminal, caches, anything leaked);
collection's allocations and one-off warm-up costs are outside the window.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import suites  # the sibling module, importable however this script is started

#: Run in the measured interpreter: ``pytest.main`` with the snapshot plugin.
CHILD = r"""
import gc, json, sys, tracemalloc
import pytest

warm_up, last, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


class Snapshots:
    def __init__(self):
        self.done = 0
        self.first = None
        self.at_start = 0

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self):
        gc.collect()
        self.at_start = tracemalloc.get_traced_memory()[0]

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        gc.collect()
        self.collected = (tracemalloc.get_traced_memory()[0] - self.at_start) / len(session.items)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logfinish(self):
        self.done += 1
        if self.done not in (warm_up, last):
            return
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
        if self.done == warm_up:
            self.first = snapshot
            return
        lines = [
            [str(stat.traceback[0]), stat.size_diff, stat.count_diff]
            for stat in snapshot.compare_to(self.first, "lineno")
            if stat.size_diff
        ]
        with open(out, "w") as file:
            json.dump({"tests": last - warm_up, "lines": lines, "collected": self.collected}, file)


tracemalloc.start()
code = pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[4:]], plugins=[Snapshots()])
sys.exit(int(code))
"""


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter or venv to measure")
    parser.add_argument("--tests", type=int, default=10_000, help="tests per flavour (10000)")
    parser.add_argument("--warm-up", type=int, default=1000, help="tests before the first snapshot")
    parser.add_argument(
        "--mode",
        choices=("strict", "auto"),
        default="strict",
        help="strict: workload b as written (marked tests); auto: the same tests "
        "unmarked, in asyncio_mode = auto",
    )
    parser.add_argument("--top", type=int, default=0, help="print the N lines differing most")
    parser.add_argument(
        "--no-autoload", action="store_true", help="load no other installed pytest plugin"
    )
    args = parser.parse_args(argv)
    if not 0 < args.warm_up < args.tests:
        parser.error("--warm-up must be between 0 and --tests")
    return args


def interpreter(path: str) -> str:
    """A venv directory stands for its ``bin/python``."""
    candidate = Path(path) / "bin" / "python"
    return str(candidate) if Path(path).is_dir() and candidate.exists() else path


def write_suite(root: Path, flavour: str, count: int, mode: str) -> Path:
    directory = suites.write_workload(root, "b", flavour, count)
    if mode == "auto":
        (directory / "pytest.ini").write_text(
            "[pytest]\nasyncio_default_fixture_loop_scope = function\nasyncio_mode = auto\n"
        )
        for module in directory.glob("test_*.py"):
            module.write_text(module.read_text().replace("@pytest.mark.asyncio\n", ""))
    return directory


def measure(args: argparse.Namespace, directory: Path, out: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTHONPATH")}
    if args.no_autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    extra = ["-p", "asyncio"] if args.no_autoload else []
    command = [interpreter(args.python), "-c", CHILD, str(args.warm_up), str(args.tests)]
    command += [str(out), *extra]
    done = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {directory.name} run failed:\n{done.stdout[-2000:]}{done.stderr}")
    result: dict[str, object] = json.loads(out.read_text())
    return result


def per_test(result: dict[str, object]) -> float:
    lines: list[list[object]] = result["lines"]  # type: ignore[assignment]
    tests: int = result["tests"]  # type: ignore[assignment]
    return sum(int(line[1]) for line in lines) / tests  # type: ignore[call-overload]


def main(argv: Sequence[str]) -> None:
    args = parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="pytest-asyncio-memory-") as temp:
        root = Path(temp)
        for flavour in ("async", "sync"):
            directory = write_suite(root, flavour, args.tests, args.mode)
            results[flavour] = measure(args, directory, root / f"{flavour}.json")
    sizes = {flavour: per_test(result) for flavour, result in results.items()}
    print(f"python: {interpreter(args.python)}; mode {args.mode}; {args.tests} tests per flavour")
    collected = {flavour: float(result["collected"]) for flavour, result in results.items()}  # type: ignore[arg-type]
    for flavour, size in sizes.items():
        print(
            f"{flavour:6} retains {size:8.1f} bytes per test run, "
            f"{collected[flavour]:8.1f} per test collected"
        )
    print(
        f"async - sync: {sizes['async'] - sizes['sync']:+.1f} bytes per test run, "
        f"{collected['async'] - collected['sync']:+.1f} per test collected"
    )
    if args.top:
        print_top(results, args.top)


def print_top(results: dict[str, dict[str, object]], top: int) -> None:
    """The source lines whose retained bytes per test differ most between the flavours."""
    by_line: dict[str, list[float]] = {}
    for index, flavour in enumerate(("async", "sync")):
        result = results[flavour]
        tests: int = result["tests"]  # type: ignore[assignment]
        for where, size, count in result["lines"]:  # type: ignore[attr-defined]
            entry = by_line.setdefault(where, [0.0, 0.0, 0.0, 0.0])
            entry[index] += size / tests
            entry[2 + index] += count / tests
    ranked = sorted(by_line.items(), key=lambda item: -abs(item[1][0] - item[1][1]))
    print("bytes per test: async - sync (async, sync; objects async, sync)  where")
    for where, (a, s, ca, cs) in ranked[:top]:
        print(f"  {a - s:+8.1f} ({a:7.1f}, {s:7.1f}; {ca:5.2f}, {cs:5.2f})  {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
