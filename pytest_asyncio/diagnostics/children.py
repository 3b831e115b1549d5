"""Child processes a test started on its loop and left running.

A process made with ``asyncio.create_subprocess_exec()`` and never waited
for outlives its test, its loop and even pytest. Before a watched loop is
torn down the plugin finds its live subprocess transports (see
:func:`live_subprocess_transports`), describes them, and ends
them: SIGTERM, then SIGKILL after a grace period, then waits until asyncio
has reaped them and closes the transports, all while the loop still runs,
so neither a zombie nor an "unclosed transport" ``ResourceWarning`` is left.
"""

from __future__ import annotations

import asyncio
import shlex
import time
from collections.abc import Iterable, Sequence
from typing import Any, cast

from pytest_asyncio import _asyncio_compat

#: Seconds a child gets to stop after SIGTERM, then after SIGKILL.
TERMINATE_GRACE = 2.0
KILL_GRACE = 5.0


def live_children(loop: asyncio.AbstractEventLoop) -> list[Any]:
    """The subprocess transports of ``loop`` whose process still runs."""
    if loop.is_closed():
        return []
    return [
        transport
        for transport in live_subprocess_transports(loop)
        if transport.get_returncode() is None
    ]


def live_subprocess_transports(loop: asyncio.AbstractEventLoop) -> list[Any]:
    """The subprocess transports of ``loop`` whose child has not been reaped.

    asyncio keeps no public list of them; its child watcher (see
    ``_asyncio_compat.child_watcher``) holds each transport until the
    child exits. A ``ThreadedChildWatcher`` keeps a waiting thread per
    child in ``_threads``, with ``(loop, pid, callback, (transport,))`` as
    the thread's ``_args``; a ``PidfdChildWatcher`` (the default from 3.12
    where ``os.pidfd_open`` works) registers the child's pidfd as a reader
    on the loop, with ``_do_wait(pid, pidfd, callback, (transport,))``.
    Checked on CPython 3.10 to 3.13; any other loop (uvloop) gives an
    empty list.
    """
    watcher = _asyncio_compat.child_watcher(loop)
    if watcher is None:  # no subprocess started yet
        return []
    threads = getattr(watcher, "_threads", None)
    if isinstance(threads, dict):
        waiting = list(cast("dict[object, object]", threads).values())
        arguments: list[Any] = [getattr(thread, "_args", ()) for thread in waiting]
        found = [args[3] for args in arguments if len(args) == 4 and args[0] is loop]
    else:
        found = _pidfd_readers(loop, getattr(watcher, "_do_wait", None))
    return [args[0] for args in found if args and hasattr(args[0], "get_returncode")]


def _pidfd_readers(loop: asyncio.AbstractEventLoop, do_wait: Any) -> list[Any]:
    selector = getattr(loop, "_selector", None)
    if do_wait is None or selector is None:
        return []
    found: list[Any] = []
    for key in list(selector.get_map().values()):
        data: object = key.data  # the loop's (reader, writer) handles
        reader = cast("tuple[object, ...]", data)[0] if isinstance(data, tuple) else None
        if reader is not None and getattr(reader, "_callback", None) == do_wait:
            args: Any = getattr(reader, "_args", ())
            if len(args) == 4:
                found.append(args[3])
    return found


def describe(transport: Any) -> str:
    """``pid 1234: python -c '...'``: the process and the command that started it."""
    popen = transport.get_extra_info("subprocess")
    command = getattr(popen, "args", None)
    if isinstance(command, (list, tuple)):
        shown = shlex.join(str(part) for part in cast("Sequence[object]", command))
    else:
        shown = str(command)
    return f"pid {transport.get_pid()}: {shown}"


def end_children(loop: asyncio.AbstractEventLoop, transports: list[Any]) -> None:
    """Terminate, then kill, each child; wait until asyncio reaped it; close it."""
    if not transports:
        return
    if loop.is_running():  # cannot wait here: closing the transport kills the child
        _close(transports)
        return
    _signal(transports, "terminate")
    loop.run_until_complete(_reaped(transports, TERMINATE_GRACE))
    stubborn = [transport for transport in transports if transport.get_returncode() is None]
    if stubborn:
        _signal(stubborn, "kill")
        loop.run_until_complete(_reaped(stubborn, KILL_GRACE))
    _close(transports)
    loop.run_until_complete(asyncio.sleep(0))  # the transports' connection_lost


def end_live_children(loop: asyncio.AbstractEventLoop) -> None:
    """End whatever children ``loop`` still has, silently (see ``LoopFixture.teardown``)."""
    end_children(loop, live_children(loop))


def _signal(transports: Iterable[Any], how: str) -> None:
    for transport in transports:
        try:
            getattr(transport, how)()
        except ProcessLookupError:  # exited meanwhile, or the transport is closed
            pass


def _close(transports: Iterable[Any]) -> None:
    for transport in transports:
        transport.close()


async def _reaped(transports: list[Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(t.get_returncode() is None for t in transports) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
