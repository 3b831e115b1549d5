"""Which event loop a value is bound to, also when it sits inside another value.

Used only after a test failed with asyncio's "attached to a different loop"
error, to name the fixture behind it: a fixture often returns a tuple
(``asyncio.open_connection()``'s reader and writer), a dict, a dataclass or
a client object holding the loop-bound parts. The search is bounded in
depth and breadth, reads containers and instance attributes (no
properties; of methods only a ``get_loop()`` a class defines), and never
fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import sys
import types
from collections.abc import Iterator, Mapping, Sequence, Set
from typing import Any, cast

#: How deep the search goes into containers and attributes, how many
#: entries it looks at per container, and how many values in all.
MAX_DEPTH = 4
MAX_ENTRIES = 32
MAX_VALUES = 512


#: asyncio objects that keep their loop in a private ``_loop`` attribute and
#: have no ``get_loop()``: locks, events, conditions, semaphores, barriers
#: and queues (``mixins._LoopBoundMixin``, bound on first use), stream
#: readers and writers, and transports.
_PRIVATE_LOOP: tuple[type, ...] = (
    asyncio.Lock,
    asyncio.Event,
    asyncio.Condition,
    asyncio.Semaphore,
    asyncio.Queue,
    asyncio.StreamReader,
    asyncio.StreamWriter,
    asyncio.BaseTransport,
)
if sys.version_info >= (3, 11):
    _PRIVATE_LOOP += (asyncio.Barrier,)

#: Values never looked into: no loop-bound parts inside.
_LEAVES = (str, bytes, bytearray, int, float, complex, bool, type(None), type, range)
_OPAQUE = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def loop_of(value: object) -> asyncio.AbstractEventLoop | None:
    """The loop ``value`` itself is bound to, or ``None`` if it is not bound to one."""
    if isinstance(value, asyncio.AbstractEventLoop):
        return value
    if isinstance(value, _PRIVATE_LOOP):
        # asyncio's private attribute: ``_LoopBoundMixin._get_loop()`` sets it on
        # first use (``None`` before); ``StreamReader``, ``StreamWriter`` and the
        # selector, proactor and SSL transports when made. Checked on CPython
        # 3.10, 3.11, 3.12 and 3.13.
        loop = getattr(value, "_loop", None)
    else:
        # Only a get_loop() the class defines: not one a __getattr__ (a mock) makes up.
        get_loop = getattr(type(value), "get_loop", None)
        if not callable(get_loop):
            return None
        try:
            loop = get_loop(value)
        except Exception:  # a get_loop() of another meaning, or a broken one
            return None
    return loop if isinstance(loop, asyncio.AbstractEventLoop) else None


def find_bound(value: object) -> list[tuple[str, object, asyncio.AbstractEventLoop]]:
    """Every loop-bound object in ``value``, with its path (``""``, ``[0]``, ``.client._writer``).

    A loop-bound object is not looked into further.
    """
    found: list[tuple[str, object, asyncio.AbstractEventLoop]] = []
    seen: set[int] = set()
    pending: list[tuple[str, object, int]] = [("", value, 0)]
    while pending and len(seen) < MAX_VALUES:
        path, current, depth = pending.pop(0)  # breadth first: shortest paths first
        if id(current) in seen or isinstance(current, _LEAVES):
            continue
        seen.add(id(current))
        loop = loop_of(current)
        if loop is not None:
            found.append((path, current, loop))
        elif depth < MAX_DEPTH:
            pending.extend((path + key, child, depth + 1) for key, child in _entries(current))
    return found


def _entries(value: object) -> Iterator[tuple[str, object]]:
    """The parts of ``value`` worth a look, each with its path step; at most MAX_ENTRIES."""
    try:
        yield from itertools.islice(_parts(value), MAX_ENTRIES)
    except Exception:  # a container that fails to iterate: nothing to find there
        return


def _parts(value: object) -> Iterator[tuple[str, object]]:
    if isinstance(value, _OPAQUE) or isinstance(value, asyncio.AbstractEventLoop):
        return
    # The casts say what is known of a container found at run time: nothing.
    if isinstance(value, Mapping):
        mapping = cast("Mapping[object, object]", value)
        for key in mapping:
            yield f"[{key!r}]", mapping[key]
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(cast("Sequence[object]", value)):
            yield f"[{index}]", item
    elif isinstance(value, (set, frozenset)):
        for item in cast("Set[object]", value):
            yield "[…]", item
    elif dataclasses.is_dataclass(value) and not hasattr(value, "__dict__"):  # slots=True
        for field in dataclasses.fields(value):
            yield f".{field.name}", getattr(value, field.name, None)
    else:
        attributes: Any = getattr(value, "__dict__", None)
        if isinstance(attributes, dict):
            for name, attribute in cast("dict[str, object]", attributes).items():
                yield f".{name}", attribute
