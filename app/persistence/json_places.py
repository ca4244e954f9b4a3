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


def json_type(value: Any) -> str:
    """What a parsed JSON value is, in the words of the JSON text: 'an array', 'null', ..."""
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "null",
    }.get(type(value), type(value).__name__)


# pydantic's name of each member of a union of plain types, as a file's reader says it.
_UNION_MEMBERS = {
    "bool": "true/false",
    "int": "a number",
    "float": "a number",
    "str": "a string",
    "list[str]": "a list of strings",
}


def union_refusal(
    data: Any, loc: tuple[Any, ...], locs: list[tuple[Any, ...]]
) -> tuple[tuple[Any, ...], str] | None:
    """When every member of a union (a property's true/false, number, string or list of
    strings) refused a value, pydantic reports one error per member, at the value's place
    followed by the member's name ('bool', 'list[str]'): that place and 'expected ..., got ...'.
    None when the error at `loc` is not such a refusal."""
    value = data
    for depth, part in enumerate(loc):
        if isinstance(value, dict | list):
            try:
                value = value[part]
                continue
            except (KeyError, IndexError, TypeError):
                pass
        if part not in _UNION_MEMBERS:
            return None
        place = loc[:depth]
        members = [other[depth] for other in locs if other[:depth] == place and len(other) > depth]
        expected = list(dict.fromkeys(_UNION_MEMBERS.get(str(m), str(m)) for m in members))
        wanted = ", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 else expected[0]
        got = json_type(value)
        odd = [item for item in value if not isinstance(item, str)] if isinstance(value, list) else []
        if odd:
            got += f" holding {json_type(odd[0])}"
        return place, f"expected {wanted}, got {got}"
    return None
