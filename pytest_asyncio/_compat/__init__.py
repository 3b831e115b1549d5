"""Every use of pytest internals, in one place.

pytest offers no public way to do these few things. Each was checked on
pytest 8.2, 8.3, 8.4, 9.0 and 9.2. Reading the fixture graph is in
``lookup``, changing it in ``declare``; import them from here,
``from pytest_asyncio import _compat``. ``rewrite`` keeps the plugin's
modules out of assertion rewriting: it runs first, before this package
imports any other module of the plugin.
"""

from __future__ import annotations

from pytest_asyncio._compat.rewrite import import_unrewritten

import_unrewritten("pytest_asyncio")

from pytest_asyncio._compat.declare import (  # noqa: E402 - after import_unrewritten
    add_to_closure,
    declare_fixtures,
    finish_before,
    finish_with,
    register_node_fixture,
    report_defined_at,
)
from pytest_asyncio._compat.lookup import (  # noqa: E402 - after import_unrewritten
    cached_fixture_value,
    closure_fixturedefs,
    fixturedefs_of,
    request_fixture,
    requested_by_name,
    requesting_item,
    test_argnames,
    visible_closure,
    visible_fixturedefs,
)

__all__ = [
    "add_to_closure",
    "cached_fixture_value",
    "closure_fixturedefs",
    "declare_fixtures",
    "finish_before",
    "finish_with",
    "fixturedefs_of",
    "import_unrewritten",
    "register_node_fixture",
    "report_defined_at",
    "request_fixture",
    "requested_by_name",
    "requesting_item",
    "test_argnames",
    "visible_closure",
    "visible_fixturedefs",
]
