"""Plain sync tests of the storage and wire format: no loop involved."""

from __future__ import annotations

import pytest

from kvstore import Store
from kvstore.protocol import MISSING, OK, escape, execute, unescape


def test_set_get_delete() -> None:
    store = Store()
    store.set("a", "1")
    assert store.get("a") == "1"
    assert store.delete("a")
    assert store.get("a") is None
    assert (store.reads, store.writes) == (2, 2)


@pytest.mark.parametrize("text", ["", "plain", "two\nlines", "back\\slash\\n", "cr\r\n"])
def test_escape_round_trip(text: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped
    assert unescape(escaped) == text


def test_execute_speaks_the_protocol() -> None:
    store = Store()
    assert execute(store, "SET greeting hello world") == OK
    assert execute(store, "GET greeting") == "VALUE hello world"
    assert execute(store, "KEYS gr") == "KEYS greeting"
    assert execute(store, "DEL greeting") == OK
    assert execute(store, "GET greeting") == MISSING
    assert execute(store, "FROB x").startswith("ERROR")
