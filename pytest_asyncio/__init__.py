"""pytest-asyncio: test asyncio code with pytest."""

from importlib import metadata as _metadata

# First: importing _compat takes the package's modules off pytest's assertion rewriting.
from pytest_asyncio import _compat as _compat
from pytest_asyncio.asyncio_plugin import AsyncioPlugin
from pytest_asyncio.clock import ClockUnsupported, VirtualClock
from pytest_asyncio.clock.switch import VirtualClockFixture
from pytest_asyncio.errors import (
    BlockedLoopError,
    DiagnosticError,
    LeakedLoopError,
    LeakedProcessError,
    LeakedTaskError,
    LoopExceptionError,
)
from pytest_asyncio.fixtures.base import Fixture, FixtureFunction
from pytest_asyncio.fixtures.declare import fixture
from pytest_asyncio.fixtures.ports import (
    PortFactory,
    PortFactoryFixture,
    PortFixture,
    UdpPortFactoryFixture,
    UdpPortFixture,
)
from pytest_asyncio.items import is_async_test
from pytest_asyncio.loops.fixture import LoopFixture
from pytest_asyncio.loops.process_pool import ProcessPoolLoopFixture
from pytest_asyncio.markers.async_marker import AsyncMarker, ProcessPoolMarker
from pytest_asyncio.warnings import (
    BlockedLoopWarning,
    DiagnosticWarning,
    LeakedLoopWarning,
    LeakedProcessWarning,
    LeakedTaskWarning,
    LoopExceptionWarning,
)

try:
    __version__: str = _metadata.version("pytest-asyncio")
except _metadata.PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "AsyncMarker",
    "AsyncioPlugin",
    "BlockedLoopError",
    "BlockedLoopWarning",
    "ClockUnsupported",
    "DiagnosticError",
    "DiagnosticWarning",
    "Fixture",
    "FixtureFunction",
    "LeakedLoopError",
    "LeakedLoopWarning",
    "LeakedProcessError",
    "LeakedProcessWarning",
    "LeakedTaskError",
    "LeakedTaskWarning",
    "LoopExceptionError",
    "LoopExceptionWarning",
    "LoopFixture",
    "PortFactory",
    "PortFactoryFixture",
    "PortFixture",
    "ProcessPoolLoopFixture",
    "ProcessPoolMarker",
    "UdpPortFactoryFixture",
    "UdpPortFixture",
    "VirtualClock",
    "VirtualClockFixture",
    "__version__",
    "fixture",
    "is_async_test",
]
