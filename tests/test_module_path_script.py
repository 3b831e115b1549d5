"""benchmarks/module_path.py: the modules one marked test passes through.

The counts change with the code; what is checked is that the script runs the
test, finds the loop's modules on its path, and for a module-scoped loop
reports the loop's own path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "module_path.py"


def run_script(*args: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_function_loop_path_is_counted() -> None:
    output = run_script()
    assert re.search(r"^scenario=function modules=\d+ hops=\d+ max-entries=\d+$", output, re.M)
    for module in ("loops.fixture", "loops.direct", "markers"):
        assert re.search(
            rf"^  {re.escape(module)} +entered from the package \d+ times$", output, re.M
        )


def test_a_module_loop_path_is_listed() -> None:
    output = run_script("module")
    assert "scenario=module" in output
    path = re.search(r"^loop path: (\d+) modules: (.*)$", output, re.M)
    assert path is not None, output
    assert "'loops.scoped'" in path.group(2) and "'loops.choose'" in path.group(2)
