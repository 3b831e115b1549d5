"""Run real projects' test suites on the real clock and on the virtual clock.

Standard library only. Usage (see benchmarks/README.md)::

    python benchmarks/virtual_clock_suites.py
    python benchmarks/virtual_clock_suites.py --python /tmp/venv/bin/python --git-mirrors DIR

Each suite's test sources are fetched at run time into a temporary folder:
a release's sdist from the package index (``pip download --no-deps
--no-binary :all:``), or, for a project whose sdist holds no tests, a tag of
its git repository (cloned from GitHub, or read from a local mirror folder
named ``owner+name/repo`` under ``--git-mirrors``), and the project is
installed from it into a folder of its own (``pip install --no-deps
--target``), which the runs put first on ``PYTHONPATH``.

Each suite then runs twice in fresh ``python -m pytest`` processes, in the
project's own folder and with its own configuration, once with
``--asyncio-clock=real`` and once with ``--asyncio-clock=virtual``; the
interpreter needs pytest and this pytest-asyncio. ``addopts`` is emptied
(it names coverage plugins) and ``asyncio_timeout`` guards every test, so
a test that hangs fails instead of stalling the run. The table gives each
run's outcomes and its test time (the sum of the tests' durations in a
JUnit XML report, which leaves out start-up and collection) and wall time.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

#: Real seconds a single run may take before the script gives up on it.
RUN_LIMIT = 900


@dataclasses.dataclass(frozen=True)
class Suite:
    """A project's test suite, and where its sources come from."""

    name: str
    version: str
    #: ``owner/name`` on GitHub when the sdist holds no tests; ``None``: the sdist.
    github: str | None = None
    tag: str = ""
    #: Extra pytest arguments (tests needing plugins the run does not have).
    args: tuple[str, ...] = ()


SUITES: tuple[Suite, ...] = (
    Suite("aiorwlock", "1.5.1", github="aio-libs/aiorwlock", tag="v1.5.1"),
    Suite("async-timeout", "5.0.1"),
    Suite("janus", "2.0.0", args=("--ignore=tests/test_benchmarks.py",)),
)


@dataclasses.dataclass
class Run:
    """One pytest run of one suite."""

    #: Each test's outcome: passed, failure, error or skipped.
    by_test: dict[str, str]
    test_time: float
    wall_time: float

    @property
    def outcomes(self) -> Counter[str]:
        return Counter(self.by_test.values())


def fetch(suite: Suite, into: Path, python: str, mirrors: Path | None) -> Path:
    """The suite's source folder, fetched into ``into``."""
    if suite.github is None:
        spec = f"{suite.name}=={suite.version}"
        download = [python, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
        subprocess.run([*download, "-d", str(into), spec], check=True)
        (archive,) = into.glob("*.tar.gz")
        with tarfile.open(archive) as sdist:
            if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
                sdist.extractall(into, filter="data")
            else:
                sdist.extractall(into)
        return next(path for path in into.iterdir() if path.is_dir())
    source = into / suite.name
    if mirrors is not None:
        repo = mirrors / suite.github.replace("/", "+") / "repo"
        tar = subprocess.run(
            ["git", "--git-dir", str(repo), "archive", "--format=tar", suite.tag],
            check=True,
            capture_output=True,
        ).stdout
        source.mkdir()
        subprocess.run(["tar", "-x", "-C", str(source)], input=tar, check=True)
    else:
        url = f"https://github.com/{suite.github}.git"
        clone = ["git", "clone", "-q", "--depth", "1", "--branch", suite.tag, url, str(source)]
        subprocess.run(clone, check=True)
    return source


def install(source: Path, site: Path, python: str) -> None:
    """Install the project from ``source`` into the folder ``site`` (its
    metadata too: some suites check the installed version)."""
    pip = [python, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site)]
    subprocess.run([*pip, str(source)], check=True)


