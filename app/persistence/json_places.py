"""Where in a design file's bytes or JSON text a problem is, as 'line L column C'."""

from __future__ import annotations

import math
import re
from typing import Any

_JSON_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'


def line_col(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def where_in_json(text: str, token: str | None) -> str | None:
    """'line L column C' of the first match of the pattern `token` outside JSON strings."""
    if token is None:
        return None
    for match in re.finditer(f"{_JSON_STRING}|({token})", text):
        if match.group(1) is not None:
            offset = match.start(1)
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            return f"line {line} column {column}"
    return None


def overflow_place(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The leading part of a validation error's `loc` that holds an infinite number in `data`.

    json reads a literal beyond a float's range (1e400) as inf, and refuses NaN and Infinity
    themselves, so an infinite number in parsed data is always such a literal.
    """
    value = data
    for depth in range(len(loc) + 1):
        if isinstance(value, float) and not math.isfinite(value):
            return loc[:depth]
        if depth == len(loc) or not isinstance(value, dict | list):
            return None
        try:
            value = value[loc[depth]]
        except (KeyError, IndexError, TypeError):
            return None
    return None
