"""Measure what pytest-asyncio costs per async test, against the same tests written sync.

Standard library only. Usage (see benchmarks/README.md)::

    python benchmarks/run.py                  # full sizes, 5 interleaved repetitions
    python benchmarks/run.py --quick          # a small smoke run
    python benchmarks/run.py --python /tmp/venv-with-another-plugin
    python benchmarks/run.py --vs /tmp/venv-with-pytest-asyncio-1.5.0   # side by side

Every timed run is a fresh ``python -m pytest -q -p no:cacheprovider``
subprocess timed by wall clock (or, with ``--clock cpu``, by its CPU time).
The async and sync runs of a workload are interleaved (their order
alternating between repetitions), so a machine that slows down during the
benchmark slows both. Each repetition gives one
difference; the report shows the min, median and max of those differences,
and a "best-of" figure: the fastest async run minus the fastest sync run.
Another program on the machine can only make a run slower, never faster,
so the fastest of several runs is the one it disturbed least (as
``timeit`` reports its best); on a shared machine best-of is the steadier
figure, the median the more familiar one.
With ``--vs``, the other interpreter's async and sync runs join the same
rounds, and a ratio row gives this plugin's per-test cost over the other's,
repetition by repetition.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import suites  # the sibling module, importable however this script is started

FULL_SIZES = {"a": 2000, "b": 1000, "c": 2000, "c2": 2000, "d": 200_000, "collect": 20_000}
QUICK_SIZES = {"a": 100, "b": 50, "c": 100, "c2": 100, "d": 5000, "collect": 400}
WORKLOADS = ("a", "b", "c", "c2", "d", "collect")
DEFAULT_WORKLOADS = ("a", "b", "c", "d", "collect")
KINDS = ("async", "sync")
DESCRIPTIONS = {
    "a": "marked trivial tests, each on its own loop",
    "b": "tests using 2 async def fixtures + 1 async generator fixture",
    "c": 'tests sharing a module loop (loop_scope="module")',
    "c2": "tests sharing a module loop (a module-scoped event_loop override, 0.21 style)",
    "d": "awaits of asyncio.sleep(0) in one test, vs asyncio.run",
    "collect": "mixed sync/async tests collected in auto mode, vs -p no:asyncio",
}


class BenchmarkError(Exception):
    """A benchmarked run failed, so its time means nothing."""


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter (or a venv directory) whose pytest and plugin are measured",
    )
    parser.add_argument(
        "--vs",
        default=None,
        metavar="PYTHON",
        help="a second interpreter (or venv), e.g. with pytest-asyncio 1.5.0, measured in the "
        "same interleaved rounds (workloads a, b, c, c2); adds a ratio row per workload",
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed runs of each kind (5)")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall: elapsed time (default); cpu: the run's user+system CPU time, "
        "steadier on a machine that is busy with other work",
    )
    parser.add_argument(
        "--no-autoload",
        action="store_true",
        help="load no other installed pytest plugin (PYTEST_DISABLE_PLUGIN_AUTOLOAD=1, -p asyncio)",
    )
    parser.add_argument(
        "--no-warm-up", action="store_true", help="skip the untimed first run of each kind"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 repetitions")
    parser.add_argument(
        "--workloads",
        default=",".join(DEFAULT_WORKLOADS),
        help=f"comma-separated subset of {','.join(WORKLOADS)} (default: all but c2)",
    )
    for name in WORKLOADS:
        parser.add_argument(
            f"--{name}", type=int, default=None, metavar="N", help=DESCRIPTIONS[name]
        )
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    for name in WORKLOADS:
        if getattr(args, name) is None:
            setattr(args, name, sizes[name])
    if args.repeat is None:
        args.repeat = 2 if args.quick else 5
    args.workloads = [name.strip() for name in args.workloads.split(",") if name.strip()]
    unknown = sorted(set(args.workloads) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workloads: {', '.join(unknown)}")
    args.python = _interpreter(args.python)
    if args.vs is not None:
        args.vs = _interpreter(args.vs)
    return args


def _interpreter(path: str) -> str:
    """A venv directory stands for its ``bin/python``."""
    return str(Path(path) / "bin" / "python") if Path(path).is_dir() else path


def clean_environment() -> dict[str, str]:
    """The caller's environment without settings that would change what pytest runs.

    ``PYTHONDONTWRITEBYTECODE`` goes too: without cached bytecode, every run
    would rewrite and compile the test modules again, a cost that grows with
    the size of the module (so with the markers) and is no part of a test's.
    """
    drop = (
        "PYTEST_ADDOPTS",
        "PYTEST_PLUGINS",
        "PYTEST_CURRENT_TEST",
        "PYTHONPATH",
        "PYTHONDONTWRITEBYTECODE",
    )
    return {key: value for key, value in os.environ.items() if key not in drop}


class Bench:
    """One benchmark session: the interpreter measured, its environment, the suites' root."""

    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.args = args
        self.root = root
        self.env = clean_environment()
        self.plugin_options: tuple[str, ...] = ()
        if args.no_autoload:
            self.env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            self.plugin_options = ("-p", "asyncio")

    def timed_run(self, command: Sequence[str], directory: Path) -> float:
        """Run ``command`` in ``directory``; return its seconds on the chosen clock.

        :raises BenchmarkError: when it exits non-zero (a failing run times nothing useful).
        """
        start, cpu_start = time.perf_counter(), _children_cpu()
        done = subprocess.run(
            command, cwd=directory, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        wall, cpu = time.perf_counter() - start, _children_cpu() - cpu_start
        if done.returncode != 0:
            tail = done.stdout.decode(errors="replace")[-3000:]
            raise BenchmarkError(f"{' '.join(command)} in {directory} failed:\n{tail}")
        return wall if self.args.clock == "wall" else cpu

    def pytest(self, *extra: str, plugin: bool = True, python: str | None = None) -> list[str]:
        options = self.plugin_options if plugin else ("-p", "no:asyncio")
        interpreter = python or self.args.python
        return [interpreter, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, *extra]

    def interleave(self, runs: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
        """Time each run ``--repeat`` times, alternating their order every repetition.

        Unless ``--no-warm-up``, each run goes once first, untimed: pyc files
        and assertion rewriting are paid there, not measured.
        """
        names = list(runs)
        if not self.args.no_warm_up:
            for name in names:
                runs[name]()
        times: dict[str, list[float]] = {name: [] for name in names}
        for repetition in range(self.args.repeat):
            for name in names if repetition % 2 == 0 else reversed(names):
                times[name].append(runs[name]())
        return times

    def overhead(self, name: str) -> str:
        """Workloads a to c2: per-test µs of the async run above the sync run.

        With ``--vs``, the other interpreter's two runs join the same rounds;
        its row and the ratio of the two overheads follow.
        """
        count: int = getattr(self.args, name)
        dirs = {kind: suites.write_workload(self.root, name, kind, count) for kind in KINDS}
        pythons = {"": self.args.python}
        if self.args.vs is not None:
            pythons["vs "] = self.args.vs
        runs: dict[str, Callable[[], float]] = {}
        for prefix, python in pythons.items():
            command = self.pytest(python=python)
            for kind, directory in dirs.items():
                runs[prefix + kind] = lambda c=command, d=directory: self.timed_run(c, d)
        times = self.interleave(runs)
        lines, overheads, bests = [], [], []
        for prefix in pythons:
            pair = {kind: times[prefix + kind] for kind in KINDS}
            diffs = [(a - s) / count * 1e6 for a, s in zip(*pair.values(), strict=True)]
            overheads.append(diffs)
            best = (min(pair["async"]) - min(pair["sync"])) / count * 1e6
            bests.append(best)
            label = name if not prefix else f"{name} vs"
            line = row(label, count, pair, (1, "s"), diffs, ("overhead/test µs", "8.1f"))
            lines.append(f"{line}  best-of {best:8.1f}")
        if len(overheads) == 2:
            ratios = [ours / theirs for ours, theirs in zip(*overheads, strict=True) if theirs > 0]
            if ratios:
                low, mid, high = min(ratios), statistics.median(ratios), max(ratios)
                best_ratio = f"{bests[0] / bests[1]:.2f}" if bests[1] > 0 else "n/a"
                lines.append(
                    f"{name + ' ratio':<16}this plugin's overhead / --vs overhead"
                    f"  min {low:.2f}  median {mid:.2f}  max {high:.2f}  best-of {best_ratio}"
                )
        return "\n".join(lines)

    def awaits(self) -> str:
        """Workload d: the same awaits timed inside a pytest test and under ``asyncio.run``."""
        directory = suites.write_awaits(self.root, self.args.d)
        result = directory / "elapsed.txt"
        self.env["BENCH_RESULT"] = str(result)

        def inside(command: list[str]) -> Callable[[], float]:
            def run() -> float:
                self.timed_run(command, directory)
                return float(result.read_text())

            return run

        commands = {
            "plugin": self.pytest("test_awaits.py"),
            "asyncio.run": [self.args.python, "direct.py"],
        }
        times = self.interleave({n: inside(c) for n, c in commands.items()})
        diffs = [(p - r) / r * 100 for p, r in zip(*times.values(), strict=True)]
        return row("d", self.args.d, times, (1e3, "ms"), diffs, ("difference %", "+6.1f"))

    def collection(self) -> str:
        """Collecting mixed tests in auto mode, with the plugin and with ``-p no:asyncio``."""
        directory = suites.write_collection(self.root, self.args.collect)
        commands = {
            "plugin": self.pytest("--collect-only"),
            "no plugin": self.pytest("--collect-only", plugin=False),
        }
        times = self.interleave(
            {n: (lambda c=c: self.timed_run(c, directory)) for n, c in commands.items()}
        )
        diffs = [(p - n) / n * 100 for p, n in zip(*times.values(), strict=True)]
        count = self.args.collect
        return row("collect", count, times, (1, "s"), diffs, ("difference %", "+6.1f"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def row(
    label: str,
    count: int,
    times: dict[str, list[float]],
    unit: tuple[float, str],
    diffs: Sequence[float],
    what: tuple[str, str],
) -> str:
    """One result line: the median time of each run kind, then min/median/max of ``diffs``.

    :param unit: the factor from seconds and the unit's name, for the medians.
    :param what: the name of the differences and their number format.
    """
    scale, unit_name = unit
    title, number = what
    medians = "".join(
        f"  {name} {statistics.median(values) * scale:8.3f} {unit_name}"
        for name, values in times.items()
    )
    low, mid, high = min(diffs), statistics.median(diffs), max(diffs)
    return (
        f"{label:<8}{count:>8}{medians}  {title} min {low:{number}}"
        f"  median {mid:{number}}  max {high:{number}}"
    )


_PROBE = """
import asyncio, importlib.metadata as m, platform, timeit

async def nothing():
    pass

def loop_round_trip():
    loop = asyncio.new_event_loop()
    loop.run_until_complete(nothing())
    loop.close()

best = min(timeit.repeat(loop_round_trip, number=200, repeat=5)) / 200
print(platform.python_version(), m.version("pytest"), m.version("pytest-asyncio"), best * 1e6)
"""


def describe_machine(python: str, env: dict[str, str]) -> str:
    """Versions, and a yardstick: how long a bare asyncio loop round trip takes here.

    The yardstick (create a loop, run an empty coroutine, close it) makes
    numbers from a busy or a slower machine comparable.
    """
    # Run from "/": a checkout in the current directory would shadow the installed metadata.
    done = subprocess.run([python, "-c", _PROBE], env=env, capture_output=True, text=True, cwd="/")
    found = done.stdout.split() if done.returncode == 0 else []
    python_version, pytest, plugin, yardstick = found if len(found) == 4 else ["?"] * 4
    if yardstick != "?":
        yardstick = f"{float(yardstick):.1f}"
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}"
        f" | python {python_version} ({python}) | pytest {pytest} | pytest-asyncio {plugin}"
        f"\nyardstick: asyncio loop create + run + close {yardstick} µs"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    print(describe_machine(args.python, clean_environment()))
    if args.vs is not None:
        print("--vs " + describe_machine(args.vs, clean_environment()).split("\n")[0])
    warm_up = "no warm-up" if args.no_warm_up else "after a warm-up run"
    print(f"clock: {args.clock}; repetitions: {args.repeat} (interleaved, {warm_up})")
    for name in args.workloads:
        print(f"  {name}: {getattr(args, name)} {DESCRIPTIONS[name]}")
    with tempfile.TemporaryDirectory(prefix="pytest-asyncio-bench-") as temporary:
        bench = Bench(args, Path(temporary))
        runs = {"d": bench.awaits, "collect": bench.collection}
        try:
            for name in args.workloads:
                line = runs[name]() if name in runs else bench.overhead(name)
                print(line, flush=True)
        except BenchmarkError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
