"""User text shown as plain text on the canvas: one display line, a literal tooltip."""

from __future__ import annotations

import html
import re

_SPACES = re.compile(r"\s+")


def plain_line(text: str) -> str:
    """User text as one display line: whitespace runs (newlines too) become one space."""
    return _SPACES.sub(" ", text).strip()


def plain_tooltip(lines: list[str]) -> str:
    """A tooltip showing `lines` literally: escaped, inside a paragraph Qt renders as rich text."""
    body = "<br/>".join(html.escape(line, quote=False) for line in lines)
    return f"<p style='white-space:pre-wrap'>{body}</p>"
