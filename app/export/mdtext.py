"""User text as GitHub-flavoured Markdown that reads as typed and cannot change the document's
structure.

- md_inline(): one line of text inside a paragraph, list item or heading. Every character
  Markdown could read as emphasis, code, a link, a table cell border, strikethrough, a
  heading's closing hashes, GitHub's $math$ or raw HTML (\\ ` * _ [ ] | ~ # $ < &) is backslash-escaped or
  written as an entity; newlines become spaces.
- md_cell(): the same for a table cell, where newlines become <br> (a cell is one line).
- md_item(): one line of text that starts a list item: also escaped where it starts, since
  "- 1. x", "- - x" or "- > x" would nest a list or a quote inside the item.
- md_block(): paragraphs of prose: each line escaped as inline text and also where it starts
  (#, >, -, +, =, "1." would make a heading, quote, list or rule); lines end in hard breaks.

Bidi controls: text passes through clean() (only controls closed within their line are
kept); names are wrapped in an isolate (FSI ... PDI) so a right-to-left name cannot reorder
the Markdown around it.
"""

from __future__ import annotations

import re

from app.export.text import clean, isolate

# Backslash escapes for ASCII punctuation GitHub's Markdown gives a meaning inline.
_INLINE = {ch: "\\" + ch for ch in "\\`*_[]|~#$"}
_INLINE.update({"<": "&lt;", "&": "&amp;", "\u00a0": " "})
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+>=])")


def md_inline(text: object, *, name: bool = False) -> str:
    """One line of user text, escaped (a name also isolated for bidi safety)."""
    flat = " ".join(clean(str(text)).split())
    if name and flat:
        flat = isolate(flat)
    return "".join(_INLINE.get(ch, ch) for ch in flat)


def md_cell(text: object, *, name: bool = False) -> str:
    """User text for one table cell: escaped, its lines joined with <br>, never empty."""
    lines = [md_inline(line, name=name) for line in clean(str(text)).split("\n") if line.strip()]
    return "<br>".join(lines) or " "


def _escape_start(match: re.Match[str]) -> str:
    if match.group(3):
        return "\\" + match.group(3)
    return f"{match.group(1)}\\{match.group(2)}"


def md_item(text: object) -> str:
    """One line of user text right after a list marker: escaped inline and where it starts."""
    return _LINE_START.sub(_escape_start, md_inline(text))


def md_block(text: object) -> str:
    """Paragraphs of user text: blank lines kept between paragraphs, other newlines as hard
    breaks, every line escaped (a leading "1." too: ordered lists start with digits)."""
    paragraphs = re.split(r"\n\s*\n", clean(str(text)).strip())
    out = []
    for paragraph in paragraphs:
        lines = []
        for line in paragraph.split("\n"):
            if not line.strip():
                continue
            escaped = _LINE_START.sub(_escape_start, md_inline(line))
            lines.append(escaped)
        if lines:
            out.append("  \n".join(lines))
    return "\n\n".join(out)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table from cells already escaped with md_cell() or built by the exporter."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
