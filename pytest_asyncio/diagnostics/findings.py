"""What the diagnostics found, and what the severity makes of it.

Every check (leaked tasks, exceptions the loop swallowed, loops left open,
child processes left running) hands its result to :class:`Findings` as a
:class:`Finding`. The severity in force for the running test decides:

* ``report`` (the default): kept for the test's report sections and the
  terminal summary; no outcome, exit code or warning count changes;
* ``warn``: a warning of the finding's class, pointing at the user's code
  (warning filters apply as usual; under ``-W error`` it is an error);
* ``error``: the finding's error class (:class:`~pytest_asyncio.LeakedTaskError`
  for a :class:`~pytest_asyncio.LeakedTaskWarning`...) raised, so the test
  phase the finding belongs to (usually its teardown) errors;
* ``off``: the checks do not run; a finding that arrives anyway is dropped.

In ``report`` mode a warning filter naming the finding's class itself (or
:class:`~pytest_asyncio.DiagnosticWarning`), such as ``-W
error::pytest_asyncio.LeakedTaskWarning``, is obeyed: whoever names the
class asks for its warnings; an ``error`` filter raises the warning class
it names, as Python does. The filters are read only when there is a
finding, so a clean test pays nothing for it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

from pytest_asyncio._settings import Severity
from pytest_asyncio.errors import error_class
from pytest_asyncio.warnings import DiagnosticWarning

_WARNING_ACTIONS = ("default", "always", "all", "module", "once")


class Finding:  # not a dataclass: 4x cheaper to import
    """One report: what, whose, and the full text."""

    __slots__ = (
        "category",
        "cause",
        "count",
        "kind",
        "location",
        "of_a_test",
        "owner",
        "short_text",
        "text",
    )

    def __init__(
        self,
        category: type[DiagnosticWarning],
        text: str,
        owner: str,
        kind: str,
        location: tuple[str, int],
        cause: BaseException | None = None,
        short_text: str | None = None,
        count: int = 1,
        of_a_test: bool = True,
    ) -> None:
        self.category = category
        self.text = text
        #: Whom the summary charges it to: a test id, or a wider loop's fixture.
        self.owner = owner
        #: What was found, for the summary: a key of ``_messages.FINDING_KINDS``.
        self.kind = kind
        #: Where a warning points: the user's code that caused it.
        self.location = location
        #: The exception that caused it, chained to it when it is raised.
        self.cause = cause
        #: The text to raise with when the cause's traceback already shows the rest.
        self.short_text = short_text
        #: How many tasks, exceptions, loops or processes it is about.
        self.count = count
        #: Charged to a test (``False``: to a wider loop's fixture).
        self.of_a_test = of_a_test


class Findings:
    """Delivers findings by severity; keeps the reported ones for the test's report."""

    def __init__(self, severity: Callable[[], Severity]) -> None:
        """:param severity: the severity in force for the running test."""
        self.severity = severity
        #: Reported findings not yet attached to a test report.
        self.pending: list[Finding] = []

    def deliver(self, finding: Finding) -> None:
        """Report, warn about, or raise ``finding``, as the severity says."""
        __tracebackhide__ = True  # the finding is the report, not this frame
        severity = self.severity()
        raised: type[Exception] = error_class(finding.category)
        if severity == "report":
            severity = _asked_for_by_filter(finding)
            raised = finding.category  # an error filter raises the warning it names
        if severity == "report":
            self.pending.append(finding)
        elif severity == "warn":
            _warn(finding)
        elif severity == "error":
            raise raised(finding.short_text or finding.text) from finding.cause

    def take(self) -> list[Finding]:
        """The reported findings since the last call, for the phase's report."""
        taken, self.pending = self.pending, []
        return taken


def _warn(finding: Finding) -> None:
    """Warn at the user's code; under ``-W error`` raise it with its cause."""
    __tracebackhide__ = True
    filename, lineno = finding.location
    try:
        warnings.warn_explicit(finding.category(finding.text), finding.category, filename, lineno)
    except finding.category as error:
        if finding.cause is not None:
            if finding.short_text is not None:
                error.args = (finding.short_text,)
            error.__cause__ = finding.cause
        raise


def _asked_for_by_filter(finding: Finding) -> Severity:
    """``error``, ``warn`` or ``report``, by the first filter naming the class itself."""
    for action, message, category, _module, _lineno in warnings.filters:
        if category is not finding.category and category is not DiagnosticWarning:
            continue
        if isinstance(message, re.Pattern) and not message.match(finding.text):
            continue
        if action == "error":
            return "error"
        return "warn" if action in _WARNING_ACTIONS else "report"
    return "report"