def run(source: Path, site: Path, suite: Suite, python: str, clock: str, report: Path) -> Run:
    """Run the suite once with ``clock``; read its outcomes from a JUnit XML report."""
    command = [
        python,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-o",
        "asyncio_timeout=30",
        f"--asyncio-clock={clock}",
        f"--junitxml={report}",
        *suite.args,
    ]
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    env["PYTHONPATH"] = str(site)
    began = time.perf_counter()
    done = subprocess.run(
        command, cwd=source, env=env, capture_output=True, text=True, timeout=RUN_LIMIT
    )
    wall = time.perf_counter() - began
    if done.returncode not in (0, 1):  # 1: some tests failed
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
    by_test: dict[str, str] = {}
    test_time = 0.0
    for case in ET.parse(report).getroot().iter("testcase"):
        test_time += float(case.get("time", "0"))
        kinds = {child.tag for child in case}
        outcome = next(
            (kind for kind in ("error", "failure", "skipped") if kind in kinds), "passed"
        )
        by_test[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return Run(by_test, test_time, wall)


def not_passed(real: Run, virtual: Run) -> list[str]:
    """The tests that did not pass in one run or the other, with both outcomes."""
    names = sorted(set(real.by_test) | set(virtual.by_test))
    return [
        f"{name}: real {real.by_test.get(name, 'absent')}, "
        f"virtual {virtual.by_test.get(name, 'absent')}"
        for name in names
        if "passed" not in (real.by_test.get(name), virtual.by_test.get(name))
        or real.by_test.get(name) != virtual.by_test.get(name)
    ]


def describe(outcomes: Counter[str]) -> str:
    names = {"passed": "passed", "failure": "failed", "error": "errors", "skipped": "skipped"}
    return ", ".join(f"{outcomes[key]} {word}" for key, word in names.items() if outcomes[key])


def table(rows: list[tuple[Suite, Run, Run]]) -> str:
    """An RST table of the runs, one suite a row."""
    header = (
        "suite",
        "real clock: outcomes",
        "test time",
        "virtual clock: outcomes",
        "test time",
        "wall time real / virtual",
    )
    lines = [header]
    for suite, real, virtual in rows:
        lines.append(
            (
                f"{suite.name} {suite.version}",
                describe(real.outcomes),
                f"{real.test_time:.2f} s",
                describe(virtual.outcomes),
                f"{virtual.test_time:.2f} s",
                f"{real.wall_time:.2f} s / {virtual.wall_time:.2f} s",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rule = "  ".join("=" * width for width in widths)
    text = [rule, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), rule]
    for line in lines[1:]:
        text.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    text.append(rule)
    return "\n".join(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run")
    parser.add_argument(
        "--git-mirrors",
        type=Path,
        help="read git sources from OWNER+NAME/repo under this folder instead of GitHub",
    )
    parser.add_argument("--suites", help="comma-separated names (default: all)")
    options = parser.parse_args(argv)
    chosen = SUITES
    if options.suites:
        wanted = set(options.suites.split(","))
        chosen = tuple(suite for suite in SUITES if suite.name in wanted)
    versions = subprocess.run(
        [
            options.python,
            "-c",
            "import sys, pytest, pytest_asyncio; "
            "print(sys.version.split()[0], pytest.__version__, pytest_asyncio.__version__)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    print(f"Python {versions[0]}, pytest {versions[1]}, pytest-asyncio {versions[2]}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="virtual-clock-suites-") as scratch:
        for suite in chosen:
            into = Path(scratch) / suite.name
            into.mkdir()
            source = fetch(suite, into, options.python, options.git_mirrors)
            site = into / "site"
            install(source, site, options.python)
            real = run(source, site, suite, options.python, "real", into / "real.xml")
            virtual = run(source, site, suite, options.python, "virtual", into / "virtual.xml")
            rows.append((suite, real, virtual))
            print(
                f"{suite.name}: real {describe(real.outcomes)} in {real.test_time:.2f} s; "
                f"virtual {describe(virtual.outcomes)} in {virtual.test_time:.2f} s"
            )
            for line in not_passed(real, virtual):
                print(f"  {line}", flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
