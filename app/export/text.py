"""Text helpers shared by the exporters: cleaning, wrapping and HTML-like label escaping.

User text (names, technologies, notes, link labels) never reaches an output format raw: it is
cleaned of control characters, wrapped into lines, then escaped for the target syntax.
"""

from __future__ import annotations

import re
import textwrap

# C0/C1 control characters other than tab and newline, plus characters XML cannot carry.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
NAME_WIDTH = 30


def clean(text: str) -> str:
    """Normalise newlines, turn tabs into spaces and drop control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def wrap_lines(text: str, width: int = NAME_WIDTH) -> list[str]:
    """Split user text into display lines: at its own newlines, then at `width` characters.

    Words longer than `width` are broken; empty lines are dropped, so the result has at least
    one line only when the text has visible content.
    """
    lines: list[str] = []
    for raw in clean(text).split("\n"):
        raw = raw.strip()
        if not raw:
            continue
        if len(raw) <= width:
            lines.append(raw)
        else:
            lines.extend(textwrap.wrap(raw, width=width, break_long_words=True, break_on_hyphens=False))
    return lines


def html_escape(text: str) -> str:
    """Escape text for a Graphviz HTML-like label.

    Beyond &, <, > and quotes, backslashes are doubled: Graphviz expands escapes such as
    \\N (node name) and \\G (graph name) inside HTML-like labels too, after decoding entities.
    """
    return (
        clean(text)
        .replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def html_lines(text: str, width: int = NAME_WIDTH) -> str:
    """User text as escaped HTML-like label lines joined with <BR/>."""
    return "<BR/>".join(html_escape(line) for line in wrap_lines(text, width))


def component_title(name: str, fallback: str) -> str:
    """The name shown for a component: its name, or its kind label when it has none."""
    return name if clean(name).strip() else fallback
