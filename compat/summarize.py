"""Summarise one pytest run of an upstream suite: counts and the tests that did not pass.

Reads pytest's terminal output (run with ``-rfEs``): the closing line gives the
counts, the short test summary the ids of failed and erroring tests.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

OUTCOMES = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")
COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|warnings?)")
CLOSING = re.compile(r"^=+ .* in [\d.]+s.* =+$")
SUMMARY_HEADER = re.compile(r"^=+ short test summary info =+$")
NOT_PASSED = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$")


def counts(lines: list[str]) -> dict[str, int]:
    """The outcome counts from pytest's closing line (zero for those it leaves out)."""
    found = dict.fromkeys(OUTCOMES, 0)
    closing = [line for line in lines if CLOSING.match(line)]
    if closing:
        for number, word in COUNT.findall(closing[-1]):
            key = "errors" if word.startswith("error") else word
            if key in found:
                found[key] = int(number)
    return found


def not_passed(lines: list[str]) -> list[str]:
    """``FAILED id`` / ``ERROR id`` of the run's own short test summary, in order.

    Only the last summary counts: the output of failed pytester runs, shown
    in the failure reports above it, has summaries of its own.
    """
    headers = [i for i, line in enumerate(lines) if SUMMARY_HEADER.match(line)]
    summary = lines[headers[-1] + 1 :] if headers else []
    return [f"{m[1]} {m[2]}" for m in map(NOT_PASSED.match, summary) if m]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path, help="file holding pytest's output")
    parser.add_argument("--suite", required=True, help="upstream version, for the heading")
    parser.add_argument("--status", type=int, default=0, help="pytest's exit status")
    args = parser.parse_args()
    lines = args.output.read_text(errors="replace").splitlines()
    found = counts(lines)
    # An error at setup stands for a test; one at teardown may follow a pass (rare).
    total = sum(found[k] for k in OUTCOMES)
    print(f"pytest-asyncio {args.suite}: " + ", ".join(f"{found[k]} {k}" for k in OUTCOMES))
    print(f"  passed {found['passed']} of {total} tests (exit status {args.status})")
    if args.status not in (0, 1):
        print(f"  pytest did not finish normally; last lines of {args.output}:")
        print("\n".join("    " + line for line in lines[-15:]))
    for entry in not_passed(lines):
        print("  " + entry)
    print(f"  full output: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
