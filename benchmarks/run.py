"""Measure what pytest-asyncio costs per async test, against the same tests written sync.

Standard library only. Usage (see benchmarks/README.md)::

    python benchmarks/run.py                  # full sizes, 5 interleaved repetitions
    python benchmarks/run.py --quick          # a small smoke run
    python benchmarks/run.py --python /tmp/venv-with-another-plugin
    python benchmarks/run.py --vs /tmp/venv-with-pytest-asyncio-1.5.0   # side by side
    python benchmarks/run.py --workloads session,slope --vs /tmp/venv-1.5.0  # the split

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

Workloads ``session`` and ``slope`` split a whole-process figure in two: the
cost of starting a session (a one-test run against a one-test run with
``-p no:asyncio``) and the cost of each further test (the slope between
suites of 200 and 2,000 tests, async less sync), each with bytecode caching
and with ``PYTHONDONTWRITEBYTECODE=1``.
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
SIZED = ("a", "b", "c", "c2", "d", "collect")
WORKLOADS = (*SIZED, "session", "slope")
DEFAULT_WORKLOADS = ("a", "b", "c", "d", "collect", "session", "slope")
FULL_SLOPE, QUICK_SLOPE = (200, 2000), (20, 100)
#: The two ways a run may find bytecode: (label, whether PYTHONDONTWRITEBYTECODE=1).
BYTECODE = (("uncached", True), ("cached", False))
KINDS = ("async", "sync")
DESCRIPTIONS = {
    "a": "marked trivial tests, each on its own loop",
    "b": "tests using 2 async def fixtures + 1 async generator fixture",
    "c": 'tests sharing a module loop (loop_scope="module")',
    "c2": "tests sharing a module loop (a module-scoped event_loop override, 0.21 style)",
    "d": "awaits of asyncio.sleep(0) in one test, vs asyncio.run",
    "collect": "mixed sync/async tests collected in auto mode, vs -p no:asyncio",
    "session": "one marked test, vs one sync test with -p no:asyncio: the per-session cost",
    "slope": "the per-test cost: the slope between a small and a large suite, async less sync",
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
    for name in SIZED:
        parser.add_argument(
            f"--{name}", type=int, default=None, metavar="N", help=DESCRIPTIONS[name]
        )
    parser.add_argument(
        "--slope",
        default=None,
        metavar="SMALL,LARGE",
        help=f"suite sizes for the slope workload (default {FULL_SLOPE[0]},{FULL_SLOPE[1]})",
    )
    parser.add_argument(
        "--slope-workloads",
        default="a,b,c",
        metavar="a,b,c",
        help="the workloads whose per-test slope is measured (default a,b,c)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    if args.slope is None:
        args.slope = QUICK_SLOPE if args.quick else FULL_SLOPE
    else:
        small, _, large = args.slope.partition(",")
        args.slope = (int(small), int(large))
        if not 0 < args.slope[0] < args.slope[1]:
            parser.error("--slope needs SMALL,LARGE with 0 < SMALL < LARGE")
    args.slope_workloads = [name.strip() for name in args.slope_workloads.split(",")]
    if set(args.slope_workloads) - {"a", "b", "c", "c2"}:
        parser.error("--slope-workloads takes a, b, c and c2")
    for name in SIZED:
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
        self.plugin_dirs: dict[str, list[Path]] = {}
        self.plugin_options: tuple[str, ...] = ()
        if args.no_autoload:
            self.env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            self.plugin_options = ("-p", "asyncio")

    def timed_run(
        self, command: Sequence[str], directory: Path, env: dict[str, str] | None = None
    ) -> float:
        """Run ``command`` in ``directory``; return its seconds on the chosen clock.

        :raises BenchmarkError: when it exits non-zero (a failing run times nothing useful).
        """
        start, cpu_start = time.perf_counter(), _children_cpu()
        done = subprocess.run(
            command,
            cwd=directory,
            env=self.env if env is None else env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        wall, cpu = time.perf_counter() - start, _children_cpu() - cpu_start
        if done.returncode != 0:
            tail = done.stdout.decode(errors="replace")[-3000:]
            raise BenchmarkError(f"{' '.join(command)} in {directory} failed:\n{tail}")
        return wall if self.args.clock == "wall" else cpu

    def bytecode_run(
        self, command: Sequence[str], directory: Path, uncached: bool
    ) -> Callable[[], float]:
        """A timed run of ``command``, with ``PYTHONDONTWRITEBYTECODE=1`` if ``uncached``.

        An uncached run first deletes the assertion-rewritten bytecode pytest
        cached for the plugin's package in an earlier, cached run: pytest
        reads such a cache even when told not to write one, and a machine
        that never writes bytecode never has it.
        """
        env = {**self.env, "PYTHONDONTWRITEBYTECODE": "1"} if uncached else self.env

        def run() -> float:
            if uncached:
                self.forget_rewritten(command[0])
            return self.timed_run(command, directory, env)

        return run

    def forget_rewritten(self, python: str) -> None:
        """Delete pytest's rewritten bytecode, ``*-pytest-*.pyc``, in ``python``'s plugin."""
        if python not in self.plugin_dirs:
            done = subprocess.run(
                [python, "-c", _PLUGIN_DIRS], env=self.env, capture_output=True, text=True, cwd="/"
            )
            self.plugin_dirs[python] = [Path(line) for line in done.stdout.splitlines() if line]
        for directory in self.plugin_dirs[python]:
            for cached in directory.glob("**/__pycache__/*-pytest-*.pyc"):
                cached.unlink(missing_ok=True)

    def pythons(self) -> dict[str, str]:
        """The interpreters measured, by row prefix: ``""`` for this one, ``"vs "`` for ``--vs``."""
        pythons = {"": self.args.python}
        if self.args.vs is not None:
            pythons["vs "] = self.args.vs
        return pythons

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
        pythons = self.pythons()
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
            ratio = ratio_row(overheads, bests)
            if ratio:
                lines.append(f"{name + ' ratio':<16}this plugin's overhead / --vs overhead{ratio}")
        return "\n".join(lines)

    def session(self) -> str:
        """Workload session: a one-test run less a one-sync-test run with ``-p no:asyncio``.

        Each interpreter is paired with its own run without the plugin, each
        bytecode setting with suites of its own (an uncached run must not
        find the test module's rewritten bytecode a cached run left).
        """
        pythons, lines = self.pythons(), []
        for label, uncached in BYTECODE:
            root = self.root / f"session-{label}"
            dirs = {kind: suites.write_one_test(root, kind) for kind in KINDS}
            runs: dict[str, Callable[[], float]] = {}
            for prefix, python in pythons.items():
                with_plugin = self.pytest(python=python)
                without = self.pytest(plugin=False, python=python)
                runs[prefix + "plugin"] = self.bytecode_run(with_plugin, dirs["async"], uncached)
                runs[prefix + "none"] = self.bytecode_run(without, dirs["sync"], uncached)
            times = self.interleave(runs)
            costs, bests = [], []
            for prefix in pythons:
                plugin, none = times[prefix + "plugin"], times[prefix + "none"]
                costs.append([(p - n) * 1e3 for p, n in zip(plugin, none, strict=True)])
                bests.append((min(plugin) - min(none)) * 1e3)
                head = f"{'session ' + prefix:<14}{label:<9} one test"
                medians = (
                    f" {statistics.median(plugin) * 1e3:7.1f} ms,"
                    f" -p no:asyncio {statistics.median(none) * 1e3:7.1f} ms"
                )
                lines.append(
                    f"{head}{medians}  per-session ms{spread(costs[-1], '6.1f')}"
                    f"  best-of {bests[-1]:6.1f}"
                )
            if len(costs) == 2:
                ratio = ratio_row(costs, bests)
                if ratio:
                    lines.append(f"{'session ratio':<14}{label:<9} per-session / --vs{ratio}")
        return "\n".join(lines)

    def slope(self) -> str:
        """Workload slope: per-test µs between a small and a large suite, async less sync.

        The difference of two suites of the same shape cancels what a
        session costs once; the sync twin's slope (pytest's own per-test
        cost) is taken off the async one's, leaving what the plugin costs
        per test. Each ratio row ends with the floor, measured in the same
        rounds: the floor suite's slope less the sync twin's, both with
        ``-p no:asyncio`` (see ``suites.write_workload``), over the --vs
        plugin's per-test cost.
        """
        lines = []
        for workload in self.args.slope_workloads:
            for label, uncached in BYTECODE:
                lines += self.slope_rows(workload, label, uncached)
        return "\n".join(lines)

    def slope_rows(self, workload: str, label: str, uncached: bool) -> list[str]:
        """One workload's slope rows for one bytecode setting (and its --vs and ratio rows)."""
        sizes = self.args.slope
        root = self.root / f"slope-{label}"
        dirs = {
            (kind, size): suites.write_workload(root / str(size), workload, kind, size)
            for kind in (*KINDS, "floor")
            for size in sizes
        }
        runs: dict[str, Callable[[], float]] = {}
        for prefix, python in self.pythons().items():
            command = self.pytest(python=python)
            for kind in KINDS:
                for size in sizes:
                    directory = dirs[kind, size]
                    runs[f"{prefix}{kind} {size}"] = self.bytecode_run(command, directory, uncached)
        bare = self.pytest(plugin=False)  # pytest and asyncio alone
        for kind, prefix in (("floor", "floor "), ("sync", "bare ")):
            for size in sizes:
                runs[f"{prefix}{size}"] = self.bytecode_run(bare, dirs[kind, size], uncached)
        times = self.interleave(runs)
        lines, costs, bests = [], [], []
        for prefix in self.pythons():
            slopes = {kind: per_test_slopes(times, prefix + kind, sizes) for kind in KINDS}
            costs.append([a - s for a, s in zip(*slopes.values(), strict=True)])
            fastest = {
                kind: per_test_slopes({k: [min(v)] for k, v in times.items()}, prefix + kind, sizes)
                for kind in KINDS
            }
            bests.append(fastest["async"][0] - fastest["sync"][0])
            medians = "".join(f" {kind} {statistics.median(slopes[kind]):7.1f}" for kind in KINDS)
            lines.append(
                f"{'slope ' + workload + ' ' + prefix:<14}{label:<9} µs/test{medians}"
                f"  cost{spread(costs[-1], '7.1f')}  best-of {bests[-1]:7.1f}"
            )
        floors = [
            f - s
            for f, s in zip(
                per_test_slopes(times, "floor", sizes),
                per_test_slopes(times, "bare", sizes),
                strict=True,
            )
        ]
        floor = statistics.median(floors)
        lines.append(
            f"{'slope ' + workload + ' floor':<14}{label:<9} µs/test pytest and bare asyncio,"
            f" no plugin{spread(floors, '7.1f')}"
        )
        if len(costs) == 2 and statistics.median(costs[1]) > 0:
            ratio = ratio_row(costs, bests)
            of_theirs = floor / statistics.median(costs[1])
            lines.append(
                f"{'slope ' + workload + ' ratio':<14}{label:<9} cost / --vs cost{ratio}"
                f"  floor {floor:.1f} µs = {of_theirs:.2f} of --vs"
            )
        return lines

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


