"""Which pytest_asyncio modules one marked test passes through, from collection to its end.

    python benchmarks/module_path.py            # @pytest.mark.asyncio
    python benchmarks/module_path.py module     # @pytest.mark.asyncio(loop_scope="module")

Runs one marked test through ``pytest.main`` in a temporary directory, with a
``sys.setprofile`` hook active from ``pytest_collection`` to
``pytest_sessionfinish``, and prints:

* ``modules``: the distinct pytest_asyncio modules whose functions ran;
* per module, how often it was *entered from another pytest_asyncio module*
  (a call whose caller's frame is in another module of the package; calls
  straight from pytest's hooks are not counted), and the largest such count;
* ``hops``: the distinct caller-module to callee-module pairs in the package.

With ``module`` it also prints the loop's own path: the modules that ran
while the marker prepared the test, while pytest set up ``_event_loop_module``
and while it finished it. The plugin is imported from wherever Python finds
``pytest_asyncio`` (set ``PYTHONPATH`` to measure a checkout).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from collections import Counter
from types import CodeType, FrameType

import pytest

_SPEC = importlib.util.find_spec("pytest_asyncio")  # not imported: pytest must rewrite it
assert _SPEC is not None and _SPEC.origin is not None, "pytest_asyncio is not importable"
PACKAGE = os.path.dirname(_SPEC.origin) + os.sep
PYTEST_FIXTURES = os.path.join("_pytest", "fixtures.py")
SCOPED_LOOP = "_event_loop_module"


def module_of(code: CodeType) -> str | None:
    """The dotted module name inside the package, ``None`` outside it."""
    path = code.co_filename
    if not path.startswith(PACKAGE):
        return None
    return path[len(PACKAGE) : -len(".py")].replace(os.sep, ".")


class Recorder:
    """The profile function: counts module entries and hops inside the package."""

    def __init__(self, follow_loop: bool) -> None:
        self.follow_loop = follow_loop
        self.seen: set[str] = set()
        self.entries: Counter[str] = Counter()
        self.hops: Counter[tuple[str, str]] = Counter()
        self.loop_path: set[str] = set()

    def __call__(self, frame: FrameType, event: str, arg: object) -> None:
        if event != "call":
            return
        module = module_of(frame.f_code)
        if module is None:
            return
        self.seen.add(module)
        caller = module_of(frame.f_back.f_code) if frame.f_back is not None else None
        if caller is not None and caller != module:
            self.entries[module] += 1
            self.hops[(caller, module)] += 1
        if self.follow_loop and _on_loop_path(frame):
            self.loop_path.add(module)


def _on_loop_path(frame: FrameType | None) -> bool:
    """Whether the marker's ``prepare`` or pytest's setup or finish of the
    scoped loop fixture is on the stack."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "prepare" and module_of(code) is not None:
            return True
        if code.co_filename.endswith(PYTEST_FIXTURES):
            owner = None
            if code.co_name == "pytest_fixture_setup":
                owner = frame.f_locals.get("fixturedef")
            elif code.co_name == "finish":
                owner = frame.f_locals.get("self")
            if getattr(owner, "argname", None) == SCOPED_LOOP:
                return True
        frame = frame.f_back
    return False


class Switch:
    """Turns the recorder on for collection and off at the end of the session."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self) -> None:
        sys.setprofile(self.recorder)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        sys.setprofile(None)


def main(scenario: str) -> None:
    mark = "@pytest.mark.asyncio"
    if scenario == "module":
        mark += '(loop_scope="module")'
    source = f"import asyncio\nimport pytest\n\n{mark}\nasync def test_one():\n"
    source += "    await asyncio.sleep(0)\n"
    recorder = Recorder(follow_loop=scenario == "module")
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "test_one.py"), "w") as file:
            file.write(source)
        arguments = [directory, "-q", "-p", "no:cacheprovider"]
        code = pytest.main(arguments, plugins=[Switch(recorder)])
    if code != 0:
        raise SystemExit(f"the measured test did not pass (exit code {code})")
    entries = recorder.entries
    print(
        f"scenario={scenario} modules={len(recorder.seen)} hops={len(recorder.hops)} "
        f"max-entries={max(entries.values(), default=0)}"
    )
    for module in sorted(recorder.seen):
        print(f"  {module:32} entered from the package {entries[module]} times")
    if recorder.follow_loop:
        print(f"loop path: {len(recorder.loop_path)} modules: {sorted(recorder.loop_path)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "function")
