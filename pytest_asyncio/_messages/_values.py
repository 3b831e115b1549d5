"""How a message shows a value the user got wrong."""

from __future__ import annotations


def described(value: object) -> str:
    """``42 (of type int)``: the value as Python shows it, and its type, which
    tells a class from an instance of it."""
    return f"{value!r} (of type {type(value).__name__})"
