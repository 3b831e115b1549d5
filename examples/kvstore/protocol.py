"""The wire format: one request line in, one response line out.

Requests are ``GET key``, ``SET key value``, ``DEL key`` and ``KEYS prefix``;
keys contain no whitespace, values are everything after the key. Text is
UTF-8; a value's newlines are escaped so one line stays one message.
"""

from __future__ import annotations

from kvstore.store import Store

OK = "OK"
MISSING = "MISSING"


def escape(text: str) -> str:
    """Make ``text`` safe to send on one line."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def unescape(text: str) -> str:
    """Undo :func:`escape`."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        code = next(chars, "\\")
        out.append({"n": "\n", "r": "\r"}.get(code, code))
    return "".join(out)


def execute(store: Store, line: str) -> str:
    """Apply one request line to ``store``.

    :returns: the response line (without the newline).
    """
    command, _, rest = line.partition(" ")
    key, _, value = rest.partition(" ")
    command = command.upper()
    if command == "GET" and key:
        found = store.get(key)
        return MISSING if found is None else f"VALUE {escape(found)}"
    if command == "SET" and key:
        store.set(key, unescape(value))
        return OK
    if command == "DEL" and key:
        return OK if store.delete(key) else MISSING
    if command == "KEYS":
        return "KEYS " + " ".join(k for k in store if k.startswith(key))
    return f"ERROR bad request {escape(line)!r}"
