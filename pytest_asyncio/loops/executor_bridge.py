"""The default executor of a process-pool loop.

Since Python 3.9 ``loop.set_default_executor()`` only accepts a
``ThreadPoolExecutor``. The loop gets a ``ThreadPoolExecutor`` subclass
that owns no threads and forwards ``submit()`` and ``shutdown()`` to the real
executor, which works on every loop that implements the public executor API
(asyncio's own loops and uvloop alike).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class ExecutorBridge(ThreadPoolExecutor):
    """Passes for a ``ThreadPoolExecutor`` but forwards work to ``target``."""

    def __init__(self, target: Executor) -> None:
        super().__init__(max_workers=1)
        self.target = target

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        return self.target.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.target.shutdown(wait=wait, cancel_futures=cancel_futures)
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
