"""Text helpers shared by the exporters: cleaning, wrapping, bidi safety and HTML-like label
escaping.

User text (names, technologies, notes, link labels) never reaches an output format raw: it is
cleaned of control characters, wrapped into lines, then escaped for the target syntax.

Bidirectional controls: the embeddings and overrides (LRE, RLE, LRO, RLO closed by PDF) and the
isolates (LRI, RLI, FSI closed by PDI) change how the text after them is ordered on screen. A
name holding an RLO without its PDF would reverse whatever follows it in the same paragraph of
an export (the rest of a label, a report sentence, a terminal line). So clean() keeps only the
controls that are closed within the same line of the same text, and:

* isolate() wraps text in FSI ... PDI for targets that honour isolates (Mermaid, whose labels a
  browser draws; terminals), so a right-to-left name cannot reorder its neighbours;
* strip_bidi() removes every embedding, override and isolate control, for targets that either
  draw each label line as its own paragraph (Graphviz) or get text already in visual order
  (the PDF report).

The marks LRM, RLM and ALM have no extent and are kept.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

# C0/C1 control characters other than tab and newline, plus characters XML cannot carry.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
NAME_WIDTH = 30
LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
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


def strip_bidi(text: str) -> str:
    """Remove every bidi embedding, override and isolate control (the marks stay)."""
    return _BIDI_RE.sub("", text)


def needs_isolation(text: str) -> bool:
    """Whether text could reorder its neighbours: it has right-to-left letters, Arabic digits
    or bidi controls."""
    return any(unicodedata.bidirectional(ch) in _REORDERING for ch in text)


def isolate(text: str) -> str:
    """Each line of text balanced and wrapped in FSI ... PDI (first-strong isolate) when it
    could reorder its neighbours; other text is returned as it is."""
    return "\n".join(
        f"{FSI}{balance_bidi(line)}{PDI}" if needs_isolation(line) else line for line in text.split("\n")
    )


def clean(text: str) -> str:
    """Normalise newlines, turn tabs into spaces, drop control characters and the bidi
    controls not closed within their line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return balance_bidi(_CONTROL.sub("", text))


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
            wrapped = textwrap.wrap(raw, width=width, break_long_words=True, break_on_hyphens=False)
            lines.extend(balance_bidi(part) for part in wrapped)  # a pair split by the wrap is dropped
    return lines


def html_escape(text: str) -> str:
    """Escape text for a Graphviz HTML-like label.

    Beyond &, <, > and quotes, backslashes are doubled: Graphviz expands escapes such as
    \\N (node name) and \\G (graph name) inside HTML-like labels too, after decoding entities.
    Bidi embedding, override and isolate controls are removed: Graphviz draws each label line
    as a paragraph of its own, ordered by its own letters.
    """
    return (
        strip_bidi(clean(text))
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
