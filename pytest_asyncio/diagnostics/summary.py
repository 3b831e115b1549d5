"""Where reported findings go: the test's report sections and the terminal summary.

A finding in ``report`` mode is attached to the report of the test phase it
arrived in: as a report section titled ``asyncio diagnostics`` (shown with
a failure, by ``-rA`` / ``-rP``, by pytest-html), as a user property (so
``--junitxml`` carries it), and as the report attribute
``asyncio_diagnostics``, which pytest-xdist sends to the controller with the
report. The terminal summary is built from that attribute, so it lists the
findings of every worker.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_asyncio import _messages
from pytest_asyncio.diagnostics.findings import Finding, Findings

#: The report attribute: ``[owner, kind, count, text, of_a_test]`` per finding
#: (JSON, for pytest-xdist).
ATTRIBUTE = "asyncio_diagnostics"


def attach(
    item: pytest.Item, report: pytest.TestReport, findings: list[Finding]
) -> tuple[str, str]:
    """Put ``findings`` into ``report`` (of ``item``'s current phase).

    :returns: the report section, for the caller to show elsewhere too.
    """
    text = "\n\n".join(finding.text for finding in findings)
    section = (_messages.DIAGNOSTICS_TITLE, text)
    report.sections.append(section)
    item.user_properties.append(section)
    report.user_properties.append(section)
    entries = [[f.owner, f.kind, f.count, f.text, f.of_a_test] for f in findings]
    setattr(report, ATTRIBUTE, entries)
    return section


class Sections:
    """Attaches the reported findings to each phase's report, and shows them on the call's.

    pytest shows a passed test's sections (``-rA``) and a failure's from
    its call report, and a setup or teardown report's only when it
    failed (or under a title naming the teardown), so findings of those
    phases are copied into the call report's sections too. Too late for
    pytest-xdist's copy of a teardown finding; the teardown report
    carries it there.
    """

    def __init__(self) -> None:
        #: The running test's call report, until its teardown report is made,
        #: and the report sections of its setup, for the call report.
        self._call_report: pytest.TestReport | None = None
        self._carried: list[tuple[str, str]] = []

    def place(self, item: pytest.Item, report: pytest.TestReport, findings: Findings) -> None:
        """Give ``report`` (just made for ``item``) the findings reported in its phase."""
        when = report.when
        if when == "call":
            self._call_report = report
            if self._carried:  # the setup's findings, shown with the call's
                report.sections.extend(self._carried)
                self._carried = []
        if findings.pending:
            section = attach(item, report, findings.take())
            if when == "setup":
                self._carried.append(section)
            elif when == "teardown" and self._call_report is not None:
                self._call_report.sections.append(section)
        if when == "teardown":
            self._call_report = None
            if self._carried:
                self._carried = []


class Summary:
    """The findings of the session, by owner, for the terminal summary."""

    def __init__(self) -> None:
        #: ``(kind, count, text)`` per finding, by owner (a test id or a loop fixture).
        self.by_owner: dict[str, list[tuple[str, int, str]]] = {}
        #: The owners that are loop fixtures rather than tests.
        self.fixtures: set[str] = set()

    def collect(self, report: pytest.TestReport) -> None:
        """Remember the findings a report carries (ours, or a worker's)."""
        entries: Any = getattr(report, ATTRIBUTE, None)
        if entries:
            for owner, kind, count, text, of_a_test in entries:
                found = self.by_owner.setdefault(str(owner), [])
                found.append((str(kind), int(count), str(text)))
                if not of_a_test:
                    self.fixtures.add(str(owner))

    def write(self, terminal: Any, severity: str) -> None:
        """One line per test or loop fixture, then the totals; the full texts under ``-v``."""
        if not self.by_owner:
            return
        terminal.write_sep("=", _messages.DIAGNOSTICS_TITLE)
        verbose = terminal.config.getoption("verbose", 0) > 0
        for owner, found in self.by_owner.items():
            counts = ", ".join(_messages.finding_count(kind, n) for kind, n, _ in found)
            terminal.write_line(f"{owner}: {counts}")
            if verbose:
                for _, _, text in found:
                    for line in text.splitlines():
                        terminal.write_line(f"    {line}")
        terminal.write_line(_messages.diagnostics_totals(self._totals()))
        for line in _messages.diagnostics_summary(severity).splitlines():
            terminal.write_line(line)

    def _totals(self) -> list[tuple[str, int, int, int]]:
        """Per kind: the count, and in how many tests and loop fixtures."""
        totals = {kind: [0, 0, 0] for kind in _messages.FINDING_KINDS}  # in the summary's order
        for owner, found in self.by_owner.items():
            where = 2 if owner in self.fixtures else 1
            for kind, count, _ in found:
                totals[kind][0] += count
            for kind in {kind for kind, _, _ in found}:
                totals[kind][where] += 1
        return [(kind, n, tests, fixtures) for kind, (n, tests, fixtures) in totals.items() if n]
