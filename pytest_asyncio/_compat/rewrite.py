"""Importing the plugin's own modules as plain Python, outside assertion rewriting.

pytest rewrites the ``assert`` statements of every module in the packages
of an installed ``pytest11`` plugin (``Config._mark_plugins_for_rewrite``
marks them on the ``AssertionRewritingHook`` in ``sys.meta_path``). A
rewritten module is parsed and compiled on import whenever pytest has no
rewritten bytecode cached for it, which is every run under
``PYTHONDONTWRITEBYTECODE``. The plugin's modules hold no ``assert`` a user
reads (the few there state invariants), so they are imported as plain
Python, from the bytecode their installer compiled.

pytest offers no public way to take a name back: this reads the hook's
``_must_rewrite`` set and ``_marked_for_rewrite_cache`` dict, checked on
pytest 8.2, 8.3, 8.4, 9.0 and 9.2. Where they are missing or of another
type, nothing changes and the modules are rewritten as before: slower,
never wrong. Standard library only, so that nothing else of the package is
imported (and rewritten) before it runs.
"""

from __future__ import annotations

import sys
from typing import cast

__all__ = ["import_unrewritten"]


def import_unrewritten(package: str) -> None:
    """Take ``package`` and its submodules off every assertion rewriting hook installed.

    Called by the package's first import, so that the modules imported after
    it load as plain Python, and when a new pytest session starts in the same
    process (``pytester``'s in-process runs install a hook of their own).

    :param package: the top-level package name, ``pytest_asyncio``.
    """
    rewrite = sys.modules.get("_pytest.assertion.rewrite")
    if rewrite is None:
        return  # no pytest session has installed a rewriting hook in this process
    for finder in sys.meta_path:
        if isinstance(finder, rewrite.AssertionRewritingHook):
            _unmark(finder, package)


def _unmark(hook: object, package: str) -> None:
    found_marked = getattr(hook, "_must_rewrite", None)
    found_cache = getattr(hook, "_marked_for_rewrite_cache", None)
    if not isinstance(found_marked, set) or not isinstance(found_cache, dict):
        return
    # What they hold is checked below.
    marked = cast("set[object]", found_marked)
    cache = cast("dict[object, object]", found_cache)

    def ours(name: object) -> bool:
        return isinstance(name, str) and (name == package or name.startswith(package + "."))

    marked.difference_update([name for name in marked if ours(name)])
    for name in [name for name in cache if ours(name)]:
        del cache[name]
