"""Which loops run on the virtual clock, test by test, and the ``virtual_clock`` fixture.

A test asks for the clock with ``@pytest.mark.asyncio(clock="virtual")``
(also through ``pytestmark``), by requesting the ``virtual_clock`` fixture,
or for a whole suite with ``asyncio_clock = virtual``. The clock goes on
every loop set up for such a test (the test's loop first of all) and on the
wider loop it shares with earlier tests. While a test that asked for it
runs, every loop that carries a clock runs on virtual time; while another
test runs, those loops' time runs at real speed, on from where it stood, so
a shared loop's time stays monotonic.

Nothing here runs for a suite that never asks for the clock, and the
clock itself (``pytest_asyncio.clock.virtual`` and its mechanics) is
imported only when a test asks for it: the methods below import it.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any, ClassVar, final

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._scopes import ScopeName
from pytest_asyncio.clock import threads
from pytest_asyncio.fixtures.base import Fixture
from pytest_asyncio.loops.choose import loop_class_in_force
from pytest_asyncio.loops.fixture import LoopFixture
from pytest_asyncio.markers import CLOCK_FIXTURE

if TYPE_CHECKING:  # typing.Self is new in Python 3.11
    from typing_extensions import Self

    from pytest_asyncio.clock.virtual import VirtualClock
    from pytest_asyncio.markers import AsyncTest


class ClockSwitch:
    """Puts the clock on the loops of the tests that ask for it, and switches it."""

    def __init__(self) -> None:
        #: Real seconds before a jump; ``None``: the clock class's default.
        self.threshold: float | None = None
        self._item: pytest.Item | None = None
        self._test: AsyncTest | None = None
        self._known_threads: frozenset[threading.Thread] = frozenset()  # as the test began

    def begin(self, item: pytest.Item, test: AsyncTest | None) -> None:
        """As ``item``'s setup starts: switch every clock, put one on its cached loop.

        :raises pytest.fail.Exception: if that loop cannot carry the clock.
        """
        from pytest_asyncio.clock.virtual import live_clocks

        virtual = test is not None and test.virtual_clock
        self._item, self._test = (item, test) if virtual else (None, None)
        self._known_threads = threads.running()
        for clock in live_clocks():
            clock.virtual = virtual
            clock.known_threads = self._known_threads
        if test is None or not virtual or not isinstance(item, pytest.Function):
            return
        definitions = _compat.fixturedefs_of(item, test.loop_fixture)
        if definitions:
            found, loop = _compat.cached_fixture_value(definitions[-1])
            if found and isinstance(loop, asyncio.AbstractEventLoop) and not loop.is_closed():
                refused = self.refusal(loop)
                if refused is not None:
                    _compat.fail_plainly(refused)

    def put_on_fixture_loop(
        self, loop: object, fixturedef: Any, request: pytest.FixtureRequest
    ) -> None:
        """:meth:`refusal` for a loop fixture just set up; fails the fixture if refused."""
        if not isinstance(loop, asyncio.AbstractEventLoop):
            return
        refused = self.refusal(loop)
        if refused is not None:
            fixturedef.finish(request)  # pytest cached it: drop it, it is closed
            _compat.fail_plainly(refused)

    def refusal(self, loop: asyncio.AbstractEventLoop) -> str | None:
        """Put the clock on ``loop`` (installed now if it has none) in virtual
        mode, or say why it cannot go there.

        The caller fails the test outside the ``except`` block, so pytest shows
        the message once, not chained to the ``ClockUnsupported`` it replaces.

        :returns: ``None`` once the clock is on ``loop``, else the message.
        """
        from pytest_asyncio.clock.virtual import ClockUnsupported, VirtualClock

        clock = VirtualClock.of(loop)
        if clock is None:
            try:
                clock = self._clock_class().install(loop, self.threshold)
            except ClockUnsupported as exc:
                return str(exc)
            clock.known_threads = self._known_threads
        clock.virtual = True
        return None

    def loop_name(self, item: pytest.Item) -> str | None:
        """The loop fixture of ``item``, if it is the running test on the clock."""
        test = self._test
        return test.loop_fixture if test is not None and self._item is item else None

    def _clock_class(self) -> type[VirtualClock]:
        test, item = self._test, self._item
        if test is None or item is None:
            return LoopFixture.clock_class
        base = test.marker.loop_fixture
        return loop_class_in_force(item, base, LoopFixture).clock_class


SWITCH: pytest.StashKey[ClockSwitch] = pytest.StashKey()


@final  # the clock class is the extension point: LoopFixture.clock_class
class VirtualClockFixture(Fixture["VirtualClock"]):
    """The ``virtual_clock`` fixture: the clock of the test's loop.

    Requesting it turns the virtual clock on for the test (as
    ``clock="virtual"`` on the marker does).
    """

    name: ClassVar[str] = CLOCK_FIXTURE
    scope: ClassVar[ScopeName] = "function"

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock

    @classmethod
    def from_request(cls, request: pytest.FixtureRequest) -> Self:
        switch = request.config.stash.get(SWITCH, None)
        name = switch.loop_name(request.node) if switch is not None else None
        if name is None:
            message = _messages.clock_fixture_needs_async_test(request.node.nodeid)
            _compat.fail_plainly(message)
        from pytest_asyncio.clock.virtual import VirtualClock

        clock = VirtualClock.of(request.getfixturevalue(name))
        assert clock is not None, "the plugin puts the clock on the test's loop at setup"
        return cls(clock)

    def setup(self) -> VirtualClock:
        """:returns: the clock of the test's loop."""
        return self.clock
