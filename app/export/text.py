"""Text helpers shared by the exporters: cleaning, wrapping, bidi safety and HTML-like label
escaping.

User text (names, technologies, notes, link labels) never reaches an output format raw: it is
cleaned of control characters, wrapped into lines, then escaped for the target syntax.

Bidi controls (app.domain.text): clean() keeps only those closed within their line; Graphviz
labels lose them all (html_escape); Mermaid and the CLI wrap names in isolates; the PDF report
gets text already in visual order (report/shaping.py).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from functools import cache

from app.domain import line_breaks
from app.domain.line_breaks import Measure
from app.domain.text import balance_bidi, isolate, needs_isolation, strip_bidi

__all__ = [
    "NAME_WIDTH",
    "Measure",
    "balance_bidi",
    "clean",
    "component_title",
    "display_units",
    "escape_xml",
    "fit_lines",
    "html_escape",
    "html_fit",
    "html_lines",
    "isolate",
    "needs_isolation",
    "measure_in_points",
    "strip_bidi",
    "wrap_lines",
]

# C0/C1 control characters other than tab and newline, plus characters XML cannot carry.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
NAME_WIDTH = 30


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


def escape_xml(text: str) -> str:
    """&, < and > escaped, as xml.sax.saxutils.escape does (without importing it: it pulls in
    urllib and http, some 20 ms at start-up)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def html_escape(text: str) -> str:
    """Escape text for a Graphviz HTML-like label.

    Beyond &, <, > and quotes, backslashes are doubled: Graphviz expands escapes such as
    \\N (node name) and \\G (graph name) inside HTML-like labels too, after decoding entities.
    A ']' is an entity: Graphviz 2.43's label lexer refuses a text that is a lone ']' (or ']]]').
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
        .replace("]", "&#93;")
    )


def html_lines(text: str, width: int = NAME_WIDTH) -> str:
    """User text as escaped HTML-like label lines joined with <BR/>."""
    return "<BR/>".join(html_escape(line) for line in wrap_lines(text, width))


def component_title(name: str, fallback: str) -> str:
    """The name shown for a component: its name, or its kind label when it has none."""
    return name if clean(name).strip() else fallback


def _units(ch: str) -> int:
    """Display width of a character in units of an average Latin letter: 2 for East Asian wide
    characters and emoji, 0 for combining marks and format characters (joiners, bidi)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_units(text: str) -> float:
    return sum(_units(ch) for ch in text)


@cache
def measure_in_points(font: str, size: float) -> Measure:
    """Width in points of text set in one of PDF's standard fonts (Graphviz lays labels out with
    Helvetica's metrics); a wide CJK character or emoji counts one em."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # only where text is fitted to a box

    class Widths(dict[str, float]):
        """Each character's width, looked up once: a long name is measured again and again as
        it is wrapped (a 10,000-letter name: millions of lookups, seconds each)."""

        def __missing__(self, ch: str) -> float:
            units = _units(ch)
            width = self[ch] = units * size / 2 if units != 1 else stringWidth(ch, font, size)
            return width

    width_of = Widths().__getitem__

    def measure(text: str) -> float:
        return sum(map(width_of, text))

    return measure


def fit_lines(text: str, width: float, max_lines: int, measure: Measure = display_units) -> list[str]:
    """User text as at most `max_lines` lines no wider than `width` (by default in display
    units, a wide CJK character or emoji counting two): each of its own lines wrapped as the
    canvas wraps a name (app.domain.line_breaks); text that does not fit ends in an
    ellipsis. For a label drawn in a box of fixed size."""
    lines: list[str] = []
    room = max(max_lines, 1)
    for paragraph in filter(None, (" ".join(raw.split()) for raw in clean(text).split("\n"))):
        if len(lines) == room:  # the text goes on past the last line
            if not lines[-1].endswith(line_breaks.ELLIPSIS):
                lines[-1] = line_breaks.ellipsized(lines[-1], width, measure)
            break
        lines += line_breaks.wrap(paragraph, width, room - len(lines), measure)
    return [balance_bidi(line) for line in lines]  # a pair split by the wrap is dropped


def html_fit(text: str, width: float, max_lines: int, measure: Measure = display_units) -> str:
    """`fit_lines` as escaped HTML-like label lines joined with <BR/>."""
    return "<BR/>".join(html_escape(line) for line in fit_lines(text, width, max_lines, measure))
