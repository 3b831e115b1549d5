"""pytest-asyncio: test asyncio code with pytest."""

import importlib as _importlib
import sys as _sys
import types as _types
import weakref as _weakref
from importlib import machinery as _machinery
from importlib import metadata as _metadata
from importlib import util as _util
from typing import TYPE_CHECKING


def _import_past_finders(name: str) -> _types.ModuleType:
    """Import the package's submodule ``name`` from the package's own directory,
    asking none of the finders in ``sys.meta_path``.

    For ``_compat``, which takes the package's modules off pytest's assertion
    rewriting: imported the usual way, it would be the one module (with this
    one) that pytest's hook rewrites, parsing and compiling its source again
    in every session that writes no bytecode. ``PathFinder`` is the finder
    that the usual import ends with for a package's modules.
    """
    full_name = f"{__name__}.{name}"
    spec = _machinery.PathFinder.find_spec(full_name, __path__)
    if spec is None or spec.loader is None:  # not in a directory (a zip of its own loader)
        return _importlib.import_module(full_name)
    module = _util.module_from_spec(spec)
    _sys.modules[full_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del _sys.modules[full_name]
        raise
    return module


# First: importing _compat takes the package's modules off pytest's assertion rewriting.
if TYPE_CHECKING:
    from pytest_asyncio import _compat as _compat
else:
    _compat = _import_past_finders("_compat")

# The rest past pytest's rewriting hooks, which would only hand each module back.
with _compat.outside_rewriting():
    from pytest_asyncio.errors import (
        BlockedLoopError,
        DiagnosticError,
        LeakedLoopError,
        LeakedProcessError,
        LeakedTaskError,
        LoopExceptionError,
        NeverAwaitedError,
        NeverWakesError,
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
    from pytest_asyncio.warnings import (
        BlockedLoopWarning,
        DiagnosticWarning,
        LeakedLoopWarning,
        LeakedProcessWarning,
        LeakedTaskWarning,
        LoopExceptionWarning,
        NeverAwaitedWarning,
        NeverWakesWarning,
    )

if TYPE_CHECKING:
    from pytest_asyncio.asyncio_plugin import AsyncioPlugin
    from pytest_asyncio.clock.virtual import ClockUnsupported, VirtualClock
    from pytest_asyncio.clock_switch import VirtualClockFixture
    from pytest_asyncio.markers import AsyncMarker, ProcessPoolMarker

    __version__: str


def _version() -> str:
    """The installed distribution's version, read on first use of ``__version__``:
    looking it up scans the distributions on ``sys.path``, milliseconds that a
    session which never shows its report header does not spend."""
    try:
        return _metadata.version("pytest-asyncio")
    except _metadata.PackageNotFoundError:  # imported from a checkout that was never installed
        return "0+unknown"


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
    "NeverAwaitedError",
    "NeverAwaitedWarning",
    "NeverWakesError",
    "NeverWakesWarning",
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

#: Public names imported on first use: their modules bring in the plugin's
#: machinery (collection, the test runs, the diagnostics), which a conftest
#: that subclasses LoopFixture or a script that uses VirtualClock never needs,
#: or the virtual clock, which a session that never asks for it never loads.
_ON_FIRST_USE = {
    "AsyncioPlugin": "pytest_asyncio.asyncio_plugin",
    "AsyncMarker": "pytest_asyncio.markers",
    "ClockUnsupported": "pytest_asyncio.clock.virtual",
    "ProcessPoolMarker": "pytest_asyncio.markers",
    "VirtualClock": "pytest_asyncio.clock.virtual",
    "VirtualClockFixture": "pytest_asyncio.clock_switch",
}


#: The module that defines each public class and function, for tools that
#: read their source (the docs' autodoc finds ``#:`` comments through it).
_DEFINED_IN: dict[str, str] = {}

#: The first-use names already renamed: each is renamed once, so that a
#: tool that points one back at its module (the docs) keeps it that way.
_SHOWN: _weakref.WeakSet[object] = _weakref.WeakSet()


def _show_as_public(name: str, value: object) -> object:
    """Make a public class or function say ``pytest_asyncio.<name>`` in ``repr``,
    ``help()`` and tracebacks, not the private module that defines it.

    The one place that does so, for every class and function in ``__all__``.
    """
    if isinstance(value, (type, _types.FunctionType)):
        _DEFINED_IN.setdefault(name, value.__module__)
        value.__module__ = __name__
        value.__qualname__ = name
    return value


def _show_imported_as_public() -> None:
    namespace = globals()
    for name in __all__:
        if name in namespace:
            _show_as_public(name, namespace[name])


_show_imported_as_public()

if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute

    def __getattr__(name: str) -> object:
        if name == "__version__":
            version = globals()[name] = _version()
            return version
        module = _ON_FIRST_USE.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # Not kept here: pytester's in-process runs drop the modules a run
        # imported, and the next run's plugin code imports them anew.
        value: object = getattr(_importlib.import_module(module), name)
        if value not in _SHOWN:
            _SHOWN.add(value)
            _show_as_public(name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_ON_FIRST_USE, "__version__"})
