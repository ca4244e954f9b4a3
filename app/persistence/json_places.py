"""Where in a design file's bytes or JSON text a problem is, as 'line L column C'."""

from __future__ import annotations

import re

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
