"""Bidirectional text safety for user text, shared by every output (no Qt, no exporter).

The embeddings and overrides (LRE, RLE, LRO, RLO closed by PDF) and the isolates (LRI, RLI,
FSI closed by PDI) change how the text after them is ordered on screen. A name holding an RLO
without its PDF would reverse whatever follows it in the same paragraph of an output (the
rest of a label, a report sentence, a terminal line). So:

* balance_bidi() keeps only the controls closed within the same line;
* isolate() also wraps text in FSI ... PDI, for targets that honour isolates (browsers drawing
  Mermaid, terminals), so a right-to-left name cannot reorder its neighbours;
* strip_bidi() removes every embedding, override and isolate control, for targets that draw
  each line as its own paragraph (Graphviz) or get text already in visual order (the PDF);
* left_to_right() puts a left-to-right mark in front of a line that isolated names begin, for
  targets that take a paragraph's direction from its first strong letter without skipping
  isolates (Qt's text documents, a window manager's title bar), so an English line that starts
  with a right-to-left name is still laid out left to right.

The marks LRM, RLM and ALM have no extent and are kept.
"""

from __future__ import annotations

import re
import unicodedata

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRM = "\u200e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
EMBEDDINGS = LRE + RLE + LRO + RLO  # closed by PDF
ISOLATES = LRI + RLI + FSI  # closed by PDI
BIDI_CONTROLS = EMBEDDINGS + PDF + ISOLATES + PDI
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")
# Bidi classes that can reorder neighbouring text: right-to-left letters, Arabic digits, controls.
_REORDERING = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def _balance_line(line: str) -> str:
    keep = [True] * len(line)
    stack: list[tuple[str, int]] = []  # ("e" embedding/override | "i" isolate, position)
    for index, ch in enumerate(line):
        if ch in EMBEDDINGS:
            stack.append(("e", index))
        elif ch in ISOLATES:
            stack.append(("i", index))
        elif ch == PDF:
            if stack and stack[-1][0] == "e":
                stack.pop()
            else:  # nothing to close (or only an isolate, which a PDF cannot close)
                keep[index] = False
        elif ch == PDI:
            if any(kind == "i" for kind, _ in stack):
                while stack:
                    kind, opened = stack.pop()
                    if kind == "i":
                        break
                    keep[opened] = False  # an embedding the PDI would close implicitly
            else:
                keep[index] = False
    for _kind, opened in stack:  # never closed
        keep[opened] = False
    return "".join(ch for ch, kept in zip(line, keep, strict=True) if kept)


def balance_bidi(text: str) -> str:
    """Drop the bidi embedding, override and isolate controls not closed within their line
    (and closers with nothing to close); balanced pairs stay."""
    if not _BIDI_RE.search(text):
        return text
    return "\n".join(_balance_line(line) for line in text.split("\n"))


def one_line(text: str) -> str:
    """User text with its line breaks and runs of white space as single spaces."""
    return " ".join(text.split())


def strip_bidi(text: str) -> str:
    """Remove every bidi embedding, override and isolate control (the marks stay)."""
    return _BIDI_RE.sub("", text)


def needs_isolation(text: str) -> bool:
    """Whether text could reorder its neighbours: it has right-to-left letters, Arabic digits
    or bidi controls."""
    return not text.isascii() and any(unicodedata.bidirectional(ch) in _REORDERING for ch in text)


def isolate(text: str) -> str:
    """Each line of text balanced and wrapped in FSI ... PDI (first-strong isolate) when it
    could reorder its neighbours; other text is returned as it is."""
    return "\n".join(
        f"{FSI}{balance_bidi(line)}{PDI}" if needs_isolation(line) else line for line in text.split("\n")
    )


def left_to_right(line: str) -> str:
    """`line` with a left-to-right mark (LRM) in front when it could be read right to left."""
    return LRM + line if needs_isolation(line) else line


_JSON_ESCAPES = {ord(ch): f"\\u{ord(ch):04x}" for ch in BIDI_CONTROLS}
# The controls' UTF-8 bytes: E2 80 AA..AE (LRE..RLO) and E2 81 A6..A9 (LRI..PDI).
_UTF8_BIDI_RE = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def json_escape_bidi(text: str) -> str:
    """JSON text with every bidi control written as its \\u escape: the same data, but a name
    holding one cannot reorder the quotes and commas around it on a terminal."""
    return text.translate(_JSON_ESCAPES)


def json_escape_bidi_bytes(data: bytes) -> bytes:
    """`json_escape_bidi` for UTF-8 encoded JSON."""
    return _UTF8_BIDI_RE.sub(lambda m: m.group().decode("utf-8").translate(_JSON_ESCAPES).encode(), data)
