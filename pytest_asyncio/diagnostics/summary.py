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
from pytest_asyncio.diagnostics.findings import Finding

#: The report attribute: ``[owner, what, text]`` per finding (JSON for xdist).
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
    entries = [[finding.owner, finding.what, finding.text] for finding in findings]
    setattr(report, ATTRIBUTE, entries)
    return section


class Summary:
    """The findings of the session, by owner, for the terminal summary."""

    def __init__(self) -> None:
        self.by_owner: dict[str, list[tuple[str, str]]] = {}

    def collect(self, report: pytest.TestReport) -> None:
        """Remember the findings a report carries (ours, or a worker's)."""
        entries: Any = getattr(report, ATTRIBUTE, None)
        if entries:
            for owner, what, text in entries:
                self.by_owner.setdefault(str(owner), []).append((str(what), str(text)))

    def write(self, terminal: Any, severity: str) -> None:
        """One line per test or fixture; the full texts under ``-v``."""
        if not self.by_owner:
            return
        terminal.write_sep("=", _messages.DIAGNOSTICS_TITLE)
        verbose = terminal.config.getoption("verbose", 0) > 0
        for owner, found in self.by_owner.items():
            terminal.write_line(f"{owner}: {', '.join(what for what, _ in found)}")
            if verbose:
                for _, text in found:
                    for line in text.splitlines():
                        terminal.write_line(f"    {line}")
        for line in _messages.diagnostics_summary(severity).splitlines():
            terminal.write_line(line)
