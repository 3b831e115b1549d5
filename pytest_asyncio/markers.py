"""The ``asyncio`` marker: how a marked coroutine test is prepared and run."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, ClassVar

import pytest

from pytest_asyncio import _compat, _messages
from pytest_asyncio._runner import RunFailed, run_coroutine
from pytest_asyncio._scopes import ScopeName, is_scope
from pytest_asyncio._settings import (
    Settings,
    Severity,
    parse_blocked_threshold,
    parse_clock,
    parse_severity,
    parse_timeout,
)
from pytest_asyncio.hookspecs import is_implemented
from pytest_asyncio.loops.choose import LoopChoice, choose_loop
from pytest_asyncio.loops.fixture import LoopFixture
from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture

#: The fixture a test requests to read and drive its loop's clock
#: (``VirtualClockFixture``); requesting it turns the clock on for the test.
CLOCK_FIXTURE = "virtual_clock"

_ACCEPTED = frozenset(
    {
        "blocked_threshold",
        "clock",
        "diagnostics",
        "loop_factories",
        "loop_scope",
        "scope",
        "timeout",
    }
)


class AsyncTest:  # not a dataclass: 4x cheaper to import
    """What the plugin decided at collection time about one async test."""

    __slots__ = (
        "blocked_threshold",
        "diagnostics",
        "error",
        "loop_fixture",
        "marker",
        "timeout",
        "virtual_clock",
    )

    def __init__(
        self,
        marker: AsyncMarker,
        loop_fixture: str,
        timeout: float | None,
        error: str | None = None,
        virtual_clock: bool = False,
        diagnostics: Severity | None = None,
        blocked_threshold: float | None = None,
    ) -> None:
        self.marker = marker
        self.loop_fixture = loop_fixture
        self.timeout = timeout
        self.error = error
        #: The test asked for the virtual clock (see ``pytest_asyncio.clock``).
        self.virtual_clock = virtual_clock
        #: The marker's ``diagnostics=``; ``None``: the configured severity.
        self.diagnostics: Severity | None = diagnostics
        #: The marker's ``blocked_threshold=`` (0: not checked); ``None``: the configured one.
        self.blocked_threshold = blocked_threshold


class AsyncMarker:
    """Runs a marked ``async def`` test as a task on the loop of :attr:`loop_fixture`.

    Subclass it to add a marker bound to another loop fixture; the plugin
    registers :class:`AsyncMarker` and :class:`ProcessPoolMarker`.
    """

    #: The marker name, as in ``@pytest.mark.asyncio``.
    name: ClassVar[str] = "asyncio"
    #: The loop fixture the marker runs tests on (for the function loop scope).
    loop_fixture: ClassVar[str] = LoopFixture.name
    #: One line for ``pytest --markers``.
    description: ClassVar[str] = "run an async def test as a task on the event_loop fixture's loop"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loops: dict[ScopeName | None, str] = {}

    @classmethod
    def register(cls, config: pytest.Config) -> None:
        """Declare the marker so ``--strict-markers`` accepts it."""
        config.addinivalue_line(
            "markers",
            f"{cls.name}(loop_scope=None, timeout=None, loop_factories=None, "
            f"clock=None, diagnostics=None, blocked_threshold=None): {cls.description}",
        )

    def prepare(self, item: pytest.Function, mark: pytest.Mark | None) -> AsyncTest:
        """Read the marker's arguments: the test's loop fixture, time limit, clock.

        Called once per item at collection time; ``mark`` is ``None`` when
        the test runs unmarked (auto mode). A bad argument does not stop
        collection: the test errors at setup with the message. The plugin
        then makes the test request the loop fixture.
        """
        error = self._check_arguments(item, mark) if mark is not None else None
        kwargs: Mapping[str, Any] = mark.kwargs if mark is not None and error is None else {}
        timeout = self.settings.timeout
        diagnostics: Severity | None = None
        blocked: float | None = None
        loop_scope, invalid = _loop_scope_in(kwargs)
        if invalid is not None:
            error = _messages.invalid_marker_scope(item.nodeid, self.name, invalid)
        try:
            if "timeout" in kwargs:
                timeout = parse_timeout(f"{item.nodeid}: timeout", kwargs["timeout"])
            asked = kwargs.get("clock")
            if asked is None and self.settings.clock == "real":  # the usual: no clock asked
                virtual_clock = CLOCK_FIXTURE in item.fixturenames
            else:
                virtual_clock = wants_virtual_clock(item, asked, self.settings.clock)
            if "diagnostics" in kwargs:
                diagnostics = parse_severity(f"{item.nodeid}: diagnostics", kwargs["diagnostics"])
            if "blocked_threshold" in kwargs:
                option = f"{item.nodeid}: blocked_threshold"
                blocked = parse_blocked_threshold(option, kwargs["blocked_threshold"]) or 0.0
        except pytest.UsageError as exc:
            error, virtual_clock = str(exc), False
        return AsyncTest(
            marker=self,
            loop_fixture=self._loops.get(loop_scope) or self._choose(loop_scope),
            timeout=timeout,
            error=error,
            virtual_clock=virtual_clock,
            diagnostics=diagnostics,
            blocked_threshold=blocked,
        )

    def loop_choice(self, mark: pytest.Mark | None, node: pytest.Function) -> LoopChoice:
        """The loop a test with ``mark`` runs on, as :meth:`prepare` chooses it,
        and how long that loop lives as ``node`` sees it (a bad ``loop_scope``
        reads as none: such a test errors anyway).

        Used while collecting, before :meth:`prepare`, by what parametrizes the
        test's loops.
        """
        loop_scope, _ = _loop_scope_in(mark.kwargs if mark is not None else {})
        default = self.settings.default_test_loop_scope
        return choose_loop(self.loop_fixture, loop_scope=loop_scope, default=default, node=node)

    def _choose(self, loop_scope: ScopeName | None) -> str:
        """The loop fixture for ``loop_scope``: the same for every test, so chosen once."""
        chosen = self._loops.get(loop_scope)
        if chosen is None:
            default = self.settings.default_test_loop_scope
            choice = choose_loop(self.loop_fixture, loop_scope=loop_scope, default=default)
            chosen = self._loops[loop_scope] = choice.name
        return chosen

    def _check_arguments(self, item: pytest.Function, mark: pytest.Mark) -> str | None:
        if mark.args:
            return _messages.positional_marker_argument(item.nodeid, self.name, mark.args)
        unknown = sorted(set(mark.kwargs) - _ACCEPTED)
        if unknown:
            return _messages.unknown_marker_argument(item.nodeid, self.name, unknown)
        if "scope" in mark.kwargs and "loop_scope" in mark.kwargs:
            return _messages.scope_and_loop_scope(item.nodeid)
        if mark.kwargs.get("loop_factories") is not None:
            # Imported here: only a marker naming loop factories needs it.
            from pytest_asyncio.loop_factories import is_valid_subset

            if not is_valid_subset(mark.kwargs["loop_factories"]):
                value = mark.kwargs["loop_factories"]
                return _messages.bad_loop_factories_argument(item.nodeid, self.name, value)
            if not is_implemented(item.config):
                return _messages.loop_factories_without_hook(item.nodeid, self.name)
        return None

    def run(self, item: pytest.Function, test: AsyncTest) -> None:
        """Run the test coroutine to completion on its loop.

        Called from ``pytest_pyfunc_call`` with the item's fixtures set up.
        """
        __tracebackhide__ = True  # a failure shows the user's frames, not the plugin's
        funcargs = item.funcargs
        loop: asyncio.AbstractEventLoop = funcargs[test.loop_fixture]  # type: ignore[assignment]
        kwargs = {name: funcargs[name] for name in _compat.test_argnames(item)}
        function = item.obj
        hypothesis = getattr(function, "hypothesis", None)
        if hypothesis is not None and hasattr(hypothesis, "inner_test"):
            run = functools.partial(self._run_coroutine, loop, item, test)
            _run_hypothesis(function, hypothesis, run, kwargs)
        else:
            self._run_coroutine(loop, item, test, function(**kwargs))

    def _run_coroutine(
        self,
        loop: asyncio.AbstractEventLoop,
        item: pytest.Function,
        test: AsyncTest,
        coro: Coroutine[Any, Any, object],
    ) -> None:
        __tracebackhide__ = True
        try:
            run_coroutine(loop, coro, timeout=test.timeout, description=item.nodeid)
        except RunFailed as failure:
            report = str(failure)
        else:
            return
        _compat.fail_plainly(report)


def _loop_scope_in(kwargs: Mapping[str, Any]) -> tuple[ScopeName | None, object]:
    """The marker's ``loop_scope=`` (or ``scope=``, its older name): read here only.

    :returns: the loop scope (``None`` if not given), and a value that is not
        a scope name (``None`` if there is none), which then reads as not given.
    """
    scope = kwargs.get("loop_scope", kwargs.get("scope"))
    if scope is None or is_scope(scope):
        return scope, None
    return None, scope


def wants_virtual_clock(item: pytest.Function, asked: object, default: str) -> bool:
    """Whether ``item`` runs on the virtual clock.

    :param asked: the marker's ``clock=`` argument, ``None`` if not given.
    :param default: the ``asyncio_clock`` setting.
    :raises pytest.UsageError: for a bad ``clock=``, or ``clock="real"``
        with the ``virtual_clock`` fixture.
    """
    uses_fixture = CLOCK_FIXTURE in item.fixturenames
    if asked is None:
        return uses_fixture or default == "virtual"
    virtual = parse_clock(f"{item.nodeid}: clock", asked) == "virtual"
    if uses_fixture and not virtual:
        raise pytest.UsageError(_messages.clock_fixture_with_real_clock(item.nodeid))
    return virtual


def _run_hypothesis(
    function: Callable[..., Any],
    hypothesis: Any,
    run: Callable[[Coroutine[Any, Any, object]], None],
    kwargs: dict[str, object],
) -> None:
    """Let Hypothesis call a sync stand-in that runs each example on our loop."""
    inner = hypothesis.inner_test

    @functools.wraps(inner)
    def each_example(*args: object, **example_kwargs: object) -> None:
        run(inner(*args, **example_kwargs))

    hypothesis.inner_test = each_example
    try:
        function(**kwargs)
    finally:
        hypothesis.inner_test = inner


class ProcessPoolMarker(AsyncMarker):
    """``asyncio_process_pool``: like ``asyncio``, on ``event_loop_process_pool``."""

    name: ClassVar[str] = "asyncio_process_pool"
    loop_fixture: ClassVar[str] = ProcessPoolLoopFixture.name
    description: ClassVar[str] = (
        "run an async def test on the event_loop_process_pool fixture's loop, "
        "whose default executor is a process pool"
    )
