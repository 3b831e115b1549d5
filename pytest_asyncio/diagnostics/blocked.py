"""A step of a loop that blocked it: what the watchdog saw, and its report.

The watchdog (see ``watchdog``) records each step that blocked a loop for
at least the threshold as a :class:`Blocked`; the diagnostics turn those
found during a test phase into findings charged to the test, naming the
test or async fixture that ran and the stack where the loop was blocked.
"""

from __future__ import annotations

import functools
import linecache
import os

from pytest_asyncio import _messages
from pytest_asyncio.diagnostics.findings import Finding
from pytest_asyncio.diagnostics.tasks import short_path
from pytest_asyncio.warnings import BlockedLoopWarning


@functools.cache
def library_dirs() -> tuple[str, ...]:
    """Where installed code lives: the standard library and site-packages.

    Read when first needed: ``sysconfig`` costs a session's start noticeably.
    """
    import sysconfig

    paths = sysconfig.get_paths()
    return tuple({os.path.join(paths[key], "") for key in ("stdlib", "purelib", "platlib")})


class Blocked:
    """One step that blocked a loop: whose run, where, and for how long (at least)."""

    __slots__ = ("first_seen", "last_seen", "owner", "stack", "threshold")

    def __init__(
        self,
        owner: object,
        stack: list[tuple[str, int, str]],
        threshold: float,
        first_seen: float,
        last_seen: float,
    ) -> None:
        """:param owner: the run's description: a test id, or a callable naming a fixture.
        :param stack: the stack when the step had blocked for the threshold,
            as ``(file, line, function)``, outermost first.
        """
        self.owner = owner
        self.stack = stack
        self.threshold = threshold
        self.first_seen = first_seen
        self.last_seen = last_seen

    @property
    def seconds(self) -> float:
        """How long the step was seen blocking: a lower bound."""
        return self.last_seen - self.first_seen

    def location(self) -> tuple[str, int]:
        """The deepest frame of the user's own code (not the standard library's)."""
        for filename, lineno, _ in reversed(self.stack):
            if not filename.startswith(library_dirs()):
                return filename, lineno
        filename, lineno, _ = self.stack[-1]
        return filename, lineno

    def where(self) -> str:
        """The stack as indented ``file:line in function`` lines with their source."""
        lines: list[str] = []
        for filename, lineno, name in self.stack:
            lines.append(f"  {short_path(filename)}:{lineno} in {name}")
            source = linecache.getline(filename, lineno).strip()
            if source:
                lines.append(f"    {source}")
        return "\n".join(lines)


def blocked_loops(found: list[Blocked], test: str) -> list[Finding]:
    """The findings for steps that blocked a loop during a phase of ``test``."""
    findings: list[Finding] = []
    for blocked in found:
        owner = blocked.owner
        whose = _messages.blocked_owner(
            owner if isinstance(owner, str) else str(owner()),  # type: ignore[operator]
            isinstance(owner, str),
        )
        text = _messages.blocked_loop(whose, blocked.seconds, blocked.threshold, blocked.where())
        findings.append(Finding(BlockedLoopWarning, text, test, "blocked", blocked.location()))
    return findings