def per_test_slopes(times: dict[str, list[float]], key: str, sizes: tuple[int, int]) -> list[float]:
    """Round by round, µs per test between the runs ``"KEY SMALL"`` and ``"KEY LARGE"``."""
    small, large = sizes
    pairs = zip(times[f"{key} {small}"], times[f"{key} {large}"], strict=True)
    return [(big - little) / (large - small) * 1e6 for little, big in pairs]


def spread(values: Sequence[float], number: str) -> str:
    """`` min X  median Y  max Z`` of ``values``, each in the format ``number``."""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"  min {low:{number}}  median {mid:{number}}  max {high:{number}}"


def ratio_row(costs: Sequence[Sequence[float]], bests: Sequence[float]) -> str:
    """The ratios of this plugin's costs to the --vs plugin's, round by round, and of best-ofs.

    :returns: ``""`` when the --vs plugin had no positive cost to divide by.
    """
    ratios = [ours / theirs for ours, theirs in zip(*costs, strict=True) if theirs > 0]
    if not ratios:
        return ""
    best_ratio = f"{bests[0] / bests[1]:.2f}" if bests[1] > 0 else "n/a"
    return f"{spread(ratios, '.2f')}  best-of {best_ratio}"


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


_PLUGIN_DIRS = """
import importlib.util
spec = importlib.util.find_spec("pytest_asyncio")
print(*((spec and spec.submodule_search_locations) or []), sep="\\n")
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
        if name == "session":
            print(f"  session: {DESCRIPTIONS[name]}")
        elif name == "slope":
            sizes = f"{args.slope[0]} and {args.slope[1]} tests"
            print(f"  slope: {sizes} of {','.join(args.slope_workloads)}; {DESCRIPTIONS[name]}")
        else:
            print(f"  {name}: {getattr(args, name)} {DESCRIPTIONS[name]}")
    with tempfile.TemporaryDirectory(prefix="pytest-asyncio-bench-") as temporary:
        bench = Bench(args, Path(temporary))
        runs = {
            "d": bench.awaits,
            "collect": bench.collection,
            "session": bench.session,
            "slope": bench.slope,
        }
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
